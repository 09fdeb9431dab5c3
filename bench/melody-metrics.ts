/**
 * Figures for melody and bass lines (issue 12, point 5), as pure functions over plain lines so
 * the same code measures real validation lines, the network and the n-gram baseline, and a test
 * can check each figure on hand-made lines whose answer is known.
 *
 * A line: monophonic notes `[MIDI pitch, start step, duration steps]` on the 16th grid, its key,
 * meter, length in steps and the chord of every bar (the chord sounding at the bar's downbeat,
 * which is what a generated line is asked to play over).
 */
import { MODE_SCALES, type ChordOrNone, type Key } from '../src/music/chords';
import { keyShift, METERS, type MelodyMeter } from '../src/models/melody/spec';

export type NoteTriple = readonly [pitch: number, startStep: number, durationSteps: number];

export interface EvalLine {
  notes: ReadonlyArray<NoteTriple>;
  key: Key;
  meter: MelodyMeter;
  stepsPerBar: number;
  /** Length in steps (whole bars). */
  steps: number;
  /** Chord of each bar at its downbeat; undefined where none is known. */
  barChords: ReadonlyArray<ChordOrNone | undefined>;
  /**
   * With eval --half-bar-chords (4/4 and 6/8 only: a 3/4 bar has no half): the chord of each half bar (the one
   * sounding at its first step), two per bar; the chords the line was given and is measured against.
   */
  halfBarChords?: ReadonlyArray<ChordOrNone | undefined>;
}

/** A count out of a total, pooled over lines before dividing. */
export interface Share {
  hits: number;
  total: number;
}

export const share = (s: Share): number => (s.total ? s.hits / s.total : NaN);
export const addShare = (a: Share, b: Share): Share => ({ hits: a.hits + b.hits, total: a.total + b.total });
export const ZERO_SHARE: Readonly<Share> = Object.freeze({ hits: 0, total: 0 });

const pcOf = (pitch: number, tonic: number): number => (((pitch - tonic) % 12) + 12) % 12;

/** Notes whose pitch class is in the key's scale (every note counts once, whatever its length). */
export function inKeyShare(notes: ReadonlyArray<NoteTriple>, key: Key): Share {
  const scale = MODE_SCALES[key.mode];
  return { hits: notes.filter(([p]) => scale.includes(pcOf(p, key.tonic))).length, total: notes.length };
}

/** Histogram bins of each figure (the last interval/inter-onset bins collect everything beyond). */
export const HIST_BINS = { pitchClass: 12, interval: 27, interOnset: 17, beatPosition: 16 } as const;
export type HistName = keyof typeof HIST_BINS;
export const HIST_NAMES = Object.keys(HIST_BINS) as HistName[];
export type Histograms = Record<HistName, number[]>;

export const emptyHistograms = (): Histograms => ({
  pitchClass: new Array<number>(HIST_BINS.pitchClass).fill(0),
  interval: new Array<number>(HIST_BINS.interval).fill(0),
  interOnset: new Array<number>(HIST_BINS.interOnset).fill(0),
  beatPosition: new Array<number>(HIST_BINS.beatPosition).fill(0),
});

/**
 * Adds a line's counts to `h`: pitch class relative to the tonic (0 = tonic); interval between
 * successive notes in semitones (bin 0 = below -12, 1..25 = -12..+12, 26 = above +12);
 * inter-onset in steps (bin k = k+1 steps, bin 16 = more than 16); onset position in the bar (step).
 */
export function addHistograms(h: Histograms, line: Pick<EvalLine, 'notes' | 'key' | 'stepsPerBar'>): Histograms {
  const n = line.notes;
  for (let i = 0; i < n.length; i++) {
    h.pitchClass[pcOf(n[i][0], line.key.tonic)]++;
    h.beatPosition[n[i][1] % line.stepsPerBar]++;
    if (i === 0) continue;
    const iv = n[i][0] - n[i - 1][0];
    h.interval[iv < -12 ? 0 : iv > 12 ? 26 : iv + 13]++;
    const ioi = n[i][1] - n[i - 1][1];
    h.interOnset[Math.min(HIST_BINS.interOnset, Math.max(1, ioi)) - 1]++;
  }
  return h;
}

export function histogramsOf(lines: ReadonlyArray<Pick<EvalLine, 'notes' | 'key' | 'stepsPerBar'>>): Histograms {
  const h = emptyHistograms();
  for (const l of lines) addHistograms(h, l);
  return h;
}

const normalise = (xs: readonly number[]): number[] => {
  const s = xs.reduce((a, b) => a + b, 0);
  return xs.map((x) => (s ? x / s : 0));
};

/** Total variation distance between two count histograms (0 = same shape, 1 = disjoint). */
export function totalVariation(a: readonly number[], b: readonly number[]): number {
  const p = normalise(a);
  const q = normalise(b);
  return p.reduce((s, x, i) => s + Math.abs(x - q[i]), 0) / 2;
}

/** Jensen-Shannon divergence in bits (0 = same shape, 1 = disjoint). */
export function jsDivergence(a: readonly number[], b: readonly number[]): number {
  const p = normalise(a);
  const q = normalise(b);
  let d = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i] + q[i]) / 2;
    if (p[i] > 0) d += 0.5 * p[i] * Math.log2(p[i] / m);
    if (q[i] > 0) d += 0.5 * q[i] * Math.log2(q[i] / m);
  }
  return d;
}

/** Strong steps of a bar: the downbeat and the bar's middle beat (4/4: beat 3; 6/8: the second dotted beat; 3/4 has no middle beat). */
export function strongSteps(meter: MelodyMeter): number[] {
  if (meter === '4/4') return [0, 8];
  if (meter === '6/8') return [0, 6];
  return [0];
}

