import type { MessageDispatcher } from '../../bridge/live/dispatcher';
import type { TimedMessage } from '../../src/scheduler/lookahead-scheduler';

/** Keeps every message a live session hands over, with when it was handed over (performance.now()). */
export class RecordingDispatcher implements MessageDispatcher {
  readonly handed: Array<{ atMs: number; m: TimedMessage }> = [];
  push(messages: TimedMessage[]): void {
    const atMs = performance.now();
    for (const m of messages) this.handed.push({ atMs, m });
  }
  sendNow(): void {}
  clear(): void {}
}
