/**
 * Backend choice inside the page: start each TF.js backend, check that the drum network gives the
 * reference outputs on it (same weights, same inputs), time one generated bar, pick the fastest
 * correct one. Measured, not a fixed order: on a machine without a GPU, wasm beats software WebGL.
 */
import * as tf from '@tensorflow/tfjs';
import { DRUM_GENRES } from '../../../src/conditioning/genres';
import { GrooveRnn } from '../../../src/models/drums/groove-rnn';
import { fillInputRow } from '../../../src/models/drums/inputs';
import { DrumNetwork, type DrumNetArtifacts } from '../../../src/models/drums/network';
import { DRUM_INPUT } from '../../../src/models/drums/spec';
import type { DrumRequest } from '../../../src/models/request';
import { makeRng } from '../../../src/random';
import { emptyGrid, type DrumGrid } from '../../../src/tokens/drum-grid';
import { BACKEND_NAMES, PRUNE_FACTOR, choiceCost, type BackendName, type BackendReport, type ProbeOptions } from './protocol';

/** The backend reference outputs come from: plain JS float32, present in every browser. */
export const REFERENCE_BACKEND: BackendName = 'cpu';

const PROBE_BATCH = 2;

/** Fixed probe inputs: two variations with different genre/density, random previous hits. */
function probeInputs(steps: number): Float32Array[] {
  const rng = makeRng('tandem-parity');
  const reqs: DrumRequest[] = [
    { genre: 'funk', density: 0.7, bars: 1, temperature: 1, seed: 0, count: 1, fillEvery: 2 },
    { genre: DRUM_GENRES[5], density: 0.2, bars: 1, temperature: 1, seed: 0, count: 1, fillEvery: 0 },
  ];
  const grids: DrumGrid[] = reqs.map(() => emptyGrid(steps));
  for (const g of grids) {
    for (let i = 0; i < g.velocity.length; i++) {
      if (rng() < 0.25) {
        g.velocity[i] = 1 + Math.floor(rng() * 127);
        g.offset[i] = rng() - 0.5;
      }
    }
  }
  return Array.from({ length: steps }, (_, s) => {
    const x = new Float32Array(PROBE_BATCH * DRUM_INPUT.size);
    reqs.forEach((r, b) => fillInputRow(x, b, grids[b], s, r));
    return x;
  });
}

/** WebGPU's synchronous read-back returns wrong values in tfjs 4.22: read asynchronously there. */
export const needsAsyncReadback = (): boolean => tf.getBackend() === 'webgpu';

/** Runs the probe inputs through a fresh network on the current backend; all outputs, step after step. */
async function runProbe(art: DrumNetArtifacts, inputs: Float32Array[]): Promise<Float32Array[]> {
  const net = DrumNetwork.load(art);
  let h = net.zeroState(PROBE_BATCH);
  const outs: Float32Array[] = [];
  try {
    for (const x of inputs) {
      const r = needsAsyncReadback() ? await net.stepAsync(x, PROBE_BATCH, h) : net.step(x, PROBE_BATCH, h);
      h.dispose();
      h = r.h;
      outs.push(r.out.slice());
    }
    return outs;
  } finally {
    h.dispose();
    net.dispose();
  }
}

function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((row, i) => row.forEach((v, j) => (m = Math.max(m, Number.isNaN(v) ? Infinity : Math.abs(v - b[i][j])))));
  return m;
}

/**
 * ms per generated bar on the current backend for `count` variations in one batch: best of `runs`
 * runs of `bars` bars, after one warm-up run (GPU backends compile per shape).
 */
async function timeBars(art: DrumNetArtifacts, bars: number, count: number, runs: number): Promise<number> {
  const model = GrooveRnn.load(art);
  const gen = (req: DrumRequest) => (needsAsyncReadback() ? model.generate(req) : model.generateSync(req));
  try {
    const req: DrumRequest = { genre: 'rock', density: 0.5, bars, temperature: 1, seed: 1, count, fillEvery: 0 };
    await gen({ ...req, bars: 1 });
    let ms = Infinity;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await gen(req);
      ms = Math.min(ms, (performance.now() - t0) / bars);
    }
    return ms;
  } finally {
    model.dispose();
  }
}


