import type { ReplyArg } from '../../../bridge/osc/codec';
import { PRIMER_LIMITS, type ClipNote, type ClipPrimer } from '../../../src/music/clip-primer';
import { modelSpec } from '../../../src/models/registry';
import { COMMON_TIME } from '../../../src/models/spec';

/** A clip as the device's Live reader sent it (`primer begin|notes|end`): its name, loop length and notes. */
export interface ReadClip extends ClipPrimer {
  name: string;
}

/**
 * Puts together `primer begin <length> <name...>`, `primer notes <pitch start duration velocity>...`,
 * `primer end` from the Live reader (tandem-live-reader.js). Returns the clip at `end`, or a line
 * saying what was wrong.
 */
export class ClipReadAssembler {
  private clip: ReadClip | undefined;
  private bad: string | undefined;

  /** Takes one `primer` message; at `end`, the clip or the problem. */
  take(args: readonly unknown[]): ReadClip | { problem: string } | undefined {
    const [what, ...rest] = args;
    if (what === 'begin') {
      const length = rest[0];
      this.bad =
        typeof length === 'number' && Number.isFinite(length) && length > 0
          ? undefined
          : `the clip's length must be more than 0 beats, got ${JSON.stringify(length)}`;
      this.clip = { name: rest.slice(1).map(String).join(' '), lengthBeats: Number(length), notes: [] };
      return undefined;
    }
    if (what === 'notes') {
      if (!this.clip) return { problem: 'the clip reader sent notes before begin' };
      if (rest.length % 4 !== 0) this.bad ??= `notes come in fours (pitch, start, duration, velocity), got ${rest.length} values`;
      for (let i = 0; i + 3 < rest.length; i += 4) {
        const [pitch, start, duration, velocity] = rest.slice(i, i + 4).map(Number);
        const ok =
          Number.isInteger(pitch) &&
          pitch >= 0 &&
          pitch <= 127 &&
          start >= 0 &&
          start < this.clip.lengthBeats &&
          duration > 0 &&
          velocity >= 1 &&
          velocity <= 127;
        if (ok) this.clip.notes.push({ pitch, startBeats: start, durationBeats: duration, velocity: Math.round(velocity) });
        else
          this.bad ??= `a note must have pitch 0-127, a start inside the clip, a duration above 0 and velocity 1-127, got ${JSON.stringify(rest.slice(i, i + 4))}`;
      }
      return undefined;
    }
    if (what === 'end') {
      const clip = this.clip;
      this.clip = undefined;
      if (!clip) return { problem: 'the clip reader sent end before begin' };
      return this.bad ? { problem: `the clip "${clip.name}" could not be read: ${this.bad}` } : clip;
    }
    return { problem: `primer takes begin, notes or end, got ${JSON.stringify(what)}` };
  }
}

/** The clip's bar for a model and style, in beats (4/4: 4; a jig's 6/8: 3). */
export function barBeats(model: string, style: string): number {
  return (modelSpec(model).meter?.(style === 'any' ? undefined : style) ?? COMMON_TIME).stepsPerBar / 4;
}

/**
 * What is sent of a clip to continue: its last whole bars, at most `maxBars` (the bridge keeps at
 * most Bars - 1 of them), shifted to start at 0. Throws a line for the status when it cannot be
 * continued (no notes, shorter than a bar, too many notes).
 */
export function clipToSend(clip: ReadClip, bar: number, maxBars: number): ClipPrimer & { bars: number } {
  if (maxBars < 1) throw new Error("set Bars to 2 or more to continue a clip (the clip's bars are part of the suggestion)");
  const whole = Math.floor(clip.lengthBeats / bar + 1e-9);
  if (whole < 1) throw new Error(`the clip "${clip.name}" is ${clip.lengthBeats} beats long; Continue needs at least one whole bar (${bar} beats)`);
  const bars = Math.min(whole, maxBars);
  const from = clip.lengthBeats - bars * bar;
  const notes: ClipNote[] = clip.notes.filter((n) => n.startBeats >= from - 1e-9).map((n) => ({ ...n, startBeats: Math.max(0, n.startBeats - from) }));
  if (notes.length === 0) throw new Error(`the clip "${clip.name}" has no notes in its last ${bars === 1 ? 'bar' : `${bars} bars`}: nothing to continue`);
  const most = PRIMER_LIMITS.chunks * PRIMER_LIMITS.notesPerChunk;
  if (notes.length > most)
    throw new Error(`the clip "${clip.name}" has ${notes.length} notes in its last ${bars} bars; Continue takes at most ${most}: shorten its loop`);
  return { notes, lengthBeats: bars * bar, bars };
}

/** The /tandem/primer messages of a clip for request `id` (chunks of PRIMER_LIMITS.notesPerChunk notes). */
export function primerMessages(id: number, clip: ClipPrimer): ReplyArg[][] {
  const per = PRIMER_LIMITS.notesPerChunk;
  const chunks = Math.max(1, Math.ceil(clip.notes.length / per));
  const out: ReplyArg[][] = [];
  for (let k = 0; k < chunks; k++) {
    const notes = clip.notes
      .slice(k * per, (k + 1) * per)
      .flatMap((n): ReplyArg[] => [{ i: n.pitch }, { f: n.startBeats }, { f: n.durationBeats }, { i: n.velocity }]);
    out.push([{ i: id }, { i: k }, { i: chunks }, { f: clip.lengthBeats }, ...notes]);
  }
  return out;
}
