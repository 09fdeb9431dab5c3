/**
 * The first beat after the DAW's Start on real JACK ports, over many runs: repeats the opt-in test
 * (tests/bridge/midi-jack.test.ts: jackd's dummy driver, jack_midi_clock at 97 BPM, Tandem started
 * with --bpm 120) and summarises the line each run prints. Needs jackd2, jack-midi-clock and the
 * JACK-only MIDI module (bash bridge/midi/jack/build-jack-midi.sh); not part of `npm run bench`.
 *
 *   npx tsx bench/jack-first-beat.ts [--runs 10] [--period 256]
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';

interface Spread {
  n: number;
  median: number;
  p95: number;
  max: number;
}
interface RunResult {
  period: number;
  all: Spread;
  firstBeat: Spread;
  notes: Array<{ ticks: number; e: number; lead: number }>;
}

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, period: { type: 'string', default: '256' } } });
const runs = Number(values.runs);
const period = Number(values.period);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs ${values.runs}: a whole number of runs, 1 or more`);
if (![32, 64, 128, 256, 512, 1024].includes(period)) throw new Error(`--period ${values.period}: one of 32, 64, 128, 256, 512, 1024 frames`);

const results: Array<{ ok: boolean; load: number; r?: RunResult }> = [];
for (let i = 1; i <= runs; i++) {
  const run = spawnSync('npx', ['vitest', 'run', 'tests/bridge/midi-jack.test.ts'], {
    env: { ...process.env, TANDEM_JACK_TEST: '1', TANDEM_JACK_PERIOD: String(period) },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const line = /^JACK-RESULT (\{.*\})$/m.exec(run.stdout)?.[1];
  const r = line ? (JSON.parse(line) as RunResult) : undefined;
  results.push({ ok: run.status === 0, load: loadavg()[0], r });
  const f = (x: number) => x.toFixed(2);
  console.error(
    r
      ? `run ${i}: ${run.status === 0 ? 'passed' : 'FAILED'}, load ${loadavg()[0].toFixed(1)}; first beat p95 ${f(r.firstBeat.p95)} max ${f(r.firstBeat.max)} ms ` +
          `(${r.notes.map((n) => `${n.ticks}:${n.e}`).join(' ')}); all notes median ${f(r.all.median)} p95 ${f(r.all.p95)} max ${f(r.all.max)} ms`
      : `run ${i}: no result (exit ${run.status}): ${run.stdout.split('\n').find((l) => /Error/.test(l)) ?? run.stderr.slice(-300)}`,
  );
}

const measured = results.flatMap((x) => (x.r ? [x.r] : []));
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const range = (xs: number[]) => (xs.length ? `${sorted(xs)[0].toFixed(2)}-${sorted(xs).at(-1)!.toFixed(2)}` : '-');
const firstNotes = measured.flatMap((r) => r.notes.map((n) => Math.abs(n.e)));
const q = (xs: number[], p: number) => sorted(xs)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
console.log(
  `\nJACK first beat, ${period} frames (${((period / 48_000) * 1000).toFixed(2)} ms periods), ${runs} runs, load ${range(results.map((x) => x.load))}`,
);
console.log(`runs passed                        ${results.filter((x) => x.ok).length} of ${runs}`);
console.log(
  `first beat p95 per run (ms)        ${range(measured.map((r) => r.firstBeat.p95))}; under 5 in ${measured.filter((r) => r.firstBeat.p95 < 5).length} of ${measured.length}`,
);
console.log(
  `first beat max per run (ms)        ${range(measured.map((r) => r.firstBeat.max))}; under 10 in ${measured.filter((r) => r.firstBeat.max < 10).length} of ${measured.length}`,
);
if (firstNotes.length)
  console.log(
    `first-beat notes, all runs (ms)    ${firstNotes.length} notes: median ${q(firstNotes, 0.5).toFixed(2)}, p95 ${q(firstNotes, 0.95).toFixed(2)}, max ${Math.max(...firstNotes).toFixed(2)}`,
  );
console.log(`all notes p95 per run (ms)         ${range(measured.map((r) => r.all.p95))}`);
console.log(`all notes max per run (ms)         ${range(measured.map((r) => r.all.max))}`);
