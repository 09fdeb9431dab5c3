import { NUM_DRUM_CLASSES } from '../src/music/drum-map';
import type { DrumGrid } from '../src/tokens/drum-grid';

const C = NUM_DRUM_CLASSES;
const STEPS = 16;
/** Features: hit rate per (position, class), mean velocity per class, offset mean/std per class, onsets per bar. */
export const FEATURES = STEPS * C + 3 * C + 1;

export function grooveFeatures(g: DrumGrid): Float64Array {
  const f = new Float64Array(FEATURES);
  const bars = Math.max(1, g.steps / STEPS);
  const n = new Float64Array(C);
  const off2 = new Float64Array(C);
  let onsets = 0;
  for (let s = 0; s < g.steps; s++) {
    for (let c = 0; c < C; c++) {
      const v = g.velocity[s * C + c];
      if (!v) continue;
      onsets++;
      f[(s % STEPS) * C + c] += 1 / bars;
      n[c]++;
      f[STEPS * C + c] += v / 127;
      f[STEPS * C + C + c] += g.offset[s * C + c];
      off2[c] += g.offset[s * C + c] ** 2;
    }
  }
  for (let c = 0; c < C; c++) {
    if (!n[c]) continue;
    f[STEPS * C + c] /= n[c];
    const m = f[STEPS * C + C + c] / n[c];
    f[STEPS * C + C + c] = m * 4;
    f[STEPS * C + 2 * C + c] = Math.sqrt(Math.max(0, off2[c] / n[c] - m * m)) * 4;
  }
  f[FEATURES - 1] = onsets / bars / 20;
  return f;
}

/**
 * Multinomial logistic regression on groove features, trained by full-batch gradient descent
 * with L2 and class-balanced weights (rock has 20x the data of blues). Used only to judge
 * whether generated grooves sound like their genre.
 */
export class GenreClassifier {
  private w: Float64Array;

  constructor(readonly classes: number) {
    this.w = new Float64Array(classes * (FEATURES + 1));
  }

  train(xs: Float64Array[], ys: number[], epochs = 300, lr = 0.5, l2 = 1e-3): void {
    const K = this.classes;
    const D = FEATURES + 1;
    const counts = new Array(K).fill(0);
    for (const y of ys) counts[y]++;
    const weight = ys.map((y) => xs.length / (K * Math.max(1, counts[y])));
    const grad = new Float64Array(K * D);
    for (let e = 0; e < epochs; e++) {
      grad.fill(0);
      xs.forEach((x, i) => {
        const p = this.probs(x);
        for (let k = 0; k < K; k++) {
          const d = (p[k] - (ys[i] === k ? 1 : 0)) * weight[i];
          for (let j = 0; j < FEATURES; j++) grad[k * D + j] += d * x[j];
          grad[k * D + FEATURES] += d;
        }
      });
      for (let j = 0; j < grad.length; j++) this.w[j] -= lr * (grad[j] / xs.length + l2 * this.w[j]);
    }
  }

  probs(x: Float64Array): Float64Array {
    const K = this.classes;
    const D = FEATURES + 1;
    const z = new Float64Array(K);
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      let s = this.w[k * D + FEATURES];
      for (let j = 0; j < FEATURES; j++) s += this.w[k * D + j] * x[j];
      z[k] = s;
      max = Math.max(max, s);
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += z[k] = Math.exp(z[k] - max);
    for (let k = 0; k < K; k++) z[k] /= sum;
    return z;
  }

  /** Rank (0 = top) of class y for features x. */
  rank(x: Float64Array, y: number): number {
    const p = this.probs(x);
    let r = 0;
    for (let k = 0; k < this.classes; k++) if (p[k] > p[y]) r++;
    return r;
  }
}
