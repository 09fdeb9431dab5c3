import { describe, expect, it } from 'vitest';
import { fitContourPrior, priorFor, sampleContour, type ContourPrior } from '../../../src/models/drums/contour';
import { gaussian, makeRng } from '../../../src/random';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Synthetic tracks: a level per track, an AR(1) wander per bar with known std and correlation. */
function tracks(n: number, bars: number, level: [number, number], wander: [number, number], seed: string) {
  const rng = makeRng(seed);
  return Array.from({ length: n }, () => {
    const l = level[0] + level[1] * gaussian(rng);
    let d = wander[0] * gaussian(rng);
    const xs: number[] = [];
    for (let b = 0; b < bars; b++) {
      if (b > 0) d = wander[1] * d + Math.sqrt(1 - wander[1] ** 2) * wander[0] * gaussian(rng);
      xs.push(l + d);
    }
    return { loudness: xs, density: xs.map((x) => x * 0.5) };
  });
}

describe('drum contour priors', () => {
  it('recovers the level spread, the wander and its bar-to-bar correlation of the tracks it is fitted on', () => {
    const p = fitContourPrior(tracks(400, 64, [0.5, 0.2], [0.1, 0.7], 'fit'));
    expect(p.tracks).toBe(400);
    expect(p.loudnessMean).toBeCloseTo(0.5, 1);
    expect(p.loudnessStd).toBeGreaterThan(0.17);
    expect(p.loudnessStd).toBeLessThan(0.23);
    // Within-track deviations from the track's own mean: a little under the AR(1) std.
    expect(p.loudnessWanderStd).toBeGreaterThan(0.08);
    expect(p.loudnessWanderStd).toBeLessThan(0.11);
    expect(p.loudnessWanderCorr).toBeGreaterThan(0.6);
    expect(p.loudnessWanderCorr).toBeLessThan(0.75);
    expect(p.densityWanderStd).toBeCloseTo(p.loudnessWanderStd / 2, 3);
  });

  const prior: ContourPrior = {
    tracks: 50,
    loudnessMean: 0.5,
    loudnessStd: 0.2,
    loudnessWanderStd: 0.1,
    loudnessWanderCorr: 0.7,
    densityWanderStd: 0.11,
    densityWanderCorr: 0.7,
  };

  it('draws the same contour from the same generator state, and keeps every value in 0..1', () => {
    const a = sampleContour(prior, 0.5, 16, makeRng('s'));
    const b = sampleContour(prior, 0.5, 16, makeRng('s'));
    expect(a).toEqual(b);
    expect(a.density).toHaveLength(16);
    expect(new Set(a.density).size).toBeGreaterThan(8);
    for (let i = 0; i < 200; i++) {
      const c = sampleContour({ ...prior, loudnessStd: 0.6 }, i / 199, 8, makeRng(i));
      for (const v of [...c.density, ...c.loudness]) expect(v >= 0 && v <= 1).toBe(true);
    }
  });

  it('keeps density 0 and 1 at the ends, and the requested density on average in between', () => {
    expect(sampleContour(prior, 0, 8, makeRng(1)).density.every((d) => d === 0)).toBe(true);
    expect(sampleContour(prior, 1, 8, makeRng(1)).density.every((d) => d === 1)).toBe(true);
    const all = Array.from({ length: 300 }, (_, i) => sampleContour(prior, 0.5, 8, makeRng(`m${i}`)).density).flat();
    expect(mean(all)).toBeCloseTo(0.5, 1);
    const levels = Array.from({ length: 300 }, (_, i) => mean(sampleContour(prior, 0.5, 8, makeRng(`l${i}`)).loudness));
    const m = mean(levels);
    expect(Math.sqrt(mean(levels.map((l) => (l - m) ** 2)))).toBeGreaterThan(0.15);
  });

  it("falls back to every genre's prior for a genre with few tracks", () => {
    const priors = { any: prior, rock: { ...prior, tracks: 100, loudnessMean: 0.7 }, blues: { ...prior, tracks: 3, loudnessMean: 0.1 } };
    expect(priorFor(priors, 'rock').loudnessMean).toBe(0.7);
    expect(priorFor(priors, 'blues')).toBe(prior);
    expect(priorFor(priors, undefined)).toBe(prior);
  });
});
