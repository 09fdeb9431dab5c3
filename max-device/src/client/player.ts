import { InvalidValueError } from '../../../src/errors';
/** A note of a suggestion, in beats (quarter notes) from the start of the pattern. */
export interface PatternNote {
  pitch: number;
  velocity: number;
  startBeats: number;
  durationBeats: number;
}

/** A suggestion as the player loops it. */
export interface Pattern {
  notes: readonly PatternNote[];
  /** Loop length in beats (whole bars). */
  lengthBeats: number;
}

/**
 * A note for the patch: `note pitch velocity durationMs atTicks`. `atTicks` is the song position
 * it belongs to (Max transport ticks, 480 a beat): the patch delays it against Live's transport
 * when it arrives. `delayMs` is the same, from the report it was computed at.
 */
export interface NoteOut {
  pitch: number;
  velocity: number;
  durationMs: number;
  delayMs: number;
  atTicks: number;
}

/** Host transport as the patcher reports it. */
export interface TransportReport {
  bpm: number;
  /** Song position in beats. */
  beat: number;
  playing: boolean;
}

export interface PlayerOptions {
  /** How far ahead notes are handed to the patch, ms (default 200: room for 0-80 ms of Node latency each way; the patcher reports every 20 ms). */
  lookaheadMs?: number;
  /** Bar length in beats; a new pattern starts at the next bar line (default 4). */
  beatsPerBar?: number;
}

export const PLAYER_DEFAULTS: Readonly<Required<PlayerOptions>> = Object.freeze({ lookaheadMs: 200, beatsPerBar: 4 });

/**
 * Lookahead playback of the current suggestion, looped and aligned to the song (pattern beat 0
 * falls on song beats 0, L, 2L, ...). Each transport report hands out the notes between the
 * last window's end and `now + lookahead`, each with its delay from now in ms; the patch's
 * `pipe` does the fine timing. A new pattern takes over at the next bar line. When the host
 * stops, `update` asks for a stop (clear scheduled notes, note-offs for sounding ones).
 */
export class LookaheadPlayer {
  private readonly opts: Required<PlayerOptions>;
  private current: Pattern | undefined;
  private pending: { pattern: Pattern; atBeat: number } | undefined;
  /** End of the last window handed out, in song beats; undefined while stopped. */
  private cursor: number | undefined;

  constructor(opts: PlayerOptions = {}) {
    this.opts = { ...PLAYER_DEFAULTS, ...opts };
  }

  /** Whether notes are being handed out (the host plays and a report has come since). */
  get running(): boolean {
    return this.cursor !== undefined;
  }

  /** Plays `pattern` from the next bar line, or at once when nothing plays yet. */
  setPattern(pattern: Pattern): void {
    if (!(pattern.lengthBeats > 0)) throw new InvalidValueError('pattern length', pattern.lengthBeats, 'more than 0 beats');
    if (!this.current || this.cursor === undefined) {
      this.current = pattern;
      this.pending = undefined;
      return;
    }
    const bar = this.opts.beatsPerBar;
    this.pending = { pattern, atBeat: Math.ceil(this.cursor / bar - 1e-9) * bar };
  }

  /** Forgets the position; the caller sends the stop to the patch. Returns whether anything was running. */
  stop(): boolean {
    const was = this.running;
    this.cursor = undefined;
    if (this.pending) {
      this.current = this.pending.pattern;
      this.pending = undefined;
    }
    return was;
  }

  /** Takes one transport report; returns the notes to schedule now and whether to stop the patch's notes. */
  update(t: TransportReport): { notes: NoteOut[]; stop: boolean } {
    if (!t.playing) return { notes: [], stop: this.stop() };
    const msPerBeat = 60_000 / t.bpm;
    const end = t.beat + this.opts.lookaheadMs / msPerBeat;
    // Start, or the host jumped (loop brace, relocation): restart the window at the playhead.
    if (this.cursor === undefined || t.beat < this.cursor - this.opts.lookaheadMs / msPerBeat - 1e-6 || t.beat > this.cursor + 1e-6) {
      this.cursor = t.beat;
      if (this.pending && this.pending.atBeat > t.beat + this.opts.beatsPerBar) this.pending.atBeat = Math.ceil(t.beat / this.opts.beatsPerBar - 1e-9) * this.opts.beatsPerBar;
    }
    const notes: NoteOut[] = [];
    let from = this.cursor;
    if (this.pending && this.pending.atBeat < end) {
      if (this.current) this.window(this.current, from, Math.max(from, this.pending.atBeat), t.beat, msPerBeat, notes);
      from = Math.max(from, this.pending.atBeat);
      this.current = this.pending.pattern;
      this.pending = undefined;
    }
    if (this.current && end > from) this.window(this.current, from, end, t.beat, msPerBeat, notes);
    this.cursor = Math.max(this.cursor, end);
    notes.sort((a, b) => a.delayMs - b.delayMs);
    return { notes, stop: false };
  }

  private window(p: Pattern, from: number, to: number, now: number, msPerBeat: number, out: NoteOut[]): void {
    if (to <= from) return;
    const len = p.lengthBeats;
    for (let k = Math.floor(from / len); k * len < to; k++) {
      for (const n of p.notes) {
        const at = k * len + n.startBeats;
        if (at < from || at >= to) continue;
        out.push({ pitch: n.pitch, velocity: n.velocity, durationMs: Math.max(1, Math.round(n.durationBeats * msPerBeat)), delayMs: Math.max(0, Math.round((at - now) * msPerBeat)), atTicks: at * 480 });
      }
    }
  }
}
