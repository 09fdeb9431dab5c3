import { InvalidValueError } from '../../../src/errors';

/** A note of a suggestion, in beats (quarter notes) from the start of the pattern. */
export interface PatternNote {
  pitch: number;
  velocity: number;
  startBeats: number;
  durationBeats: number;
}

/** A suggestion as the patch loops it. */
export interface Pattern {
  notes: readonly PatternNote[];
  /** Loop length in beats (whole bars). */
  lengthBeats: number;
  /** Bar length of its meter, beats (a jig's 6/8 bar: 3); it takes over on these bar lines (default the player's). */
  beatsPerBar?: number;
}

/** Host transport as the patcher reports it. */
export interface TransportReport {
  bpm: number;
  /** Song position in Max transport ticks (480 a beat). */
  ticks: number;
  playing: boolean;
}

/** Ticks per beat of Max's `transport` (its resolution outlet; fixed at 480). */
export const PATCH_TICKS_PER_BEAT = 480;
/** The patch's player wakes on every 16th of the transport (`metro 16n @quantize 16n`): 120 ticks. */
export const STEP_TICKS = PATCH_TICKS_PER_BEAT / 4;
/**
 * Pattern slots in the patch (three `coll`s). The patch reads two at a time (the pattern playing
 * and the one taking over), so one is always free to be written.
 */
export const SLOTS = 3;
/** The slot number that plays nothing (no coll has it: `route 0 1 2` drops it). */
export const SILENT_SLOT = SLOTS;
/** Most notes one step (a 16th) may hold: `zl.iter 4` reads at most 256 atoms (zl's default list length). */
export const MAX_NOTES_PER_STEP = 64;

/**
 * A message for the patch (the client sends it out of node.script):
 * - `pat <slot> clear` empties a slot's coll; `pat <slot> <step> (pitch velocity durTicks offTicks)...`
 *   stores a step's notes (offTicks from the step's start, 0..119);
 * - `play <switchTicks> <newSlot> <newSteps> <oldSlot> <oldSteps>`: from song position switchTicks
 *   the patch reads newSlot (a loop of newSteps 16ths), before it oldSlot.
 *
 * Stop and Follow are not Node's: the patch silences its player itself when Live stops or Follow
 * is turned off (a stalled Node must not keep a note sounding, nor a late `stop` cut new ones).
 */
export type PatchMessage = ['pat', number, 'clear'] | ['pat', number, ...number[]] | ['play', number, number, number, number, number];

export interface PlayerOptions {
  /**
   * How far ahead of the playhead a new pattern is scheduled, ms (default 250): the `play` message
   * must reach the patch before that bar line, through node.script's latency.
   */
  marginMs?: number;
  /** Bar length in beats; a new pattern takes over at a bar line (default 4). */
  beatsPerBar?: number;
  /** The clock the transport reports are aged by (ms; injected in tests). */
  now?: () => number;
}

export const PLAYER_DEFAULTS: Readonly<Required<Omit<PlayerOptions, 'now'>>> = Object.freeze({ marginMs: 250, beatsPerBar: 4 });

interface Slot {
  slot: number;
  steps: number;
}

/**
 * The Node side of the device's player. The patch plays the pattern itself from Live's transport
 * (a transport-synced metro every 16th reads the step's notes from a coll and delays each by its
 * offset inside the step, all inside Max's scheduler), so Node's latency or a stall never moves a
 * note (issue 11.5). Node only loads patterns into free slots and says from which bar line the
 * patch reads the new one: that bar line is the one decision left here, and it is planned
 * `marginMs` ahead. Once the transport passed it, the switch is made final (a loop brace or jump
 * back keeps the new pattern); a jump back before it moves it to the next bar line after the
 * playhead.
 */
export class PatchPlayer {
  private readonly opts: Required<Omit<PlayerOptions, 'now'>>;
  private readonly now: () => number;
  /** What plays before `next.switchTicks` (or for good when nothing is pending). */
  private current: Slot | undefined;
  private next: (Slot & { switchTicks: number; barTicks: number }) | undefined;
  private last: (TransportReport & { at: number }) | undefined;

  constructor(opts: PlayerOptions = {}) {
    const { now, ...rest } = opts;
    this.opts = { ...PLAYER_DEFAULTS, ...rest };
    if (!(this.opts.beatsPerBar > 0)) throw new InvalidValueError('beats per bar', this.opts.beatsPerBar, 'more than 0');
    if (!(this.opts.marginMs >= 0)) throw new InvalidValueError('margin', this.opts.marginMs, '0 ms or more');
    this.now = now ?? Date.now;
  }

  /** Whether the host transport plays, as last reported. */
  get playing(): boolean {
    return this.last?.playing ?? false;
  }

