/**
 * Note density: onsets per bar, smoothed as a running average over the bars up to and
 * including the current one. During training the model sees this average at every step;
 * at generation the user sets it (0..1, mapped onto the corpus' range).
 */
import { InvalidValueError } from '../errors';

/** Running average of `perBar` over a window of `windowBars` ending at each bar (inclusive). */
export function runningAverage(perBar: readonly number[], windowBars: number): number[] {
  if (!(windowBars >= 1)) throw new InvalidValueError('windowBars', windowBars, 'at least 1');
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < perBar.length; i++) {
    sum += perBar[i];
    if (i >= windowBars) sum -= perBar[i - windowBars];
    out.push(sum / Math.min(i + 1, windowBars));
  }
  return out;
}

/** The corpus range that user density 0..1 maps onto (onsets per bar). */
export interface DensityRange {
  /** Onsets per bar at density 0 (a low percentile of the corpus). */
  low: number;
  /** Onsets per bar at density 1 (a high percentile of the corpus). */
  high: number;
}

/** Onsets per bar -> 0..1 (clamped). */
export function normaliseDensity(onsetsPerBar: number, range: DensityRange): number {
  const x = (onsetsPerBar - range.low) / (range.high - range.low);
  return Math.max(0, Math.min(1, x));
}

/** User density 0..1 -> target onsets per bar. */
export function densityToOnsets(density: number, range: DensityRange): number {
  return range.low + density * (range.high - range.low);
}

/** The q-quantile (0..1) of values, linear between ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