async function useBackend(name: BackendName): Promise<string | undefined> {
  try {
    if (!(await tf.setBackend(name))) return `${name} did not initialise${name === 'webgpu' && !('gpu' in navigator) ? ' (no navigator.gpu)' : ''}`;
    await tf.ready();
    return undefined;
  } catch (err) {
    return `${name} failed to start: ${(err as Error).message}`;
  }
}

/** Probes the backends, leaves TF.js on the chosen one, and reports every one tried. */
export async function chooseBackend(art: DrumNetArtifacts, opts: ProbeOptions): Promise<{ chosen: BackendName; reports: BackendReport[] }> {
  const inputs = probeInputs(opts.paritySteps);
  const refErr = await useBackend(REFERENCE_BACKEND);
  if (refErr) throw new Error(`the reference backend is unavailable: ${refErr}`);
  const reference = await runProbe(art, inputs);
  const candidates = opts.force ? [opts.force] : (opts.candidates ?? [...BACKEND_NAMES]);
  const reports: BackendReport[] = [];
  const bars = Math.max(1, Math.round(opts.timedSteps / 16));
  // First pass: start, parity, one timed run of one variation.
  for (const backend of candidates) {
    const t0 = performance.now();
    const failed = await useBackend(backend);
    if (failed) {
      reports.push({ backend, ok: false, reason: failed, chosen: false, probeMs: performance.now() - t0 });
      continue;
    }
    let parityError: number | undefined;
    try {
      parityError = backend === REFERENCE_BACKEND ? 0 : maxAbsDiff(await runProbe(art, inputs), reference);
      const ok = parityError <= opts.tolerance;
      const reason = ok ? undefined : `parity error ${parityError.toExponential(2)} over the tolerance ${opts.tolerance}`;
      // Off the tolerance a backend is only timed when forced (then it runs anyway).
      const one = ok || opts.force ? await timeBars(art, bars, 1, 1) : undefined;
      reports.push({ backend, ok, reason, parityError, msPerBar: one, chosen: false, probeMs: performance.now() - t0 });
    } catch (err) {
      reports.push({ backend, ok: false, reason: `${backend} threw: ${(err as Error).message}`, parityError, chosen: false, probeMs: performance.now() - t0 });
    }
  }
  // Second pass, for the contenders only: best of 3 at one variation, best of 2 at 16.
  const fastest = Math.min(...reports.map((r) => (r.ok || opts.force ? (r.msPerBar ?? Infinity) : Infinity)));
  for (const r of reports) {
    if (r.msPerBar === undefined || !(r.ok || opts.force)) continue;
    if (!opts.force && r.msPerBar > PRUNE_FACTOR * fastest) {
      r.note = `batch of 16 not timed: ${(r.msPerBar / fastest).toFixed(1)}x slower than the fastest at one variation`;
      continue;
    }
    const t0 = performance.now();
    try {
      if ((await useBackend(r.backend)) !== undefined) continue;
      r.msPerBar = Math.min(r.msPerBar, await timeBars(art, bars, 1, 2));
      r.msPerBar16 = await timeBars(art, bars, 16, 2);
    } catch (err) {
      r.ok = false;
      r.reason = `${r.backend} threw while timed: ${(err as Error).message}`;
    }
    r.probeMs = (r.probeMs ?? 0) + performance.now() - t0;
  }
  // A forced backend runs even off the tolerance (the report says so); it must at least compute.
  const pick = opts.force ? reports[0] : reports.filter((r) => r.ok).sort((a, b) => choiceCost(a) - choiceCost(b))[0];
  if (!pick || pick.msPerBar === undefined) {
    throw new Error(opts.force ? `backend ${opts.force} is unavailable: ${pick?.reason ?? 'not tried'}` : `no TF.js backend works: ${reports.map((r) => r.reason).join('; ')}`);
  }
  pick.chosen = true;
  const err = await useBackend(pick.backend);
  if (err) throw new Error(err);
  return { chosen: pick.backend, reports };
}
