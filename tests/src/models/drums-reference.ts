import { expect } from 'vitest';
import { completeHead, DrumNetwork } from '../../../src/models/drums/network';
import type { GrooveRnn } from '../../../src/models/drums/groove-rnn';
import { fillInputRow } from '../../../src/models/drums/inputs';
import { samplingNoise } from '../../../src/models/drums/rollout';
import { DRUM_INPUT } from '../../../src/models/drums/spec';
import type { DrumNetArtifacts } from '../../../src/models/drums/weights';
import type { DrumRequest } from '../../../src/models/request';
import { stepPattern } from '../../../src/tokens/drum-grid';

/**
 * Teacher-forces the reference path (checked against PyTorch above) with what the rollout
 * generated, and redoes each sampled step's sampling in float64 JS from its outputs and the same
 * noise; primer steps are fed as they are (and seen again by the lookback).
 */
export function checkAgainstReference(model: GrooveRnn, req: DrumRequest): void {
  const grids = model.generateSync(req);
  const kept = req.primer ? Math.floor(req.primer.steps / 16) * 16 : 0;
  const net = model.net;
  const bins = net.velocityBins;
  const noise = samplingNoise(req, grids[0].steps - kept, model.sampling, bins?.bins);
  const binTemperature = Math.max(0.05, Math.min(1, req.temperature) * model.sampling.velocity);
  const H = net.hidden;
  const B = req.count;
  const x = new Float32Array(B * DRUM_INPUT.size);
  const head = new Float32Array(36);
  const bars = model.barConditioning(req);
  grids.forEach((g, b) => fillInputRow(x, b, g, 0, req, bars?.[b]));
  let h = net.initialState(x, B);
  let close = 0;
  let checked = 0;
  let binsChecked = 0;
  for (let s = 0; s < grids[0].steps; s++) {
    grids.forEach((g, b) => fillInputRow(x, b, g, s, req, bars?.[b]));
    const r = net.step(x, B, h);
    h.dispose();
    h = r.h;
    if (s < kept) continue;
    const t = s - kept;
    const state = bins ? r.h.dataSync() : undefined;
    grids.forEach((g, b) => {
      const o = b * DrumNetwork.OUT;
      const u = noise.uniforms.subarray((t * B + b) * 512, (t * B + b + 1) * 512);
      // The model's sampling biases (sampling.ts): class log-odds before the temperature, the rest
      // bias and the bar before's repeat bonus after it.
      const sp = model.sampling;
      const classBias = (p: number) => (sp.classBias ?? []).reduce((acc, x, c) => acc + (p & (1 << c) ? x : 0), 0);
      const repeat = s >= 16 && sp.repeatBar ? stepPattern(g, s - 16) : -1;
      const scores = Array.from(
        { length: 512 },
        (_, i) =>
          (r.out[o + i] + classBias(i)) / (req.temperature * sp.pattern) -
          Math.log(-Math.log(u[i])) +
          (i === 0 ? (sp.restBias?.[s % 16] ?? 0) : 0) +
          (i === repeat ? sp.repeatBar! : 0),
      );
      const sorted = [...scores].sort((p, q) => q - p);
      const best = scores.indexOf(sorted[0]);
      if (sorted[0] - sorted[1] < 1e-3) close++;
      else expect(stepPattern(g, s), `pattern at step ${s}, variation ${b}`).toBe(best);
      completeHead(r.out, o, stepPattern(g, s), net.headBits, head);
      for (let c = 0; c < 9; c++) {
        if (!g.velocity[s * 9 + c]) continue;
        const z = noise.normals.subarray((t * B + b) * 18, (t * B + b + 1) * 18);
        const v = 1 / (1 + Math.exp(-head[c])) + Math.exp(Math.min(1, Math.max(-5, head[9 + c]))) * z[c];
        const off = Math.tanh(head[18 + c]) * 0.5 + Math.exp(Math.min(0, Math.max(-6, head[27 + c]))) * z[9 + c] + (model.sampling.offsetShift ?? 0);
        if (bins && state && noise.velocity) {
          // The velocity-bin head: Gumbel-max over the class's bins, then where in the bin.
          const K = bins.bins;
          const hitsNow = Array.from({ length: 9 }, (_, k) => (g.velocity[s * 9 + k] ? 1 : 0));
          const back = s >= 16 ? g.velocity.subarray((s - 16) * 9, (s - 15) * 9) : new Float32Array(9);
          const loud = x[b * DRUM_INPUT.size + DRUM_INPUT.loudness];
          const logits = bins.logits(state.subarray(b * H, (b + 1) * H), hitsNow, loud, { hits: Array.from(back, (u) => (u ? 1 : 0)), velocity: back });
          const uv = noise.velocity.uniforms.subarray(((t * B + b) * 9 + c) * K, ((t * B + b) * 9 + c + 1) * K);
          // Per class a factor on the bins' temperature; per groove (velocityLoose) one on the Gumbel noise.
          const classTemperature = binTemperature * (model.sampling.velocityClassTemperature?.[c] ?? 1);
          const loose = noise.velocity.loose?.[b] ?? 1;
          const sc = Array.from({ length: K }, (_, k) => logits[c * K + k] / classTemperature - loose * Math.log(-Math.log(uv[k])));
          const top = [...sc].sort((p, q) => q - p);
          if (top[0] - top[1] < 1e-3) close++;
          else {
            const base = noise.velocity.base[(t * B + b) * 18 + c];
            expect(
              Math.abs(g.velocity[s * 9 + c] - Math.min(127, Math.max(1, Math.floor(base + (sc.indexOf(top[0]) * 127) / K)))),
              `velocity at step ${s}, class ${c}`,
            ).toBeLessThanOrEqual(1);
            binsChecked++;
          }
        } else expect(Math.abs(g.velocity[s * 9 + c] - Math.min(127, Math.max(1, v * 127)))).toBeLessThanOrEqual(0.5 + 1e-3);
        expect(g.offset[s * 9 + c]).toBeCloseTo(Math.min(0.5, Math.max(-0.5, off)), 4);
        checked++;
      }
    });
  }
  h.dispose();
  expect(close).toBeLessThan(3);
  expect(checked).toBeGreaterThan(50);
  if (bins) expect(binsChecked).toBeGreaterThan(50);
}