  /** Loads `pattern` into a free slot and schedules it for the next bar line (at once when nothing plays). */
  load(pattern: Pattern): PatchMessage[] {
    const steps = Math.round((pattern.lengthBeats * PATCH_TICKS_PER_BEAT) / STEP_TICKS);
    if (!(pattern.lengthBeats > 0) || !Number.isFinite(pattern.lengthBeats))
      throw new InvalidValueError('pattern length', pattern.lengthBeats, 'more than 0 beats');
    const beatsPerBar = pattern.beatsPerBar ?? this.opts.beatsPerBar;
    if (!(beatsPerBar > 0) || !Number.isFinite(beatsPerBar)) throw new InvalidValueError('beats per bar', beatsPerBar, 'more than 0');
    const used = new Set([this.current?.slot, this.next?.slot]);
    const slot = [...Array(SLOTS).keys()].find((s) => !used.has(s))!;
    const out: PatchMessage[] = [['pat', slot, 'clear'], ...stepMessages(slot, pattern, steps)];
    const fresh = { slot, steps };
    if (!this.current || !this.playing) {
      this.current = fresh;
      this.next = undefined;
    } else {
      const barTicks = beatsPerBar * PATCH_TICKS_PER_BEAT;
      const switchTicks = Math.ceil((this.estimateTicks() + this.marginTicks()) / barTicks - 1e-9) * barTicks;
      // What plays just before the new bar line: the pending pattern if it starts before it.
      if (this.next && this.next.switchTicks < switchTicks) this.current = { slot: this.next.slot, steps: this.next.steps };
      this.next = { ...fresh, switchTicks, barTicks };
    }
    out.push(this.playMessage());
    return out;
  }

  /**
   * Takes one transport report. Returns what to send: a final `play` once a switch has passed
   * (or the host stopped before it), a moved `play` after a jump back.
   */
  update(t: TransportReport): PatchMessage[] {
    this.last = { ...t, at: this.now() };
    const out: PatchMessage[] = [];
    const n = this.next;
    if (!n) return out;
    if (!t.playing || t.ticks >= n.switchTicks - STEP_TICKS / 2) {
      this.current = { slot: n.slot, steps: n.steps };
      this.next = undefined;
    } else if (n.switchTicks - t.ticks > n.barTicks + this.marginTicks()) {
      // The playhead jumped back (loop brace, relocation): the switch moves to the next bar line.
      n.switchTicks = Math.ceil((t.ticks + this.marginTicks()) / n.barTicks - 1e-9) * n.barTicks;
    } else return out;
    out.push(this.playMessage());
    return out;
  }

  private playMessage(): PatchMessage {
    const cur = this.current ?? { slot: SILENT_SLOT, steps: 1 };
    const n = this.next;
    // A switch at -1 has always passed: the patch reads `cur` alone.
    return n ? ['play', n.switchTicks, n.slot, n.steps, cur.slot, cur.steps] : ['play', -1, cur.slot, cur.steps, cur.slot, cur.steps];
  }

  private marginTicks(): number {
    const bpm = this.last?.bpm ?? 120;
    return (this.opts.marginMs * bpm * PATCH_TICKS_PER_BEAT) / 60_000;
  }

  /** The song position now, from the last report aged by the time since (Node cannot ask Live). */
  private estimateTicks(): number {
    const l = this.last;
    if (!l) return 0;
    return l.playing ? l.ticks + ((this.now() - l.at) * l.bpm * PATCH_TICKS_PER_BEAT) / 60_000 : l.ticks;
  }
}

/**
 * The `pat` messages that store `pattern` in `slot`: each note under the 16th it falls in (its
 * start taken modulo the loop), with its offset inside that 16th and its length in ticks.
 */
export function stepMessages(slot: number, pattern: Pattern, steps: number): PatchMessage[] {
  const loopTicks = steps * STEP_TICKS;
  const bySteps = new Map<number, number[]>();
  for (const n of pattern.notes) {
    const at = (((n.startBeats * PATCH_TICKS_PER_BEAT) % loopTicks) + loopTicks) % loopTicks;
    const step = Math.min(steps - 1, Math.floor(at / STEP_TICKS));
    const list = bySteps.get(step) ?? [];
    if (list.length >= MAX_NOTES_PER_STEP * 4) continue;
    const off = Math.round((at - step * STEP_TICKS) * 1000) / 1000;
    list.push(n.pitch, n.velocity, Math.max(1, n.durationBeats * PATCH_TICKS_PER_BEAT), off);
    bySteps.set(step, list);
  }
  return [...bySteps.entries()].sort((a, b) => a[0] - b[0]).map(([step, list]) => ['pat', slot, step, ...list] as PatchMessage);
}
