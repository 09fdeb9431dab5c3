import type { TimedMessage } from '../../src/scheduler/lookahead-scheduler';
import type { MidiBytes } from '../midi/port';

/** Where the output thread sends: a real port it opens itself, back to the main thread, or nowhere. */
export type OutputSpec =
  | { kind: 'easymidi'; name: string; virtual: boolean }
  /** Each message is posted back and sent on the main thread's port (in-memory ports in tests). */
  | { kind: 'relay'; name: string }
  /** Nothing is sent; lateness is still measured (benchmarks). */
  | { kind: 'none' };

/** A message for the output thread; `at` is in monotonicMs() time, shared by all threads. */
export interface OutMessage {
  bytes: TimedMessage['bytes'];
  at: number;
}

export type ToOutputThread =
  | { type: 'push'; messages: OutMessage[] }
  | { type: 'now'; messages: Array<TimedMessage['bytes']> }
  | { type: 'clear' }
  | { type: 'record'; on: boolean }
  | { type: 'stats' }
  | { type: 'close' };

export type FromOutputThread =
  /** nice: the thread's raised priority (0 when it could not be raised). */
  | { type: 'ready'; name: string; nice: number }
  | { type: 'failed'; port: string; reason: string; message: string }
  | { type: 'relay'; bytes: MidiBytes }
  | { type: 'stats'; lateness: number[]; pending: number }
  | { type: 'closed' };
