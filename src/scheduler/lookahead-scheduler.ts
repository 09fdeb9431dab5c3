import type { Note } from '../music/sequence';
import type { TransportClock } from '../clock/transport';
import { ALL_NOTES_OFF, MIDI_STATUS } from '../music/midi-status';

/** A MIDI message and when to send it (ms on the scheduler's clock). */
export interface TimedMessage {
  timeMs: number;
  bytes: [number, number, number];
  /** The song position (ticks) it belongs to; undefined for panic messages. */
  ticks?: number;
}

export interface SchedulerOptions {
  /** How far ahead of now messages are handed out (ms, default 100). */
  lookaheadMs?: number;
  /** Shifts every message (ms; positive = later, negative = earlier to make up for a slow output; default 0). */
  latencyMs?: number;
}

export const SCHEDULER_DEFAULTS: Readonly<Required<SchedulerOptions>> = Object.freeze({ lookaheadMs: 100, latencyMs: 0 });

const { noteOn: NOTE_ON, noteOff: NOTE_OFF, controlChange: CONTROL_CHANGE } = MIDI_STATUS;

interface Sounding {
  channel: number;
  pitch: number;
  endTicks: number;
}

/**
 * Lookahead scheduling (as in Tone.js and Strudel): a loop calls `tick(now)` every 10-25 ms and
 * gets the messages that fall before `now + lookahead`, each stamped with its exact time from the
 * clock. Notes live in ticks; the clock (followed or internal) turns ticks into times, so tempo
 * changes move what is not yet sent. Every note-on gets its note-off: at its end, or at once on
 * Stop, on a jump of the song position, and on `panic()` (exit, signals, errors), which also sends
 * All Notes Off (CC 123) on every channel used.
 */
export class LookaheadScheduler {
  private readonly opts: Required<SchedulerOptions>;
  private notes: Note[] = [];
  private next = 0;
  private sounding: Sounding[] = [];
  private channelsUsed = new Set<number>();
  private scheduledUntil = 0;
  private seenEvents = 0;
  private wasPlaying = false;

  constructor(
    private readonly clock: TransportClock,
    options: SchedulerOptions = {},
  ) {
    this.opts = { ...SCHEDULER_DEFAULTS, ...options };
  }

  /** Latency compensation can change while running. */
  set latencyMs(ms: number) {
    this.opts.latencyMs = ms;
  }

  /** Adds notes at absolute song positions (ticks). Notes before what was already sent are dropped. */
  schedule(notes: readonly Note[]): void {
    const fresh = notes.filter((n) => n.startTicks >= this.scheduledUntil);
    this.notes = [...this.notes.slice(this.next), ...fresh].sort((a, b) => a.startTicks - b.startTicks || a.pitch - b.pitch);
    this.next = 0;
  }

  /** Ticks up to which notes have been handed out. */
  get horizonTicks(): number {
    return this.scheduledUntil;
  }

  /** Notes waiting to be sent. */
  get pendingNotes(): number {
    return this.notes.length - this.next;
  }

  /**
   * The messages to send before `nowMs + lookahead`, each stamped with its time. Nothing from
   * `holdFromTicks` on is handed out yet (a live session holds a phrase until it is saved); what
   * is held is handed out by a later tick, with less lead.
   */
  tick(nowMs: number, holdFromTicks = Infinity): TimedMessage[] {
    const out: TimedMessage[] = [];
    this.handleTransport(nowMs, out);
    if (!this.clock.playing) return out;
    const { latencyMs, lookaheadMs } = this.opts;
    // Only what the clock can place firmly: a followed clock still measuring its tempo holds later notes back.
    const horizon = Math.min(this.clock.ticksAt(nowMs + lookaheadMs - latencyMs), this.clock.firmUntilTicks?.() ?? Infinity, holdFromTicks);
    const at = (ticks: number) => Math.max(nowMs, (this.clock.timeAtTicks(ticks) ?? nowMs) + latencyMs);
    // Note-offs first, in time order, so a retriggered pitch is released before it sounds again.
    this.sounding.sort((a, b) => a.endTicks - b.endTicks);
    while (this.next < this.notes.length && this.notes[this.next].startTicks < horizon) {
      const n = this.notes[this.next++];
      this.releaseUntil(n.startTicks + 1e-6, at, out);
      const same = this.sounding.findIndex((s) => s.channel === n.channel && s.pitch === n.pitch);
      if (same >= 0) {
        out.push({ timeMs: at(n.startTicks), ticks: n.startTicks, bytes: [NOTE_OFF | n.channel, n.pitch, 0] });
        this.sounding.splice(same, 1);
      }
      out.push({ timeMs: at(n.startTicks), ticks: n.startTicks, bytes: [NOTE_ON | n.channel, n.pitch, Math.max(1, Math.min(127, Math.round(n.velocity)))] });
      this.sounding.push({ channel: n.channel, pitch: n.pitch, endTicks: n.startTicks + Math.max(1, n.durationTicks) });
      this.sounding.sort((a, b) => a.endTicks - b.endTicks);
      this.channelsUsed.add(n.channel);
    }
    this.releaseUntil(horizon, at, out);
    this.scheduledUntil = Math.max(this.scheduledUntil, horizon);
    return out.sort((a, b) => a.timeMs - b.timeMs);
  }

  /** Note-offs for everything sounding and All Notes Off on every channel used, stamped `nowMs`. */
  panic(nowMs: number): TimedMessage[] {
    const out: TimedMessage[] = this.sounding.map((s) => ({ timeMs: nowMs, bytes: [NOTE_OFF | s.channel, s.pitch, 0] as [number, number, number] }));
    for (const ch of [...this.channelsUsed].sort((a, b) => a - b)) out.push({ timeMs: nowMs, bytes: [CONTROL_CHANGE | ch, ALL_NOTES_OFF, 0] });
    this.sounding = [];
    return out;
  }

  /** Forgets queued notes (for example when the session regenerates what comes next). */
  clearFrom(ticks: number): void {
    this.notes = this.notes.slice(this.next).filter((n) => n.startTicks < ticks);
    this.next = 0;
  }

  private releaseUntil(ticks: number, at: (t: number) => number, out: TimedMessage[]): void {
    while (this.sounding.length && this.sounding[0].endTicks < ticks) {
      const s = this.sounding.shift()!;
      out.push({ timeMs: at(s.endTicks), ticks: s.endTicks, bytes: [NOTE_OFF | s.channel, s.pitch, 0] });
    }
  }

  private handleTransport(nowMs: number, out: TimedMessage[]): void {
    const events = this.clock.eventsSince(this.seenEvents);
    this.seenEvents += events.length;
    for (const e of events) {
      if (e.type === 'tempo') continue;
      if (e.type === 'stop' || e.type === 'position' || (e.type === 'start' && this.wasPlaying)) {
        out.push(...this.panic(nowMs));
      }
      if (e.type !== 'stop') {
        // (Re)start from the new position: drop what was queued before it, keep what comes after.
        this.scheduledUntil = e.ticks;
        this.notes = this.notes.slice(this.next).filter((n) => n.startTicks >= e.ticks);
        this.next = 0;
      }
    }
    this.wasPlaying = this.clock.playing;
  }
}
