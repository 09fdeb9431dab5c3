/**
 * `npm run fuzz`: mutated .mid primers and presets through `generate`, counted by outcome.
 * Flags: --primers N (default 1000), --presets N (default 200), --seed S (default 1).
 * Exits 1 when any case crashed, hung or lost a file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetsDir } from '../../bridge/data/paths';
import { fuzzPresets, fuzzPrimers, primerSources, type FuzzSummary } from './targets';

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
const seed = flag('seed', 1);
const dir = mkdtempSync(join(tmpdir(), 'tandem-fuzz-'));

function report(what: string, s: FuzzSummary, ms: number): number {
  const c = s.counts;
  console.log(`${what}: ${c.ok + c.refused + c.crash + c.hang + c.lost} cases in ${(ms / 1000).toFixed(1)} s: ${c.ok} valid grooves, ${c.refused} clear errors, ${c.crash} crashes, ${c.hang} hangs, ${c.lost} lost or corrupted files`);
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
if (bad === 0) rmSync(dir, { recursive: true, force: true });
else console.log(`cases kept in ${dir} (primer-N.mid, preset-N.json)`);
process.exitCode = bad ? 1 : 0;
