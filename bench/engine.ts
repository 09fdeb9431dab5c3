/**
 * Engine bench (one table on stdout, progress on stderr), for every network of the registry
 * (drums, melody, bass): NodeEngine on wasm and cpu, 8 bars for 1 and for 16 variations; the
 * Chromium engine on each TF.js backend that passes parity, the same requests, and its ratio to
 * Node wasm (issue 12 point 6: Chromium <= 1.3x Node). For the first model also the launch to
 * ready, cold and warm, and the cost of one round trip through the page.
 * Cold = a fresh cache folder (page bundle built, every backend probed) and a first browser start;
 * warm = the next launch in the same process (bundle in memory, the probe's winner from the cache).
 * Run: npx tsx bench/engine.ts [--models drums,melody,bass] [--model-dir DIR] (DIR: the first model's folder).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChromiumEngine as ChromiumEngineType } from '../bridge/engine/chromium-engine';
import { loadavg } from 'node:os';
import type { BackendName, EngineModel, EngineRequest } from '../bridge/engine/engine';
import { networkOf } from '../bridge/engine/engine-parts';
import { medianMs } from './timing';

// The engine's caches live under TANDEM_CACHE, read when its modules load: point it at a fresh folder first.
const scratch = mkdtempSync(join(tmpdir(), 'tandem-bench-engine-'));
process.env.TANDEM_CACHE = scratch;
const { ChromiumEngine } = await import('../bridge/engine/chromium-engine');
const { findBrowser } = await import('../bridge/engine/find-browser');
const { NodeEngine } = await import('../bridge/engine/node-engine');
type ChromiumEngine = ChromiumEngineType;

interface Row {
  what: string;
  value: string;
  unit: string;
}
const rows: Row[] = [];
const add = (what: string, value: number | string, unit: string, digits = 1) => {
  const v = typeof value === 'number' ? value.toFixed(digits) : value;
  rows.push({ what, value: v, unit });
  console.error(`  ${what}: ${v} ${unit}`);
};

const time = medianMs;

/** The bench's request per model: 8 bars in 4/4, a style each model knows well. */
const STYLE: Record<string, Record<string, unknown>> = { drums: { style: 'funk' }, melody: { style: 'pop', chords: 'C G Am F' }, bass: { style: 'pop', chords: 'C G Am F' } };
let requestFor: (count: number) => EngineRequest;
const req = (count: number) => requestFor(count);
const REPS_1 = 7;
const REPS_16 = 3;

async function launch(label: string, model: EngineModel, path: string): Promise<ChromiumEngine> {
  const e = new ChromiumEngine({ executablePath: path, log: (l) => console.error(l) });
  const t0 = performance.now();
  await e.load(model);
  const total = performance.now() - t0;
  const t = e.info().timings!;
  add(`chromium ${label}: page bundle built, files read`, t.assetsMs, 'ms', 0);
  add(`chromium ${label}: browser launched`, t.launchMs, 'ms', 0);
  add(`chromium ${label}: page ready`, t.pageReadyMs, 'ms', 0);
  add(`chromium ${label}: model loaded, backends probed`, t.modelLoadedMs, 'ms', 0);
  add(`chromium ${label}: load() returned`, total, `ms (backends ${e.info().probe})`, 0);
  return e;
}

async function main(): Promise<void> {
  const flag = (name: string) => (process.argv.indexOf(name) > 0 ? process.argv[process.argv.indexOf(name) + 1] : undefined);
  const names = (flag('--models') ?? 'drums,melody,bass').split(',');
  console.error(`tandem engine bench (models ${names.join(', ')}; progress on stderr, table on stdout)`);
  const browser = findBrowser();
  for (const [i, name] of names.entries()) {
    const net = networkOf(name);
    const model: EngineModel = i === 0 && flag('--model-dir') ? { ...net.model, dir: flag('--model-dir')! } : net.model;
    requestFor = (count) => net.request({ ...STYLE[name], density: 0.6, bars: 8, count, seed: 1 });
    console.error(`${name}: ${model.id} from ${model.dir}`);
    await benchModel(name, model, i === 0, browser.path, browser.reason);
  }

  const w = Math.max(...rows.map((r) => r.what.length));
  const vw = Math.max(9, ...rows.map((r) => r.value.length));
  console.log(`\nengine (load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end)`);
  console.log(`${'figure'.padEnd(w)}  ${'value'.padStart(vw)}  unit`);
  console.log(`${'-'.repeat(w)}  ${'-'.repeat(vw)}  ----`);
  for (const r of rows) console.log(`${r.what.padEnd(w)}  ${r.value.padStart(vw)}  ${r.unit}`);
}