/** The chord of a step: by default the chord the line was given there (its half bar's with halfBarChords, else its bar's). */
export type ChordLookup = (line: EvalLine, step: number) => ChordOrNone | undefined;
const barChordOf: ChordLookup = (line, step) =>
  line.halfBarChords ? line.halfBarChords[Math.floor((2 * step) / line.stepsPerBar)] : line.barChords[Math.floor(step / line.stepsPerBar)];

/**
 * Notes begun on a strong step whose pitch class is a tone of the chord there (the bar's chord
 * unless `chordOf` says otherwise); steps without a chord are left out.
 */
export function strongBeatChordTones(line: EvalLine, chordOf: ChordLookup = barChordOf, steps: readonly number[] = strongSteps(line.meter)): Share {
  const strong = new Set(steps);
  let hits = 0;
  let total = 0;
  for (const [p, s] of line.notes) {
    if (!strong.has(s % line.stepsPerBar)) continue;
    const c = chordOf(line, s);
    if (!c || c.root < 0) continue;
    total++;
    if ((c.pitchClasses as readonly number[]).includes(((p % 12) + 12) % 12)) hits++;
  }
  return { hits, total };
}

/** Notes begun on a strong step that are the chord's root (for bass lines). */
export function strongBeatOnRoot(line: EvalLine, chordOf: ChordLookup = barChordOf, steps: readonly number[] = strongSteps(line.meter)): Share {
  const strong = new Set(steps);
  let hits = 0;
  let total = 0;
  for (const [p, s] of line.notes) {
    if (!strong.has(s % line.stepsPerBar)) continue;
    const c = chordOf(line, s);
    if (!c || c.root < 0) continue;
    total++;
    if (((p % 12) + 12) % 12 === c.root) hits++;
  }
  return { hits, total };
}

/** Mean notes begun per bar. */
export const notesPerBar = (line: Pick<EvalLine, 'notes' | 'steps' | 'stepsPerBar'>): number => line.notes.length / Math.max(1, line.steps / line.stepsPerBar);

export { spearman } from './stats';

/** Notes in a window needed for it to count in the copy check (a held root is not a quotation). */
export const COPY_MIN_NOTES = 4;

/**
 * Keys of every bar-aligned 2-bar stretch of a line (each bar offset): onset steps within the
 * stretch and key-relative pitches (moved as the network's encoding moves them), only stretches
 * with at least `minNotes` onsets.
 */
export function twoBarKeys(line: Pick<EvalLine, 'notes' | 'key' | 'stepsPerBar' | 'steps'>, minNotes = COPY_MIN_NOTES): string[] {
  const spb = line.stepsPerBar;
  const shift = keyShift(line.key.tonic);
  const out: string[] = [];
  for (let from = 0; from + 2 * spb <= line.steps; from += spb) {
    const inside = line.notes.filter(([, s]) => s >= from && s < from + 2 * spb);
    if (inside.length < minNotes) continue;
    out.push(`${spb}|${inside.map(([p, s]) => `${s - from}:${p - shift}`).join(',')}`);
  }
  return out;
}

/** Lowest and highest pitch, and the notes outside the bounds `bounds` gives for a line (none counted without it). */
export function rangeFigures<L extends Pick<EvalLine, 'notes' | 'key'>>(
  lines: readonly L[],
  bounds?: (l: L) => [number, number],
): { min: number; max: number; outside: Share } {
  let min = Infinity;
  let max = -Infinity;
  let outside = 0;
  let total = 0;
  for (const l of lines) {
    const b = bounds?.(l);
    for (const [p] of l.notes) {
      min = Math.min(min, p);
      max = Math.max(max, p);
      total++;
      if (b && (p < b[0] || p > b[1])) outside++;
    }
  }
  return { min, max, outside: { hits: outside, total } };
}

/** Whether a line ends on a bar line: whole bars, no note runs past the end. */
export const endsOnBarLine = (line: Pick<EvalLine, 'notes' | 'steps' | 'stepsPerBar'>): boolean =>
  line.steps % line.stepsPerBar === 0 && line.notes.every(([, s, d]) => d >= 1 && s + d <= line.steps);

/** Names of lineFeatures' columns, in its order (histogram bins by index: interval13 = unison, interval6 = a fifth down). */
export const LINE_FEATURE_NAMES: readonly string[] = [
  ...HIST_NAMES.flatMap((n) => Array.from({ length: HIST_BINS[n] }, (_, i) => `${n}${i}`)),
  'notesPerBar',
  ...METERS.map((m) => `meter ${m}`),
  'meanRel',
  'sdRel',
  'meanDur',
  'rest',
];

/** Features of one line for the style and real-vs-generated classifiers. */
export function lineFeatures(line: EvalLine): number[] {
  const h = addHistograms(emptyHistograms(), line);
  const shift = keyShift(line.key.tonic);
  const rel = line.notes.map(([p]) => p - shift);
  const meanRel = rel.reduce((a, b) => a + b, 0) / Math.max(1, rel.length);
  const sdRel = Math.sqrt(rel.reduce((a, b) => a + (b - meanRel) ** 2, 0) / Math.max(1, rel.length));
  const sounding = line.notes.reduce((a, [, , d]) => a + d, 0);
  const meanDur = sounding / Math.max(1, line.notes.length);
  return [
    ...HIST_NAMES.flatMap((n) => normalise(h[n])),
    notesPerBar(line) / 16,
    ...METERS.map((m) => (m === line.meter ? 1 : 0)),
    (meanRel - 60) / 12,
    sdRel / 12,
    meanDur / line.stepsPerBar,
    1 - Math.min(1, sounding / Math.max(1, line.steps)),
  ];
}
