import { describe, expect, it } from 'vitest';
import { loadDrumNgram } from '../../../bridge/models/load';
import { loadDrumCorpus, trackGrid, tracksOf } from '../../../bridge/data/drum-corpus';
import { parseDrumRequest } from '../../../src/models/request';
import { onsetsPerBar } from '../../../src/tokens/drum-grid';
import { tiltToOnsets } from '../../../src/models/baseline/drum-ngram';
import { WittenBell } from '../../../src/models/baseline/witten-bell';
import { requireDatasets } from '../../helpers/datasets';

const meanOnsets = (grids: ReturnType<ReturnType<typeof loadDrumNgram>['generateSync']>) => {
  const all = grids.flatMap((g) => onsetsPerBar(g));
  return all.reduce((a, b) => a + b, 0) / all.length;
};

describe('n-gram baseline drum model', () => {
  const model = loadDrumNgram();

  it('gives the same notes for the same request and seed, and different notes for another seed', () => {
    const req = parseDrumRequest({ genre: 'funk', density: 0.6, bars: 4, seed: 7, count: 2 });
    const a = model.generateSync(req);
    const b = model.generateSync(req);
    expect(Array.from(a[0].velocity)).toEqual(Array.from(b[0].velocity));
    expect(Array.from(a[0].velocity)).not.toEqual(Array.from(a[1].velocity));
    const c = model.generateSync({ ...req, seed: 8 });
    expect(Array.from(c[0].velocity)).not.toEqual(Array.from(a[0].velocity));
  });

  it('gets busier as density rises', () => {
    const at = (density: number) => meanOnsets(model.generateSync(parseDrumRequest({ genre: 'rock', density, bars: 8, count: 4, seed: 1 })));
    const lo = at(0.1);
    const mid = at(0.5);
    const hi = at(0.9);
    expect(mid).toBeGreaterThan(lo);
    expect(hi).toBeGreaterThan(mid);
    expect(hi / lo).toBeGreaterThan(2.5);
  });

  it('tilts a distribution to an exact expected onset count', () => {
    const probs = new Float64Array(512).fill(1 / 512);
    const out = tiltToOnsets(probs, 1.5, new Float64Array(512));
    let e = 0;
    let sum = 0;
    out.forEach((p, x) => {
      sum += p;
      let n = 0;
      for (let b = x; b; b >>= 1) n += b & 1;
      e += p * n;
    });
    expect(sum).toBeCloseTo(1, 9);
    expect(e).toBeCloseTo(1.5, 6);
  });

  it('interpolated probabilities sum to one', () => {
    const wb = new WittenBell({ levels: [{ a: { 1: 3, 2: 1 } }, { b: { 1: 1, 3: 5 } }], vocabulary: 4 });
    const d = wb.distribution(['a', 'b'], new Float64Array(4));
    expect(d.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
    expect(wb.probability(1, ['a', 'b'])).toBeCloseTo(d[1], 12);
    expect(d[1]).toBeGreaterThan(d[0]);
  });

  it('beats a uniform guess on held-out validation grooves', () => {
    requireDatasets();
    const val = tracksOf(loadDrumCorpus(), 'validation').slice(0, 20);
    let nll = 0;
    let steps = 0;
    for (const t of val) {
      const r = model.logLikelihood(trackGrid(t), t.genre, t.beatType === 'fill' ? 1 : 0);
      nll += r.nll;
      steps += r.steps;
    }
    expect(nll / steps).toBeLessThan(Math.log(512) / 2);
  });
});