/** One model: Node wasm and cpu, then Chromium (launches timed for the first model only). */
async function benchModel(name: string, model: EngineModel, first: boolean, browserPath: string | undefined, noBrowser: string | undefined): Promise<void> {
  const node: Record<string, { one: number; sixteen: number }> = {};
  for (const backend of ['wasm', 'cpu'] as const) {
    const e = new NodeEngine({ backend });
    await e.load(model);
    for (let i = 0; i < 3; i++) await e.generate(req(1)); // past V8's tiers, as a running bridge is
    const one = await time(() => e.generate(req(1)), REPS_1);
    const sixteen = await time(() => e.generate(req(16)), REPS_16);
    node[backend] = { one, sixteen };
    add(`${name} node ${backend}: 8 bars x 1`, one, 'ms');
    add(`${name} node ${backend}: 8 bars x 16`, sixteen, 'ms');
    add(`${name} node ${backend}: x16 / x1`, sixteen / one, 'x', 2);
    await e.close();
  }
  if (!browserPath) {
    add(`${name} chromium`, 'absent', noBrowser ?? 'no browser');
    return;
  }
  let info;
  if (first) {
    const cold = await launch(`${name} cold`, model, browserPath);
    info = cold.info();
    await cold.close();
  }
  const warm = await launch(first ? `${name} warm` : name, model, browserPath);
  try {
    info ??= warm.info();
    if (first) add('chromium: browser', warm.info().browser?.version ?? '?', '');
    for (const r of info.backends) {
      const speed = r.msPerBar === undefined ? '' : `, ${r.msPerBar.toFixed(1)} ms/bar x1, ${r.msPerBar16 === undefined ? `x16 ${r.note ?? 'not timed'}` : `${r.msPerBar16.toFixed(1)} ms/bar x16`}`;
      add(`${name} probe ${r.backend}`, r.ok ? (r.chosen ? 'chosen' : 'ok') : 'failed', r.ok ? `parity error ${r.parityError!.toExponential(1)}${speed}` : (r.reason ?? ''));
    }
    if (first) add('chromium: empty round trip through the page', await time(() => warm.ping(), 20), 'ms', 2);
    // Only backends that give the reference outputs are timed (a wrong answer has no speed worth
    // quoting), and of those the contenders: one the probe found PRUNE_FACTOR slower than the
    // fastest (software WebGPU/WebGL here) would take minutes and is never chosen.
    for (const r of info.backends.filter((b) => b.ok)) {
      if (r.msPerBar16 === undefined) add(`${name} chromium ${r.backend}`, 'not timed', r.note ?? 'not a contender in the probe');
      else await benchBackend(name, warm, r.backend, info.backend!, node.wasm);
    }
  } finally {
    await warm.close();
  }
}

async function benchBackend(name: string, e: ChromiumEngine, backend: BackendName, chosen: BackendName, nodeWasm: { one: number; sixteen: number }): Promise<void> {
  try {
    await e.useBackend(backend);
  } catch (err) {
    add(`${name} chromium ${backend}`, 'unavailable', (err as Error).message);
    return;
  }
  for (let i = 0; i < 3; i++) await e.generate(req(1));
  const one = await time(() => e.generate(req(1)), REPS_1);
  const sixteen = await time(() => e.generate(req(16)), REPS_16);
  const r1 = one / nodeWasm.one;
  const r16 = sixteen / nodeWasm.sixteen;
  add(`${name} chromium ${backend}: 8 bars x 1${backend === chosen ? ' (chosen)' : ''}`, one, 'ms');
  add(`${name} chromium ${backend}: 8 bars x 16`, sixteen, 'ms');
  add(`${name} chromium ${backend}: x16 / x1 (target < 4)`, sixteen / one, 'x', 2);
  add(`${name} chromium ${backend}: 8 bars x 1 vs node wasm (target <= 1.3)`, r1, `x ${r1 <= 1.3 ? 'met' : 'MISSED'}`, 2);
  add(`${name} chromium ${backend}: 8 bars x 16 vs node wasm (target <= 1.3)`, r16, `x ${r16 <= 1.3 ? 'met' : 'MISSED'}`, 2);
  if (backend === 'wasm') add(`${name} chromium wasm: round-trip overhead vs node wasm (same kernels), 8 bars x 1`, one - nodeWasm.one, 'ms');
}

try {
  await main();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
