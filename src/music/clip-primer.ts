import { InvalidValueError } from '../errors';
import { PPQ, TICKS_PER_STEP } from '../time/units';
import { sortNotes, type Note, type Sequence } from './sequence';

/**
 * Limits of one clip sent over OSC (/tandem/primer): chunks, notes a chunk (a datagram well under
 * 1 KB), length in beats, how long an unused one is kept (seconds).
 */
export const PRIMER_LIMITS = Object.freeze({ chunks: 64, notesPerChunk: 32, beats: 1024, keepSeconds: 60 });

/** One note of a musician's clip as a host reports it (Live's notes: beats from the clip's start). */
export interface ClipNote {
  pitch: number;
  startBeats: number;
  durationBeats: number;
  velocity: number;
}

/** A clip to continue: its notes, and its length in beats (the loop's, as the host plays it). */
export interface ClipPrimer {
  notes: ClipNote[];
  lengthBeats: number;
}

/** Whole bars of a clip kept as a primer, at the end of the clip. */
export interface PrimerCut {
  /** The kept bars as a sequence from tick 0, on the model's channel, whole bars long. */
  sequence: Sequence;
  /** Whole bars kept. */
  bars: number;
  /** Whole bars of the clip (kept + left out at its start). */
  clipBars: number;
}

/**
 * The primer a model continues from a musician's clip: the clip's **last** whole bars (what comes
 * next follows its end), at most `maxBars`, moved to start at tick 0 on `channel`. Ticks round to
 * the project's PPQ (32-bit OSC floats of beats come back exact: the ulp is far below a tick).
 * Less than a bar left over at the clip's start (a pickup) is left out.
 *
 * `stepsPerBar` is the model's bar for the style (16 = 4/4, 12 = a jig's 6/8).
 * Throws InvalidValueError when not even one whole bar fits, or `maxBars` is below 1.
 */
export function cutClipPrimer(clip: ClipPrimer, opts: { stepsPerBar: number; channel: number; maxBars: number }): PrimerCut {
  const barTicks = opts.stepsPerBar * TICKS_PER_STEP;
  const barBeats = barTicks / PPQ;
  const lengthTicks = Math.round(clip.lengthBeats * PPQ);
  const clipBars = Math.floor(lengthTicks / barTicks);
  if (clipBars < 1) throw new InvalidValueError('primer', `${clip.lengthBeats} beats`, `at least one whole bar (${barBeats} beats)`);
  if (opts.maxBars < 1) throw new InvalidValueError('bars', opts.maxBars + 1, 'at least 2 to continue a clip (its bars are part of the suggestion)');
  const bars = Math.min(clipBars, opts.maxBars);
  const from = lengthTicks - bars * barTicks;
  const to = lengthTicks;
  const notes: Note[] = [];
  for (const n of clip.notes) {
    const start = Math.round(n.startBeats * PPQ);
    if (start < from || start >= to) continue;
    notes.push({
      pitch: n.pitch,
      velocity: n.velocity,
      startTicks: start - from,
      durationTicks: Math.max(1, Math.round(n.durationBeats * PPQ)),
      channel: opts.channel,
    });
  }
  const totalTicks = bars * barTicks;
  return { sequence: { notes: sortNotes(notes), tempos: [{ ticks: 0, bpm: 120 }], meters: [], totalTicks }, bars, clipBars };
}
