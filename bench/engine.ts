/**
 * Engine bench (one table on stdout, progress on stderr), for every network of the registry
 * (drums, melody, bass): NodeEngine on wasm and cpu, 8 bars for 1 and for 16 variations; the
 * Chromium engine on each TF.js backend that passes parity, the same requests, and its ratio to
 * Node wasm (issue 12 point 6: Chromium <= 1.3x Node). For the first model also the launch to
 * ready, cold and warm, and the cost of one round trip through the page.
 * Cold = a fresh cache folder (page bundle built, every backend probed) and a first browser start;
 * warm = the next launch in the same process (bundle in memory, the probe's winner from the cache).
 * Run: npx tsx bench/engine.ts [--models drums,melody,bass] [--model-dir DIR] [--reps N] (DIR: the first model's folder;
 * N: runs per figure, default 21 for one variation and 5 for 16).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
const STYLE: Record<string, Record<string, unknown>> = {
  drums: { style: 'funk' },
  melody: { style: 'pop', chords: 'C G Am F' },
  bass: { style: 'pop', chords: 'C G Am F' },
};
let requestFor: (count: number) => EngineRequest;
const req = (count: number) => requestFor(count);
/** Runs (pairs beside Node) per figure: one variation, 16 variations; `--reps N` sets both. */
let REPS_1 = 21;
let REPS_16 = 5;
/** Runs of one variation on each engine before the first timed pair. */
const WARM_RUNS = 30;
/**
 * An idle pause after each timed run whose CPU time still counts for that run (not its wall time):
 * V8 finishes a run's garbage collection in tasks after it (in this process 2-3 ms of main-thread
 * work and ~1 ms on its GC threads a Node melody run, measured), which otherwise landed in the next
 * run, so in a Chromium run half the time.
 */
const SETTLE_MS = 30;
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, SETTLE_MS));

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
  if (flag('--reps')) {
    const n = Number(flag('--reps'));
    if (!Number.isInteger(n) || n < 1) {
      console.error(`--reps ${flag('--reps')}: expected a whole number of runs, at least 1`);
      process.exit(2);
    }
    REPS_1 = REPS_16 = n;
  }
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
  console.log(
    `\nengine (load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at the end)`,
  );
  console.log(`${'figure'.padEnd(w)}  ${'value'.padStart(vw)}  unit`);
  console.log(`${'-'.repeat(w)}  ${'-'.repeat(vw)}  ----`);
  for (const r of rows) console.log(`${r.what.padEnd(w)}  ${r.value.padStart(vw)}  ${r.unit}`);
}

/** CPU time of a group's threads so far (ms by thread id), and which of them are renderers' main threads. */
interface GroupCpu {
  threads: Map<string, number>;
  rendererMains: Set<string>;
}

/** ms a thread has run, from /proc/<pid>/task/<tid>/schedstat (nanoseconds). */
const threadMs = (pid: string | number, tid: string | number): number => Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;

/**
 * CPU time used so far by every thread of the process group `pgid` (the browser and every process
 * it started), from /proc (Linux only, undefined elsewhere). Per thread rather than
 * /proc/<pid>/stat's 10 ms ticks, which over runs of 20-40 ms left the ratio to Node swinging by
 * 0.4 at load 10. A renderer's main thread (its thread id is its process id) runs the page's JavaScript.
 */
function groupCpu(pgid: number | undefined): GroupCpu | undefined {
  if (!pgid || process.platform !== 'linux') return undefined;
  const out: GroupCpu = { threads: new Map(), rendererMains: new Set() };
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command: state ppid pgrp ...
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== pgid) continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('--type=renderer')) out.rendererMains.add(name);
      for (const tid of readdirSync(`/proc/${name}/task`)) out.threads.set(tid, threadMs(name, tid));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU ms the group's threads (or only its renderers' main threads) used between two snapshots; a thread that ended meanwhile is not counted. */
function groupCpuSince(before: GroupCpu, after: GroupCpu, mainsOnly = false): number {
  let ms = 0;
  for (const [tid, t] of after.threads) if (!mainsOnly || after.rendererMains.has(tid)) ms += t - (before.threads.get(tid) ?? 0);
  return ms;
}

/** ms this process's main thread has run (Linux; 0 elsewhere): where NodeEngine's JavaScript runs. */
const ownMainMs = (): number => (process.platform === 'linux' ? threadMs('self', process.pid) : 0);

const ownCpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/** One model: Node wasm (and cpu for the first), then Chromium beside Node wasm (launches timed for the first model only). */
async function benchModel(name: string, model: EngineModel, first: boolean, browserPath: string | undefined, noBrowser: string | undefined): Promise<void> {
  const node = new NodeEngine({ backend: 'wasm' });
  await node.load(model);
  try {
    for (let i = 0; i < 3; i++) await node.generate(req(1)); // past V8's tiers, as a running bridge is
    const one = await time(() => node.generate(req(1)), REPS_1);
    const sixteen = await time(() => node.generate(req(16)), REPS_16);
    add(`${name} node wasm: 8 bars x 1`, one, 'ms');
    add(`${name} node wasm: 8 bars x 16`, sixteen, 'ms');
    add(`${name} node wasm: x16 / x1`, sixteen / one, 'x', 2);
    if (first) {
      const cpu = new NodeEngine({ backend: 'cpu' });
      await cpu.load(model);
      add(`${name} node cpu: 8 bars x 1`, await time(() => cpu.generate(req(1)), 3), 'ms');
      await cpu.close();
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
        const speed =
          r.msPerBar === undefined
            ? ''
            : `, ${r.msPerBar.toFixed(1)} ms/bar x1, ${r.msPerBar16 === undefined ? `x16 ${r.note ?? 'not timed'}` : `${r.msPerBar16.toFixed(1)} ms/bar x16`}`;
        add(
          `${name} probe ${r.backend}`,
          r.ok ? (r.chosen ? 'chosen' : 'ok') : 'failed',
          r.ok ? `parity error ${r.parityError!.toExponential(1)}${speed}` : (r.reason ?? ''),
        );
      }
      if (first) add('chromium: empty round trip through the page', await time(() => warm.ping(), 20), 'ms', 2);
      // Only backends that give the reference outputs are timed (a wrong answer has no speed worth
      // quoting), and of those the contenders: one the probe found PRUNE_FACTOR slower than the
      // fastest (software WebGPU/WebGL here) would take minutes and is never chosen.
      for (const r of info.backends.filter((b) => b.ok)) {
        if (r.msPerBar16 === undefined) add(`${name} chromium ${r.backend}`, 'not timed', r.note ?? 'not a contender in the probe');
        else await benchBackend(name, warm, r.backend, info.backend!, node);
      }
    } finally {
      await warm.close();
    }
  } finally {
    await node.close();
  }
}

