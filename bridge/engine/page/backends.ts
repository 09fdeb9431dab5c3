/**
 * Backend choice inside the page: start each TF.js backend, check that the network gives the
 * reference outputs on it (same weights, same inputs: the model's probe, src/models/probes.ts),
 * time one generated bar, pick the fastest correct one. Measured, not a fixed order: on a machine
 * without a GPU, wasm beats software WebGL. Nothing here knows which model it probes.
 */
import * as tf from '@tensorflow/tfjs';
import { modelFactory } from '../../../src/models/factories';
import { netProbe } from '../../../src/models/probes';
import type { LayersArtifact, NetProbe } from '../../../src/models/spec';
import { BACKEND_NAMES, PRUNE_FACTOR, choiceCost, type BackendName, type BackendReport, type ProbeOptions } from './protocol';
import { BackendUnavailableError } from '../engine';

export { needsAsyncReadback } from '../../../src/models/readback';

/** The backend reference outputs come from: plain JS float32, present in every browser. */
export const REFERENCE_BACKEND: BackendName = 'cpu';

function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((row, i) => row.forEach((v, j) => (m = Math.max(m, Number.isNaN(v) ? Infinity : Math.abs(v - b[i][j])))));
  return m;
}

/**
 * ms per generated bar on the current backend for `count` variations in one batch: best of `runs`
 * runs of `bars` bars, after one warm-up run (GPU backends compile per shape). The model is built
 * by its factory and asked through the one generate entry, as users' requests are.
 */
async function timeBars(impl: string, art: LayersArtifact, probe: NetProbe, bars: number, count: number, runs: number): Promise<number> {
  const model = modelFactory(impl)(art);
  try {
    await model.generate(probe.timingRequest(1, count));
    let ms = Infinity;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await model.generate(probe.timingRequest(bars, count));
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
export async function chooseBackend(impl: string, art: LayersArtifact, opts: ProbeOptions): Promise<{ chosen: BackendName; reports: BackendReport[] }> {
  const probe = netProbe(impl);
  const refErr = await useBackend(REFERENCE_BACKEND);
  if (refErr) throw new BackendUnavailableError(REFERENCE_BACKEND, `the reference backend is unavailable: ${refErr}`);
  const reference = await probe.outputs(art, opts.paritySteps);
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
      parityError = backend === REFERENCE_BACKEND ? 0 : maxAbsDiff(await probe.outputs(art, opts.paritySteps), reference);
      const ok = parityError <= opts.tolerance;
      const reason = ok ? undefined : `parity error ${parityError.toExponential(2)} over the tolerance ${opts.tolerance}`;
      // Off the tolerance a backend is only timed when forced (then it runs anyway).
      const one = ok || opts.force ? await timeBars(impl, art, probe, bars, 1, 1) : undefined;
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
      r.msPerBar = Math.min(r.msPerBar, await timeBars(impl, art, probe, bars, 1, 2));
      r.msPerBar16 = await timeBars(impl, art, probe, bars, 16, 2);
    } catch (err) {
      r.ok = false;
      r.reason = `${r.backend} threw while timed: ${(err as Error).message}`;
    }
    r.probeMs = (r.probeMs ?? 0) + performance.now() - t0;
  }
  // A forced backend runs even off the tolerance (the report says so); it must at least compute.
  const pick = opts.force ? reports[0] : reports.filter((r) => r.ok).sort((a, b) => choiceCost(a) - choiceCost(b))[0];
  if (!pick || pick.msPerBar === undefined) {
    throw new BackendUnavailableError(
      opts.force ?? 'any',
      opts.force ? (pick?.reason ?? 'not tried') : `no TF.js backend works: ${reports.map((r) => r.reason).join('; ')}`,
    );
  }
  pick.chosen = true;
  const err = await useBackend(pick.backend);
  if (err) throw new BackendUnavailableError(pick.backend, err);
  return { chosen: pick.backend, reports };
}
