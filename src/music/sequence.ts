import type { MeterEvent, TempoEvent } from '../time/tempo-map';

/** MIDI channel index 9 (channel 10 to musicians) carries drums in General MIDI. */
export const DRUM_CHANNEL = 9;

/** One note: integer ticks at the project PPQ, channel 0-15, pitch and velocity 0-127. */
export interface Note {
  pitch: number;
  velocity: number;
  startTicks: number;
  durationTicks: number;
  channel: number;
}

/**
 * A piece of music in ticks: notes, tempo and meter changes, and its length.
 * Plain data only, so it crosses the Chromium <-> Node boundary as it is.
 */
export interface Sequence {
  notes: Note[];
  tempos: TempoEvent[];
  meters: MeterEvent[];
  /** Length in ticks (at least the end of the last note). */
  totalTicks: number;
  /** Track names by channel, when the source had them. */
  trackNames?: string[];
  /** Marker texts (chord symbols, what a model assumed), written as SMF marker events. */
  markers?: Array<{ ticks: number; text: string }>;
  /** Key signature at the start (sharps > 0, flats < 0), written as an SMF key signature event. */
  keySignature?: { sharps: number; minor: boolean };
}

export function sortNotes(notes: Note[]): Note[] {
  return notes.sort((a, b) => a.startTicks - b.startTicks || a.pitch - b.pitch || a.channel - b.channel);
}

export function endOfNotes(notes: readonly Note[]): number {
  let end = 0;
  for (const n of notes) end = Math.max(end, n.startTicks + n.durationTicks);
  return end;
}

export function makeSequence(notes: Note[], opts: { bpm?: number; totalTicks?: number; meters?: MeterEvent[] } = {}): Sequence {
  return {
    notes: sortNotes(notes),
    tempos: [{ ticks: 0, bpm: opts.bpm ?? 120 }],
    meters: opts.meters ?? [{ ticks: 0, meter: { numerator: 4, denominator: 4 } }],
    totalTicks: Math.max(opts.totalTicks ?? 0, endOfNotes(notes)),
  };
}

/** Notes that start in [fromTicks, toTicks), shifted so fromTicks becomes 0. */
export function sliceSequence(seq: Sequence, fromTicks: number, toTicks: number): Sequence {
  const notes = seq.notes.filter((n) => n.startTicks >= fromTicks && n.startTicks < toTicks).map((n) => ({ ...n, startTicks: n.startTicks - fromTicks }));
  return {
    notes,
    tempos: [{ ticks: 0, bpm: seq.tempos.filter((t) => t.ticks <= fromTicks).at(-1)?.bpm ?? seq.tempos[0]?.bpm ?? 120 }],
    meters: [{ ticks: 0, meter: seq.meters.filter((m) => m.ticks <= fromTicks).at(-1)?.meter ?? { numerator: 4, denominator: 4 } }],
    totalTicks: toTicks - fromTicks,
  };
}
