import { describe, expect, it } from 'vitest';
import { densityToOnsets, normaliseDensity, quantile, runningAverage } from '../../../src/conditioning/density';

describe('density', () => {
  it('averages onsets over the last N bars including the current one', () => {
    expect(runningAverage([4, 8, 12, 0], 2)).toEqual([4, 6, 10, 6]);
    expect(runningAverage([4, 8, 12], 1)).toEqual([4, 8, 12]);
    expect(() => runningAverage([1], 0)).toThrow();
  });

  it('maps user density onto the corpus range and back, clamped', () => {
    const range = { low: 7, high: 30 };
    for (const d of [0, 0.3, 1]) expect(normaliseDensity(densityToOnsets(d, range), range)).toBeCloseTo(d, 12);
    expect(normaliseDensity(2, range)).toBe(0);
    expect(normaliseDensity(45, range)).toBe(1);
  });

  it('computes quantiles', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([5, 1], 0)).toBe(1);
  });
});
