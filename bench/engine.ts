/**
 * Engine bench (one table on stdout, progress on stderr): ChromiumEngine launch to ready, cold and
 * warm; per TF.js backend in the page, 8 bars of drums for 1 and for 16 variations; NodeEngine on
 * wasm and cpu for comparison; the cost of one round trip through the page.
 * Cold = a fresh cache folder (page bundle built, every backend probed) and a first browser start;
 * warm = the next launch in the same process (bundle in memory, the probe's winner from the cache).
 * Run: npx tsx bench/engine.ts [--model-dir DIR] (default models/drums).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChromiumEngine as ChromiumEngineType } from '../bridge/engine/chromium-engine';
import type { BackendName, EngineModel } from '../bridge/engine/engine';
import { parseDrumRequest } from '../src/models/request';
import { medianMs } from './timing';

// The engine's caches live under TANDEM_CACHE, read when its modules load: point it at a fresh folder first.
const scratch = mkdtempSync(join(tmpdir(), 'tandem-bench-engine-'));
process.env.TANDEM_CACHE = scratch;
const { ChromiumEngine } = await import('../bridge/engine/chromium-engine');
const { findBrowser } = await import('../bridge/engine/find-browser');
const { NodeEngine } = await import('../bridge/engine/node-engine');
const { DRUM_NET_DIR } = await import('../bridge/models/load');
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

const req = (count: number) => parseDrumRequest({ genre: 'funk', density: 0.6, bars: 8, count, seed: 1 });
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
  const dirFlag = process.argv.indexOf('--model-dir');
  const model: EngineModel = { id: 'drums-gru', dir: dirFlag > 0 ? process.argv[dirFlag + 1] : DRUM_NET_DIR };
  console.error(`tandem engine bench (model ${model.dir}; progress on stderr, table on stdout)`);

  const node: Record<string, { one: number; sixteen: number }> = {};
  for (const backend of ['wasm', 'cpu'] as const) {
    const e = new NodeEngine({ backend });
    await e.load(model);
    const one = await time(() => e.generate(req(1)), REPS_1);
    const sixteen = await time(() => e.generate(req(16)), REPS_16);
    node[backend] = { one, sixteen };
    add(`node ${backend}: 8 bars x 1`, one, 'ms');
    add(`node ${backend}: 8 bars x 16`, sixteen, 'ms');
    add(`node ${backend}: x16 / x1`, sixteen / one, 'x', 2);
    await e.close();
  }

  const browser = findBrowser();
  if (!browser.path) {
    add('chromium', 'absent', browser.reason ?? 'no browser');
  } else {
    const cold = await launch('cold', model, browser.path);
    const info = cold.info();
    await cold.close();
    const warm = await launch('warm', model, browser.path);
    try {
      add('chromium: browser', warm.info().browser?.version ?? '?', '');
      for (const r of info.backends) {
        const speed = r.msPerBar === undefined ? '' : `, ${r.msPerBar.toFixed(1)} ms/bar x1, ${r.msPerBar16 === undefined ? `x16 ${r.note ?? 'not timed'}` : `${r.msPerBar16.toFixed(1)} ms/bar x16`}`;
        add(`probe ${r.backend}`, r.ok ? (r.chosen ? 'chosen' : 'ok') : 'failed', r.ok ? `parity error ${r.parityError!.toExponential(1)}${speed}` : (r.reason ?? ''));
      }
      const ping = await time(() => warm.ping(), 20);
      add('chromium: empty round trip through the page', ping, 'ms', 2);
      // Only backends that give the reference outputs are timed: a wrong answer has no speed worth quoting.
      for (const r of info.backends.filter((b) => b.ok)) await benchBackend(warm, r.backend, info.backend!, node.wasm);
    } finally {
      await warm.close();
    }
  }

  const w = Math.max(...rows.map((r) => r.what.length));
  const vw = Math.max(9, ...rows.map((r) => r.value.length));
  console.log(`\n${'figure'.padEnd(w)}  ${'value'.padStart(vw)}  unit`);
  console.log(`${'-'.repeat(w)}  ${'-'.repeat(vw)}  ----`);
  for (const r of rows) console.log(`${r.what.padEnd(w)}  ${r.value.padStart(vw)}  ${r.unit}`);
}

async function benchBackend(e: ChromiumEngine, backend: BackendName, chosen: BackendName, nodeWasm: { one: number }): Promise<void> {
  try {
    await e.useBackend(backend);
  } catch (err) {
    add(`chromium ${backend}`, 'unavailable', (err as Error).message);
    return;
  }
  const one = await time(() => e.generate(req(1)), REPS_1);
  const sixteen = await time(() => e.generate(req(16)), REPS_16);
  add(`chromium ${backend}: 8 bars x 1${backend === chosen ? ' (chosen)' : ''}`, one, 'ms');
  add(`chromium ${backend}: 8 bars x 16`, sixteen, 'ms');
  add(`chromium ${backend}: x16 / x1 (target < 4)`, sixteen / one, 'x', 2);
  add(`chromium ${backend}: 8 bars x 1 vs node wasm (target <= 1.5)`, one / nodeWasm.one, 'x', 2);
  if (backend === 'wasm') add('chromium wasm: round-trip overhead vs node wasm (same kernels), 8 bars x 1', one - nodeWasm.one, 'ms');
}

try {
  await main();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
