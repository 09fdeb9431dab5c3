import seedrandom from 'seedrandom';

/** A seeded uniform generator in [0, 1). Same seed, same numbers, in Node and in the browser. */
export type Rng = () => number;

/** Alea (from seedrandom): fast, good quality, and seedable from any string. */
export function makeRng(seed: number | string): Rng {
  return seedrandom.alea(String(seed));
}

/** One standard normal sample (Box-Muller). */
export function gaussian(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Samples an index from unnormalised non-negative weights. */
export function sampleIndex(weights: ArrayLike<number>, rng: Rng): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  let r = rng() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i];
    if (r < 0) return i;
  }
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
  return 0;
}

/** Softmax of logits/temperature into `out` (numerically stable). */
export function softmaxInto(logits: ArrayLike<number>, temperature: number, out: Float64Array, from = 0, n = out.length): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[from + i]);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp((logits[from + i] - max) / temperature);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < n; i++) out[i] /= sum;
  return out;
}
