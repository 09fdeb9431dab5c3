import { NUM_DRUM_CLASSES, drumClassOfPitch, gmPitchOfClass } from '../music/drum-map';
import { DRUM_CHANNEL, sortNotes, type Note, type Sequence } from '../music/sequence';
import { TICKS_PER_STEP, stepsPerBar, type Meter, FOUR_FOUR } from '../time/units';

/**
 * Drums on a 16th-note grid: for each step, which of the 9 classes hit, how hard
 * (velocity 1-127, 0 = no hit) and how far off the grid (offset in steps, -0.5..0.5,
 * negative = ahead of the beat). This is how the drum models see a groove.
 */
export interface DrumGrid {
  steps: number;
  /** steps x 9, row-major: velocity 0-127 (0 = no hit). */
  velocity: Uint8Array;
  /** steps x 9, row-major: micro-timing in steps, -0.5..0.5. */
  offset: Float32Array;
}

export const emptyGrid = (steps: number): DrumGrid => ({
  steps,
  velocity: new Uint8Array(steps * NUM_DRUM_CLASSES),
  offset: new Float32Array(steps * NUM_DRUM_CLASSES),
});

/** Bitmask (0-511) of the classes that hit at a step: bit c set = class c hits. */
export function stepPattern(grid: DrumGrid, step: number): number {
  let p = 0;
  for (let c = 0; c < NUM_DRUM_CLASSES; c++) if (grid.velocity[step * NUM_DRUM_CLASSES + c] > 0) p |= 1 << c;
  return p;
}

export function patterns(grid: DrumGrid): number[] {
  const out = new Array<number>(grid.steps);
  for (let s = 0; s < grid.steps; s++) out[s] = stepPattern(grid, s);
  return out;
}

/** Number of classes hitting in a pattern bitmask. */
export function popcount(p: number): number {
  let n = 0;
  while (p) {
    n += p & 1;
    p >>= 1;
  }
  return n;
}

/**
 * Quantises drum notes onto the 16th grid, keeping each hit's velocity and micro-timing.
 * Notes whose pitch is not a known drum are counted in `unmapped` and left out. When two
 * notes of one class land on one step, the louder one is kept.
 */
export function quantizeDrums(notes: readonly Note[], totalSteps?: number): { grid: DrumGrid; unmapped: number } {
  let maxStep = 0;
  for (const n of notes) maxStep = Math.max(maxStep, Math.round(n.startTicks / TICKS_PER_STEP));
  const steps = totalSteps ?? maxStep + 1;
  const grid = emptyGrid(steps);
  let unmapped = 0;
  for (const n of notes) {
    const cls = drumClassOfPitch(n.pitch);
    if (cls === undefined) {
      unmapped++;
      continue;
    }
    const exact = n.startTicks / TICKS_PER_STEP;
    const step = Math.round(exact);
    if (step < 0 || step >= steps) continue;
    const i = step * NUM_DRUM_CLASSES + cls;
    if (n.velocity > grid.velocity[i]) {
      grid.velocity[i] = Math.max(1, Math.min(127, n.velocity));
      grid.offset[i] = Math.max(-0.5, Math.min(0.5, exact - step));
    }
  }
  return { grid, unmapped };
}

export interface GridToSequenceOptions {
  bpm?: number;
  /** Apply the micro-timing offsets (default true); false snaps every hit to the grid. */
  humanize?: boolean;
  meter?: Meter;
  /** Note length in ticks (drums are one-shots; DAWs want a visible length). Default a 32nd. */
  noteTicks?: number;
}

/** Turns a grid back into GM drum notes on channel 10. */
export function gridToSequence(grid: DrumGrid, opts: GridToSequenceOptions = {}): Sequence {
  const humanize = opts.humanize ?? true;
  const len = opts.noteTicks ?? TICKS_PER_STEP / 2;
  const notes: Note[] = [];
  for (let s = 0; s < grid.steps; s++) {
    for (let c = 0; c < NUM_DRUM_CLASSES; c++) {
      const v = grid.velocity[s * NUM_DRUM_CLASSES + c];
      if (!v) continue;
      const off = humanize ? grid.offset[s * NUM_DRUM_CLASSES + c] : 0;
      const start = Math.max(0, Math.round((s + off) * TICKS_PER_STEP));
      notes.push({ pitch: gmPitchOfClass(c), velocity: v, startTicks: start, durationTicks: len, channel: DRUM_CHANNEL });
    }
  }
  const meter = opts.meter ?? FOUR_FOUR;
  const bars = Math.ceil(grid.steps / stepsPerBar(meter));
  return {
    notes: sortNotes(notes),
    tempos: [{ ticks: 0, bpm: opts.bpm ?? 120 }],
    meters: [{ ticks: 0, meter }],
    totalTicks: Math.max(bars * stepsPerBar(meter) * TICKS_PER_STEP, ...notes.map((n) => n.startTicks + n.durationTicks)),
  };
}

/** Onsets (hits) per bar of a grid. */
export function onsetsPerBar(grid: DrumGrid, meter: Meter = FOUR_FOUR): number[] {
  const per = stepsPerBar(meter);
  const bars = Math.ceil(grid.steps / per);
  const out = new Array<number>(bars).fill(0);
  for (let i = 0; i < grid.velocity.length; i++) if (grid.velocity[i] > 0) out[Math.floor(i / NUM_DRUM_CLASSES / per)]++;
  return out;
}

/**
 * Mean velocity (1-127) of the hits in each bar; a bar without hits takes the bar before's value
 * (the first bars before any hit take the first hit bar's), 0 for a grid without hits.
 */
export function meanVelocityPerBar(grid: DrumGrid, meter: Meter = FOUR_FOUR): number[] {
  const per = stepsPerBar(meter);
  const bars = Math.ceil(grid.steps / per);
  const sum = new Array<number>(bars).fill(0);
  const n = new Array<number>(bars).fill(0);
  for (let i = 0; i < grid.velocity.length; i++) {
    if (!grid.velocity[i]) continue;
    const b = Math.floor(i / NUM_DRUM_CLASSES / per);
    sum[b] += grid.velocity[i];
    n[b]++;
  }
  const out = sum.map((s, b) => (n[b] ? s / n[b] : NaN));
  const first = out.find((v) => !Number.isNaN(v)) ?? 0;
  for (let b = 0; b < bars; b++) if (Number.isNaN(out[b])) out[b] = b > 0 ? out[b - 1] : first;
  return out;
}

/** A text picture of a grid, one row per class, `x` for a hit, `o` for a soft one. */
export function drawGrid(grid: DrumGrid, labels: readonly string[], meter: Meter = FOUR_FOUR): string {
  const per = stepsPerBar(meter);
  const rows: string[] = [];
  for (let c = NUM_DRUM_CLASSES - 1; c >= 0; c--) {
    let row = `${labels[c]} |`;
    for (let s = 0; s < grid.steps; s++) {
      const v = grid.velocity[s * NUM_DRUM_CLASSES + c];
      row += v === 0 ? '.' : v < 60 ? 'o' : 'x';
      if ((s + 1) % per === 0) row += '|';
    }
    rows.push(row);
  }
  return rows.join('\n');
}
