/**
 * The MIDI output in a thread of its own, run as a real-time loop: the main thread saves phrases,
 * takes the model's results, follows the clock and collects garbage, and none of that can hold up
 * a note that is due here. The thread never returns to its event loop while it plays: it sleeps
 * on a futex (Atomics.wait, woken early by the main thread when messages arrive) until just before
 * the next message, spins the last stretch, and reads messages with receiveMessageOnPort.
 * Measured here with both cores loaded: a futex wake is late by p99 1.6 / max 3.0 ms where a Node
 * timer is late by p99 3.0 / max 5.9 ms.
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { openOutput } from '../midi/easymidi-ports';
import { MidiUnavailableError, type MidiOutput } from '../midi/port';
import { MessageQueue, monotonicMs, spinUntil } from './dispatcher';
import { raisePriority } from './thread-priority';
import type { FromOutputThread, OutputSpec, ToOutputThread } from './output-protocol';
import { MIDI_STATUS } from '../../src/music/midi-status';

/** Wake this long before a message and spin to its time (ms). */
const SPIN_MS = 1.5;
/** Longest sleep without a look at the inbox, in case a wake-up is missed (ms). */
const MAX_SLEEP_MS = 50;

const { spec, inbox, signal } = workerData as { spec: OutputSpec; inbox: MessagePort; signal: SharedArrayBuffer };
const wake = new Int32Array(signal);
const post = (m: FromOutputThread) => parentPort!.postMessage(m);

function open(): MidiOutput | undefined {
  switch (spec.kind) {
    case 'easymidi':
      return openOutput(spec.name, spec.virtual);
    case 'relay':
      return { name: spec.name, send: (bytes) => post({ type: 'relay', bytes }), close: () => {} };
    case 'none':
      return undefined;
    default: {
      const never: never = spec;
      throw new Error(`unknown output ${JSON.stringify(never)}`);
    }
  }
}

let output: MidiOutput | undefined;
try {
  output = open();
} catch (err) {
  const e = err as Error;
  post({
    type: 'failed',
    port: e instanceof MidiUnavailableError ? e.port : spec.kind === 'none' ? '' : spec.name,
    reason: e instanceof MidiUnavailableError ? e.reason : e.message,
    message: e.message,
  });
  process.exit(0);
}

const priority = raisePriority();

// Warm-up before the first note: the first spins were measured 3-5 ms late here (V8 compiling the
// spin loop on the spot); ~40 ms of practice with nowhere to send gets the hot paths compiled.
const practice = new MessageQueue(undefined, monotonicMs);
for (let i = 0; i < 40; i++) {
  const t = monotonicMs();
  practice.add([
    { bytes: [MIDI_STATUS.noteOn, 36, 1], timeMs: t + 0.5 },
    { bytes: [MIDI_STATUS.noteOff, 36, 0], timeMs: t + 1 },
  ]);
  spinUntil(monotonicMs, practice.nextAt, SPIN_MS + 0.5);
  practice.sendDue();
  spinUntil(monotonicMs, practice.nextAt, SPIN_MS + 0.5);
  practice.sendDue();
}

const queue = new MessageQueue(output, monotonicMs);
post({ type: 'ready', name: output?.name ?? '', priority });

/** Handles one message from the main thread; false when the thread should end. */
function handle(m: ToOutputThread): boolean {
  switch (m.type) {
    case 'push':
      queue.add(m.messages.map((x) => ({ bytes: x.bytes, timeMs: x.at })));
      return true;
    case 'now':
      queue.sendNow(m.messages);
      return true;
    case 'clear':
      queue.clear();
      return true;
    case 'record':
      queue.recordLateness = m.on;
      return true;
    case 'stats':
      post({ type: 'stats', lateness: queue.lateness, arrivedLate: queue.arrivedLate, pending: queue.pending });
      return true;
    case 'close':
      queue.clear();
      output?.close();
      return false;
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
}

for (;;) {
  const seen = Atomics.load(wake, 0);
  let running = true;
  for (let r = receiveMessageOnPort(inbox); r && running; r = receiveMessageOnPort(inbox)) running = handle(r.message as ToOutputThread);
  if (!running) break;
  queue.sendDue();
  const wait = Math.min(MAX_SLEEP_MS, queue.nextAt - monotonicMs() - SPIN_MS);
  // Sleeps unless the main thread posted since `seen` (then the counter differs and it returns at once).
  if (wait > 0) Atomics.wait(wake, 0, seen, wait);
  else spinUntil(monotonicMs, queue.nextAt, SPIN_MS + 0.5);
}
post({ type: 'closed' });
inbox.close();
