/**
 * A `tandem play` session in a process of its own whose MIDI output is an in-memory port (the
 * output thread relays to it), for the stop-path tests: at exit it writes every message sent, in
 * order, to the file named by argv[2] as JSON [[status, data1, data2, timeMs], ...].
 * argv[3]: 'baseline' (drum n-gram in a worker thread) or 'chromium' (the network in the engine);
 * argv[4] = 'throw': an uncaught error thrown when the process gets SIGUSR2.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPlay } from '../../bridge/cli/play';
import { OutputThread } from '../../bridge/live/output-thread';
import { createLoopback } from '../../bridge/midi/port';

const [file, engine, fault] = process.argv.slice(2);
const out = createLoopback('stop-path');
const t0 = performance.now();
process.on('exit', () => writeFileSync(file, JSON.stringify(out.output.sent.map((m) => [...m.bytes, Math.round(m.timeMs - t0)]))));
// An uncaught error, thrown from a timer when the test sends SIGUSR2 (once the session plays).
if (fault === 'throw')
  process.on('SIGUSR2', () =>
    setTimeout(() => {
      throw new Error('an injected uncaught error');
    }),
  );
runPlay(
  {
    clock: 'internal',
    bpm: '150',
    barsAhead: '2',
    latency: '0',
    model: 'drums',
    genre: 'funk',
    density: '0.8',
    modelImpl: engine === 'chromium' ? 'network' : 'baseline',
    engine: engine === 'chromium' ? 'chromium' : 'node',
    out: mkdtempSync(join(tmpdir(), 'tandem-stop-')),
  },
  (l) => console.error(l),
  { openOutput: () => OutputThread.start({ kind: 'relay', name: 'stop-path' }, { relayTo: out.output }) },
).then(
  (r) => {
    console.error(`played ${r.phrases} phrases`);
    process.exit(0);
  },
  (err: Error) => {
    console.error(`stopped by: ${err.message}`);
    process.exit(1);
  },
);
