import type { TimedMessage } from '../../src/scheduler/lookahead-scheduler';
import type { MidiBytes } from '../midi/port';
import type { ThreadPriority } from './thread-priority';

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
  /** priority: what the thread got from the OS (see thread-priority.ts). */
  | { type: 'ready'; name: string; priority: ThreadPriority }
  | { type: 'failed'; port: string; reason: string; message: string }
  | { type: 'relay'; bytes: MidiBytes }
  | { type: 'stats'; lateness: number[]; arrivedLate: number[]; pending: number }
  | { type: 'closed' };
