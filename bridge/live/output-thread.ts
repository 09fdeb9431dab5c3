import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { TandemError } from '../../src/errors';
import type { TimedMessage } from '../../src/scheduler/lookahead-scheduler';
import { MidiUnavailableError, type MidiOutput } from '../midi/port';
import { monotonicMs, type MessageDispatcher } from './dispatcher';
import type { FromOutputThread, OutputSpec, ToOutputThread } from './output-protocol';
import type { ThreadPriority } from './thread-priority';

/** What the output thread measured while recording: ms late per message. */
export interface OutputStats {
  /** Messages handed over before they were due: send time minus intended time (the thread's own jitter). */
  lateness: number[];
  /** Messages already due when they reached the thread (the main thread was late): by how much. */
  arrivedLate: number[];
  /** Messages waiting. */
  pending: number;
}

/**
 * A MessageDispatcher whose queue, timer and MIDI port live in their own worker thread, so that
 * nothing on the main thread (saving a phrase, the model's results arriving, GC) delays a note.
 * Times cross threads as monotonicMs(): each thread's performance.now() has its own origin.
 */
export class OutputThread implements MessageDispatcher {
  /** The port's name as opened. */
  readonly name: string;
  /** What scheduling the thread got from the OS (real-time, nice, or default and why). */
  readonly priority: ThreadPriority;
  private readonly offset: number;
  private closed = false;
  private statsWaiters: Array<(s: OutputStats) => void> = [];
  private onClosed: (() => void) | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly inbox: MessagePort,
    private readonly wake: Int32Array,
    name: string,
    priority: ThreadPriority,
    /** The session's clock, whose times `push` receives (default performance.now). */
    now: () => number,
    relayTo: MidiOutput | undefined,
  ) {
    this.name = name;
    this.priority = priority;
    this.offset = monotonicMs() - now();
    worker.on('message', (m: FromOutputThread) => {
      if (m.type === 'relay') relayTo?.send(m.bytes);
      else if (m.type === 'stats') this.statsWaiters.shift()?.(m);
      else if (m.type === 'closed') this.onClosed?.();
    });
    worker.on('error', (err: Error) => {
      this.closed = true;
      console.error(`tandem: the MIDI output thread failed: ${err.message}`);
    });
    worker.on('exit', () => {
      this.closed = true;
      this.onClosed?.();
      for (const w of this.statsWaiters.splice(0)) w({ lateness: [], arrivedLate: [], pending: 0 });
    });
  }

  /**
   * Starts the thread and opens its port. Rejects with MidiUnavailableError when the port cannot
   * open (the thread is gone by then). `relay` ports need `relayTo`, the main-thread port to send on.
   */
  static start(spec: OutputSpec, opts: { now?: () => number; relayTo?: MidiOutput } = {}): Promise<OutputThread> {
    if (spec.kind === 'relay' && !opts.relayTo) throw new TandemError('a relay output thread needs the port to relay to');
    // Messages go through their own port, read by the thread's loop with receiveMessageOnPort; a
    // shared counter, bumped on every post, wakes it from Atomics.wait.
    const { port1, port2 } = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    const worker = new Worker(new URL('./output-worker-entry.mjs', import.meta.url), { workerData: { spec, inbox: port2, signal }, transferList: [port2] });
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(new TandemError(`the MIDI output thread failed to start: ${err.message}`));
      worker.once('error', onError);
      worker.once('message', (m: FromOutputThread) => {
        worker.off('error', onError);
        if (m.type === 'ready')
          resolve(new OutputThread(worker, port1, new Int32Array(signal), m.name, m.priority, opts.now ?? (() => performance.now()), opts.relayTo));
        else if (m.type === 'failed') reject(new MidiUnavailableError(m.port, m.reason));
        else reject(new TandemError(`the MIDI output thread said ${m.type} before it was ready`));
      });
    });
  }

  push(messages: TimedMessage[]): void {
    if (!messages.length) return;
    this.post({ type: 'push', messages: messages.map((m) => ({ bytes: m.bytes, at: m.timeMs + this.offset })) });
  }

  sendNow(messages: TimedMessage[]): void {
    if (messages.length) this.post({ type: 'now', messages: messages.map((m) => m.bytes) });
  }

  clear(): void {
    this.post({ type: 'clear' });
  }

  /** Starts or stops recording send time minus intended time of every message (for the bench). */
  recordLateness(on: boolean): void {
    this.post({ type: 'record', on });
  }

  /** What the thread measured while recording (see OutputStats) and how many messages wait. */
  stats(): Promise<OutputStats> {
    if (this.closed) return Promise.resolve({ lateness: [], arrivedLate: [], pending: 0 });
    return new Promise((resolve) => {
      this.statsWaiters.push(resolve);
      this.post({ type: 'stats' });
    });
  }

  /**
   * Sends queued note-offs, closes the port and ends the thread. Waits for the thread to say so
   * (at most `timeoutMs`), so a panic sent just before reaches the port before the process exits.
   */
  async close(timeoutMs = 1000): Promise<void> {
    if (this.closed) return;
    const done = new Promise<void>((resolve) => (this.onClosed = resolve));
    this.post({ type: 'close' });
    this.closed = true;
    const timer = setTimeout(() => void this.worker.terminate(), timeoutMs);
    await done;
    clearTimeout(timer);
    this.inbox.close();
    await this.worker.terminate();
  }

  private post(m: ToOutputThread): void {
    if (this.closed) return;
    this.inbox.postMessage(m);
    Atomics.add(this.wake, 0, 1);
    Atomics.notify(this.wake, 0);
  }
}