/**
 * The committed network's weights rewritten to `inputs` GRU inputs: rows it lacks are added as
 * zeros (or, with `lookback: 'random'`, the lookback rows get small fixed pseudo-random weights,
 * so the lookback path runs whatever model is committed), rows beyond are cut.
 */
export function weightsVariant(art: DrumNetArtifacts, inputs: number, lookback: 'zero' | 'random' = 'zero'): DrumNetArtifacts {
  const bytes = new Float32Array(art.weights);
  const parts: Float32Array[] = [];
  const weights = [];
  let at = 0;
  for (const w of art.modelJson.weightsManifest.flatMap((g) => g.weights)) {
    const size = w.shape.reduce((a, b) => a * b, 1);
    let values = bytes.slice(at, at + size);
    let shape = w.shape;
    at += size;
    const first = w.name === 'gru/w_ih' ? 0 : w.name === 'init/w' ? DRUM_INPUT.position : -1;
    if (first >= 0) {
      const cols = w.shape[1];
      const rows = inputs - first;
      const out = new Float32Array(rows * cols);
      out.set(values.subarray(0, Math.min(values.length, rows * cols)));
      const from = DRUM_INPUT.lookback - first;
      out.fill(0, Math.min(out.length, from * cols));
      if (lookback === 'random' && w.name === 'gru/w_ih') for (let i = from * cols; i < out.length; i++) out[i] = 0.3 * Math.sin(i * 12.9898);
      values = out;
      shape = [rows, cols];
    }
    parts.push(values);
    weights.push({ ...w, shape });
  }
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  const spec = { ...art.modelJson.spec, inputSize: inputs };
  return { modelJson: { ...art.modelJson, spec, weightsManifest: [{ paths: ['weights.bin'], weights }] }, weights: all.buffer };
}
