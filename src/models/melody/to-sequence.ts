import { keyName, keySignature } from '../../music/chords';
import { makeSequence, type Note, type Sequence } from '../../music/sequence';
import { TICKS_PER_STEP } from '../../time/units';
import type { MelodyLine } from './melody-rnn';
import { METER_OF, type Voice } from './spec';

/** Velocity of a line's notes: the voice's level, accented on the bar line, softer off the beat. */
function velocityAt(voice: Voice, stepInBar: number): number {
  const base = voice === 'bass' ? 92 : 86;
  if (stepInBar === 0) return base + 10;
  return stepInBar % 4 === 0 ? base : base - 10;
}

/**
 * A generated line as a Sequence on `channel`: its meter, the key signature, and markers naming the
 * key and every chord change at its tick (so a file says what harmony it was made over, given or drawn).
 */
export function lineToSequence(line: MelodyLine, opts: { channel: number; bpm?: number }): Sequence {
  const notes: Note[] = line.notes.map(([pitch, s, d]) => ({
    pitch,
    velocity: velocityAt(line.voice, s % line.stepsPerBar),
    startTicks: s * TICKS_PER_STEP,
    durationTicks: d * TICKS_PER_STEP,
    channel: opts.channel,
  }));
  const seq = makeSequence(notes, { bpm: opts.bpm, totalTicks: line.steps * TICKS_PER_STEP, meters: [{ ticks: 0, meter: METER_OF[line.meter] }] });
  const barTicks = line.stepsPerBar * TICKS_PER_STEP;
  const markers = [{ ticks: 0, text: `key ${keyName(line.key)}${line.chordsDrawn ? ', chords drawn from the style' : ''}` }];
  // One marker per chord change, at its tick (a bar's chords split it evenly).
  let last: string | undefined;
  line.chords.forEach((bar, i) =>
    bar.forEach((c, k) => {
      if (c !== last) markers.push({ ticks: i * barTicks + (k * barTicks) / bar.length, text: c });
      last = c;
    }),
  );
  return { ...seq, markers, keySignature: keySignature(line.key) };
}

/**
 * A monophonic line from notes on the 16th grid: at each onset the highest note (melody) or the
 * lowest (bass), each lasting until it ends or the next onset. [pitch, start step, duration steps].
 */
export function monophonic(notes: readonly Note[], pick: 'highest' | 'lowest'): Array<[number, number, number]> {
  const byStart = new Map<number, Note>();
  for (const n of notes) {
    const s = Math.round(n.startTicks / TICKS_PER_STEP);
    const cur = byStart.get(s);
    if (!cur || (pick === 'lowest' ? n.pitch < cur.pitch : n.pitch > cur.pitch)) byStart.set(s, n);
  }
  const starts = [...byStart.keys()].sort((a, b) => a - b);
  return starts.map((s, i): [number, number, number] => {
    const n = byStart.get(s)!;
    const end = Math.max(s + 1, Math.round((n.startTicks + n.durationTicks) / TICKS_PER_STEP));
    return [n.pitch, s, Math.max(1, Math.min(end, starts[i + 1] ?? Infinity) - s)];
  });
}

/** A primer for a line model: the notes of `seq` one at a time (see monophonic), and its length in steps. */
export function primerFromSequence(seq: Sequence, voice: Voice): { notes: Array<[number, number, number]>; steps: number } {
  return { notes: monophonic(seq.notes, voice === 'bass' ? 'lowest' : 'highest'), steps: Math.floor(seq.totalTicks / TICKS_PER_STEP) };
}
