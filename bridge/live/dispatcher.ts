import type { TimedMessage } from '../../src/scheduler/lookahead-scheduler';
import type { MidiOutput } from '../midi/port';

/** How long before a message the dispatcher wakes and spins (ms). */
const SPIN_MS = 2;

/**
 * Sends scheduled messages at their times. The scheduler hands out ~100 ms of messages at once;
 * this keeps them in time order and arms ONE timer for the earliest, a little early, spins to its
 * exact time, and sends everything due (Node has no timestamped MIDI send). Late messages go out at once.
 */
export class Dispatcher {
  private queue: TimedMessage[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private armedFor = Infinity;
  /** Send time minus intended time (ms) of every message sent, for the jitter bench. */
  readonly lateness: number[] = [];
  recordLateness = false;

  constructor(
    private readonly output: MidiOutput | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(messages: TimedMessage[]): void {
    if (!messages.length) return;
    this.queue.push(...messages);
    this.queue.sort((a, b) => a.timeMs - b.timeMs);
    this.arm();
  }

  /** Sends everything now (panic messages), ahead of the queue. */
  sendNow(messages: TimedMessage[]): void {
    for (const m of messages) this.output?.send(m.bytes);
  }

  /**
   * Drops queued note-ons and sends queued note-offs at once (their note-ons may have gone out
   * already; the scheduler no longer counts them as sounding).
   */
  clear(): void {
    for (const m of this.queue) if ((m.bytes[0] & 0xf0) === 0x80) this.output?.send(m.bytes);
    this.queue = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }

  get pending(): number {
    return this.queue.length;
  }

  private arm(): void {
    const head = this.queue[0];
    if (!head || head.timeMs >= this.armedFor) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = head.timeMs;
    // Node's timers fire up to a few ms late: wake a little early and spin the last stretch.
    this.timer = setTimeout(() => this.fire(), Math.max(0, head.timeMs - this.now() - SPIN_MS));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const due = this.queue[0]?.timeMs ?? 0;
    // Busy-wait for the message's exact time, never longer than SPIN_MS of real time (hrtime also
    // bounds the wait when `now` is a test's fake clock that does not move while we spin).
    const spinUntil = process.hrtime.bigint() + BigInt(Math.round((SPIN_MS + 0.5) * 1e6));
    while (this.now() < due && process.hrtime.bigint() < spinUntil) {
      // spin
    }
    const now = this.now();
    while (this.queue.length && this.queue[0].timeMs <= now + 0.25) {
      const m = this.queue.shift()!;
      this.output?.send(m.bytes);
      if (this.recordLateness) this.lateness.push(this.now() - m.timeMs);
    }
    this.arm();
  }
}
