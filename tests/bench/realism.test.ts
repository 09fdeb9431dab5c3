import { describe, expect, it } from 'vitest';
import { discriminate, groupFolds, type LabelledWindow } from '../../bench/discriminator';
import { barsFrom, firstBars, realismRow, windowFeatures, windows } from '../../bench/realism';
import { emptyGrid, type DrumGrid } from '../../src/tokens/drum-grid';
import { gaussian, makeRng } from '../../src/random';

const C = 9;
function grid(bars: number, hits: Array<[step: number, cls: number, vel: number]>): DrumGrid {
  const g = emptyGrid(bars * 16);
  for (const [s, c, v] of hits) g.velocity[s * C + c] = v;
  return g;
}

describe('2-bar window statistics', () => {
  it('cuts whole windows from the start and drops a partial one', () => {
    const g = grid(5, [
      [0, 0, 100],
      [70, 1, 90],
    ]);
    expect(windows(g)).toHaveLength(2);
    expect(windows(g, 4, 1)).toHaveLength(4);
    expect(windows(g)[0].velocity[0]).toBe(100);
    expect(firstBars(g, 1).steps).toBe(16);
    expect(barsFrom(g, 4).velocity[(70 - 64) * C + 1]).toBe(90);
  });

  it('counts off-16th, crash and tom shares and the spreads between windows', () => {
    // Window 1: kick on 1 (on), snare on the "e" of 1 (off), crash on the "a" (off), low tom on 3 (on).
    // Window 2: four closed hats on 8ths, all on; softer.
    const w1 = grid(2, [
      [0, 0, 120],
      [1, 1, 40],
      [3, 7, 100],
      [8, 4, 100],
    ]);
    const w2 = grid(2, [
      [0, 2, 60],
      [2, 2, 60],
      [4, 2, 60],
      [6, 2, 60],
    ]);
    const r = realismRow([w1, w2]);
    expect(r.windows).toBe(2);
    expect(r.off16Share).toBeCloseTo(2 / 8);
    expect(r.crashShare).toBeCloseTo(1 / 8);
    expect(r.tomsShare).toBeCloseTo(1 / 8);
    expect(r.velocityMeanSpread).toBeCloseTo(Math.abs(90 - 60) / 2);
    expect(r.onsetsPerBar).toBeCloseTo(2);
    expect(r.onsetsPerBarStd).toBe(0);
    expect(realismRow([w1, grid(2, [[0, 0, 100]])]).onsetsPerBarStd).toBeCloseTo((2 - 0.5) / 2);
  });

  it('describes a window by a fixed-length feature vector that sees velocity and timing', () => {
    const a = grid(2, [
      [0, 0, 100],
      [4, 1, 90],
    ]);
    const b = grid(2, [
      [0, 0, 50],
      [4, 1, 90],
    ]);
    const fa = windowFeatures(a);
    expect(fa).toHaveLength(windowFeatures(emptyGrid(32)).length);
    expect(fa).not.toEqual(windowFeatures(b));
    b.velocity[0] = 100;
    b.offset[0] = 0.2;
    expect(fa).not.toEqual(windowFeatures(b));
  });
});

describe('grouped real-vs-other discriminator', () => {
  const samples = (shift: number, seed: string): LabelledWindow[] => {
    const rng = makeRng(seed);
    return Array.from({ length: 240 }, (_, i) => {
      const label = (i % 2) as 0 | 1;
      return { group: Math.floor(i / 8), label, features: [gaussian(rng) + label * shift, gaussian(rng), gaussian(rng) * 2, rng()] };
    });
  };

  it('never puts one group in two folds', () => {
    const groups = [1, 1, 2, 3, 3, 3, 4, 5, 6, 7, 8, 9, 9];
    const f = groupFolds(groups, 3, 1);
    expect(new Set(f.values()).size).toBe(3);
    expect([...new Set(groups)].every((g) => f.has(g))).toBe(true);
  });

  it('tells separable sides apart and is near chance on identical ones', () => {
    const easy = discriminate(samples(4, 'easy'), { trees: 25 });
    expect(easy.accuracy).toBeGreaterThan(0.9);
    expect(easy.realShare).toBeCloseTo(0.5);
    const same = discriminate(samples(0, 'same'), { trees: 25 });
    expect(same.accuracy).toBeGreaterThan(0.35);
    expect(same.accuracy).toBeLessThan(0.65);
    expect(same.perFold).toHaveLength(5);
    // Options left undefined take the defaults (an undefined tree count once gave an empty forest).
    expect(discriminate(samples(4, 'easy'), { trees: undefined }).accuracy).toBeGreaterThan(0.9);
  });
});
