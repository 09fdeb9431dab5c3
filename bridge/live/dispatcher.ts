import type { TimedMessage } from '../../src/scheduler/lookahead-scheduler';
import type { MidiOutput } from '../midi/port';
import { MIDI_STATUS, statusKind } from '../../src/music/midi-status';

/** What the session hands its timed messages to: a Dispatcher here, or an OutputThread (own thread). */
export interface MessageDispatcher {
  /** Queues messages to go out at their `timeMs` (the session's clock). */
  push(messages: TimedMessage[]): void;
  /** Sends at once, ahead of the queue (panic, urgent note-offs). */
  sendNow(messages: TimedMessage[]): void;
  /** Drops queued note-ons, sends queued note-offs now. */
  clear(): void;
}

/** The real performance.now, kept before any test fakes the global one (spins must end). */
const realNow: () => number = performance.now.bind(performance);
/** hrtime minus performance.now() in this thread, read once (each thread has its own origin). */
const HR_OFFSET_MS = Number(process.hrtime.bigint()) / 1e6 - realNow();

/**
 * A millisecond clock shared by every thread of the process (CLOCK_MONOTONIC through hrtime);
 * performance.now() has a different origin in each worker thread. Allocates nothing, unlike
 * hrtime.bigint(): garbage made while spinning brings the GC, whose helper threads run at normal
 * priority and so stall a real-time thread (measured: 4-5 ms late notes).
 */
export function monotonicMs(): number {
  return realNow() + HR_OFFSET_MS;
}

/** How long before a message the dispatcher wakes and spins (ms). */
const SPIN_MS = 2;

/**
 * Timed messages in time order and the port they go to; whoever owns it decides when to wake
 * (a Node timer in Dispatcher, a futex wait in the output thread).
 */
export class MessageQueue {
  private items: TimedMessage[] = [];
  /**
   * Send time minus intended time (ms) of every message sent while `recordLateness` is on that
   * was handed over before it was due: this queue's own jitter.
   */
  readonly lateness: number[] = [];
  /** How late (ms) each message already due when handed over was then: the sender's lateness, not this queue's. */
  readonly arrivedLate: number[] = [];
  private readonly dueOnArrival = new Set<TimedMessage>();
  recordLateness = false;

  constructor(
    private readonly output: MidiOutput | undefined,
    private readonly now: () => number,
  ) {}

  add(messages: TimedMessage[]): void {
    if (this.recordLateness) {
      const now = this.now();
      for (const m of messages)
        if (m.timeMs < now) {
          this.arrivedLate.push(now - m.timeMs);
          this.dueOnArrival.add(m);
        }
    }
    this.items.push(...messages);
    this.items.sort((a, b) => a.timeMs - b.timeMs);
  }

  /** When the earliest message is due (Infinity when none waits). */
  get nextAt(): number {
    return this.items[0]?.timeMs ?? Infinity;
  }

  get pending(): number {
    return this.items.length;
  }

  /** Sends every message due by now (a quarter millisecond's grace). */
  sendDue(): void {
    const now = this.now();
    while (this.items.length && this.items[0].timeMs <= now + 0.25) {
      const m = this.items.shift()!;
      this.output?.send(m.bytes);
      if (this.recordLateness && !this.dueOnArrival.delete(m)) this.lateness.push(this.now() - m.timeMs);
    }
  }

  /** Sends at once, ahead of the queue. */
  sendNow(bytes: Array<TimedMessage['bytes']>): void {
    for (const b of bytes) this.output?.send(b);
  }

  /**
   * Drops queued note-ons and sends queued note-offs at once (their note-ons may have gone out
   * already; the scheduler no longer counts them as sounding).
   */
  clear(): void {
    for (const m of this.items) if (statusKind(m.bytes[0]) === MIDI_STATUS.noteOff) this.output?.send(m.bytes);
    this.items = [];
    this.dueOnArrival.clear();
  }
}

/**
 * Busy-waits until `now() >= due`, never longer than `maxMs` of real time (the bound holds when
 * `now` is a test's fake clock that does not move while we spin).
 */
export function spinUntil(now: () => number, due: number, maxMs: number): void {
  const limit = realNow() + maxMs;
  while (now() < due && realNow() < limit) {
    // spin
  }
}

/**
 * Sends scheduled messages at their times on this thread. The scheduler hands out ~100 ms of
 * messages at once; this keeps them in time order and arms ONE timer for the earliest, a little
 * early, spins to its exact time, and sends everything due (Node has no timestamped MIDI send).
 * Late messages go out at once.
 */
export class Dispatcher implements MessageDispatcher {
  private readonly queue: MessageQueue;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private armedFor = Infinity;

  constructor(
    output: MidiOutput | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.queue = new MessageQueue(output, now);
  }

  /** Send time minus intended time (ms) of every message handed over in time and sent, for the jitter bench. */
  get lateness(): number[] {
    return this.queue.lateness;
  }

  /** How late (ms) the messages already due when handed over were. */
  get arrivedLate(): number[] {
    return this.queue.arrivedLate;
  }

  set recordLateness(on: boolean) {
    this.queue.recordLateness = on;
  }

  push(messages: TimedMessage[]): void {
    if (!messages.length) return;
    this.queue.add(messages);
    this.arm();
  }

  /** Sends everything now (panic messages), ahead of the queue. */
  sendNow(messages: TimedMessage[]): void {
    this.queue.sendNow(messages.map((m) => m.bytes));
  }

  clear(): void {
    this.queue.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }

  get pending(): number {
    return this.queue.pending;
  }

  private arm(): void {
    const at = this.queue.nextAt;
    if (at === Infinity || at >= this.armedFor) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = at;
    // Node's timers fire up to a few ms late: wake a little early and spin the last stretch.
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - this.now() - SPIN_MS));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    spinUntil(this.now, this.queue.nextAt, SPIN_MS + 0.5);
    this.queue.sendDue();
    this.arm();
  }
}