/**
 * Chromium on one backend beside Node wasm, run for run in turn (so a change in the machine's load
 * hits both): wall-clock medians and the median of the per-pair ratios; and CPU time per run, the
 * browser's whole process group plus this process for Chromium, this process for Node (a figure the
 * other sessions' load changes less than wall time), and of the main threads alone (the page's
 * renderer, this process's).
 */
async function benchBackend(name: string, e: ChromiumEngine, backend: BackendName, chosen: BackendName, node: InstanceType<typeof NodeEngine>): Promise<void> {
  try {
    await e.useBackend(backend);
  } catch (err) {
    add(`${name} chromium ${backend}`, 'unavailable', (err as Error).message);
    return;
  }
  const label = `${name} chromium ${backend}${backend === chosen ? ' (chosen)' : ''}`;
  for (const [count, reps] of [
    [1, REPS_1],
    [16, REPS_16],
  ] as const) {
    // Both past V8's and wasm's tiers before timing: a fresh page took ~10 % more main-thread CPU
    // after 2 warm-up runs than after 60, and Node ~30 % more (melody x1, load 6), so a page
    // timed at once beside a process warmed by the models before looked up to 1.5x slower.
    for (let i = 0; i < (count === 1 ? WARM_RUNS : 3); i++) {
      await e.generate(req(count));
      await node.generate(req(count));
    }
    const wall: Array<[number, number]> = [];
    // Main threads apart: the page's and NodeEngine's JavaScript and wasm run there, and on a quiet
    // machine their time is the wall time; GC and compile threads and the browser's own processes
    // run beside them, and under load add to CPU time what the other sessions also change.
    const cpu = { chromium: 0, node: 0, pageMain: 0, nodeMain: 0 };
    let groupOk = true;
    const runChromium = async (): Promise<number> => {
      const g0 = groupCpu(e.browserPid);
      const c0 = ownCpuMs();
      const t0 = performance.now();
      await e.generate(req(count));
      const ms = performance.now() - t0;
      await settle();
      // This process's share first: the /proc walk costs this process a few ms itself.
      const own = ownCpuMs() - c0;
      const g1 = groupCpu(e.browserPid);
      if (!g0 || !g1) groupOk = false;
      cpu.chromium += own + (g0 && g1 ? groupCpuSince(g0, g1) : 0);
      cpu.pageMain += g0 && g1 ? groupCpuSince(g0, g1, true) : 0;
      return ms;
    };
    const runNode = async (): Promise<number> => {
      const c0 = ownCpuMs();
      const m0 = ownMainMs();
      const t0 = performance.now();
      await node.generate(req(count));
      const ms = performance.now() - t0;
      await settle();
      cpu.nodeMain += ownMainMs() - m0;
      cpu.node += ownCpuMs() - c0;
      return ms;
    };
    for (let i = 0; i < reps; i++) {
      // Each engine goes first in every other pair (what SETTLE_MS leaves of one run's tail falls on
      // either engine's next run alike).
      if (i % 2 === 0) {
        const c = await runChromium();
        wall.push([c, await runNode()]);
      } else {
        const n = await runNode();
        wall.push([await runChromium(), n]);
      }
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ratio = med(wall.map(([c, n]) => c / n));
    add(`${label}: 8 bars x ${count}, wall`, med(wall.map(([c]) => c)), `ms (node wasm in turn: ${med(wall.map(([, n]) => n)).toFixed(1)} ms)`);
    add(`${label}: 8 bars x ${count} vs node wasm, wall (target <= 1.3)`, ratio, `x ${ratio <= 1.3 ? 'met' : 'MISSED'} (median of ${reps} pairs)`, 2);
    if (groupOk) {
      const r = cpu.chromium / cpu.node;
      add(
        `${label}: 8 bars x ${count}, CPU time`,
        cpu.chromium / reps,
        `ms (node wasm: ${(cpu.node / reps).toFixed(1)} ms; ratio ${r.toFixed(2)}x ${r <= 1.3 ? 'met' : 'MISSED'})`,
      );
      if (cpu.nodeMain > 0) {
        add(
          `${label}: 8 bars x ${count}, main thread CPU`,
          cpu.pageMain / reps,
          `ms (node wasm: ${(cpu.nodeMain / reps).toFixed(1)} ms; ratio ${(cpu.pageMain / cpu.nodeMain).toFixed(2)}x)`,
        );
      }
    }
  }
}

try {
  await main();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
