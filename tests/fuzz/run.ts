/**
 * `npm run fuzz`: mutated .mid primers and presets through `generate`, counted by outcome, and
 * random and mutated OSC packets into a running `serve`.
 * Flags: --primers N (default 1000), --presets N (default 200), --osc N (default 100000), --seed S (default 1).
 * Exits 1 when any case crashed, hung or lost a file, a bad packet went unanswered, the server
 * died or it did not answer /tandem/ping within 50 ms afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetsDir } from '../../bridge/data/paths';
import { fuzzPresets, fuzzPrimers, primerSources, type FuzzSummary } from './targets';
import { fuzzOsc, startServe } from './osc';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 0) {
    console.error(`fuzz: --${name} must be a whole number, got ${JSON.stringify(process.argv[i + 1])}`);
    process.exit(2);
  }
  return v;
}

const primers = flag('primers', 1000);
const presets = flag('presets', 200);
const osc = flag('osc', 100_000);
const seed = flag('seed', 1);
const dir = mkdtempSync(join(tmpdir(), 'tandem-fuzz-'));

function report(what: string, s: FuzzSummary, ms: number): number {
  const c = s.counts;
  console.log(
    `${what}: ${c.ok + c.refused + c.crash + c.hang + c.lost} cases in ${(ms / 1000).toFixed(1)} s: ${c.ok} valid grooves, ${c.refused} clear errors, ${c.crash} crashes, ${c.hang} hangs, ${c.lost} lost or corrupted files`,
  );
  for (const b of s.bad.slice(0, 10)) console.log(`  ${b.outcome} (${b.kind}): ${b.detail.split('\n').slice(0, 4).join(' | ')}`);
  return s.bad.length;
}

const progress = (what: string, total: number) => (i: number) => {
  if ((i + 1) % 100 === 0) process.stderr.write(`${what} ${i + 1}/${total}\n`);
};

let t0 = performance.now();
const p = await fuzzPrimers({ sources: primerSources(datasetsDir()), count: primers, seed, dir, onCase: progress('primers', primers) });
let bad = report(`primers (seed ${seed})`, p, performance.now() - t0);
t0 = performance.now();
const q = await fuzzPresets({ count: presets, seed, dir, onCase: progress('presets', presets) });
bad += report(`presets (seed ${seed})`, q, performance.now() - t0);
if (osc > 0) {
  t0 = performance.now();
  const serve = await startServe();
  const o = await fuzzOsc({ ...serve, count: osc, seed, stderr: serve.stderr, onWindow: (n) => n % 10_000 < 32 && process.stderr.write(`osc ${n}/${osc}\n`) });
  serve.child.kill('SIGTERM');
  const slow = o.pongMs === undefined || o.pongMs > 50;
  console.log(
    `osc (seed ${seed}): ${o.packets} packets into serve in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${o.predictedBad} bad by our checks, ${o.errors} /tandem/error replies, ${o.unanswered} windows with a bad packet unanswered, ${o.crashed ? 'the server DIED' : 'the server kept running'}, /tandem/pong after ${o.pongMs === undefined ? 'none within 2 s' : `${o.pongMs.toFixed(1)} ms`}`,
  );
  if (o.detail) console.log(`  serve's stderr: ${o.detail.split('\n').slice(-6).join(' | ')}`);
  bad += (o.crashed ? 1 : 0) + o.unanswered + (slow ? 1 : 0);
}
if (bad === 0) rmSync(dir, { recursive: true, force: true });
else console.log(`cases kept in ${dir} (primer-N.mid, preset-N.json)`);
process.exitCode = bad ? 1 : 0;
