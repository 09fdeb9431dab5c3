import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeTf } from '../../../bridge/engine/node-tf';
import { readDrumNetArtifacts } from '../../../bridge/models/load';
import { GrooveRnn } from '../../../src/models/drums/groove-rnn';
import { fillInputRow } from '../../../src/models/drums/inputs';
import { samplingNoise } from '../../../src/models/drums/rollout';
import { DRUM_INPUT } from '../../../src/models/drums/spec';
import { parseDrumRequest } from '../../../src/models/request';
import { emptyGrid } from '../../../src/tokens/drum-grid';
import { checkAgainstReference, weightsVariant } from './drums-reference';

const C = 9;

describe('drum lookback inputs (one and two bars back)', () => {
  it('shows the hits, velocities and offsets of the same step one and two bars earlier, and whether those bars exist', () => {
    const g = emptyGrid(48);
    g.velocity[3 * C + 0] = 100; // kick at step 3 of bar 0
    g.offset[3 * C + 0] = -0.1;
    g.velocity[19 * C + 1] = 64; // snare at step 3 of bar 1
    const req = parseDrumRequest({ genre: 'rock', bars: 3 });
    const x = new Float32Array(DRUM_INPUT.size);
    const lb1 = DRUM_INPUT.lookback;
    const lb2 = DRUM_INPUT.lookback + 3 * C;

    fillInputRow(x, 0, g, 3, req);
    expect(x.subarray(lb1, DRUM_INPUT.lookbackFlags).every((v) => v === 0)).toBe(true);
    expect([x[DRUM_INPUT.lookbackFlags], x[DRUM_INPUT.lookbackFlags + 1]]).toEqual([0, 0]);

    fillInputRow(x, 0, g, 19, req);
    expect([x[lb1], x[lb1 + C], x[lb1 + 2 * C]]).toEqual([1, Math.fround(100 / 127), Math.fround(-0.2)]);
    expect(x[lb1 + 1]).toBe(0);
    expect(x.subarray(lb2, lb2 + 3 * C).every((v) => v === 0)).toBe(true);
    expect([x[DRUM_INPUT.lookbackFlags], x[DRUM_INPUT.lookbackFlags + 1]]).toEqual([1, 0]);

    fillInputRow(x, 0, g, 35, req);
    expect([x[lb1 + 1], x[lb1 + C + 1], x[lb1]]).toEqual([1, Math.fround(64 / 127), 0]); // bar 1's snare
    expect([x[lb2], x[lb2 + C]]).toEqual([1, Math.fround(100 / 127)]); // bar 0's kick
    expect([x[DRUM_INPUT.lookbackFlags], x[DRUM_INPUT.lookbackFlags + 1]]).toEqual([1, 1]);
  });
});

describe('groove-level velocity noise', () => {
  const req = parseDrumRequest({ genre: 'rock', bars: 8, seed: 9, count: 2 });
  const steps = 128;
  const kickNoise = (n: Float32Array, b: number) => Array.from({ length: steps }, (_, t) => n[(t * 2 + b) * 18]);
  const corr = (a: number[], b: number[]) => {
    const m = (xs: number[]) => xs.reduce((p, q) => p + q, 0) / xs.length;
    const ma = m(a);
    const mb = m(b);
    const cov = m(a.map((v, i) => (v - ma) * (b[i] - mb)));
    return cov / Math.sqrt(m(a.map((v) => (v - ma) ** 2)) * m(b.map((v) => (v - mb) ** 2)));
  };

  it('draws exactly the old noise when nothing is shared', () => {
    const plain = samplingNoise(req, steps);
    const shared0 = samplingNoise(req, steps, { pattern: 1, velocity: 1, offset: 1, velocityShared: 0, offsetShared: 0 });
    expect(Array.from(shared0.normals)).toEqual(Array.from(plain.normals));
    expect(Array.from(shared0.uniforms)).toEqual(Array.from(plain.uniforms));
  });

  it("gives every hit of a class in one groove a common part, keeping each hit's spread", () => {
    const shared = samplingNoise(req, steps, { pattern: 1, velocity: 1, offset: 1, velocityShared: 0.8 });
    const plain = samplingNoise(req, steps);
    // Within a groove the shared part is constant: the noise minus its own part moves together.
    const a = kickNoise(shared.normals, 0);
    const own = kickNoise(plain.normals, 0);
    const common = a.map((v, t) => v - Math.sqrt(0.2) * own[t]);
    expect(Math.max(...common) - Math.min(...common)).toBeLessThan(1e-5);
    expect(Math.abs(common[0])).toBeGreaterThan(0);
    // Offsets are untouched; the pattern uniforms too.
    expect(Array.from(shared.uniforms)).toEqual(Array.from(plain.uniforms));
    for (let t = 0; t < steps; t++) expect(shared.normals[t * 2 * 18 + 9]).toBe(plain.normals[t * 2 * 18 + 9]);
    // Two grooves draw different common parts; the pooled spread stays about 1.
    expect(corr(a, kickNoise(shared.normals, 1))).toBeLessThan(0.5);
  });
});

describe('groove-level velocity noise in generation', () => {
  const art = readDrumNetArtifacts();
  if (!art) throw new Error('models/drums/model.json is missing: the trained drum network must be committed');
  beforeAll(async () => {
    await initNodeTf('wasm');
  });

  it("makes grooves differ in loudness and keeps each groove's kick steadier than per-hit noise does", () => {
    const stats = (velocityShared: number) => {
      const model = GrooveRnn.load({
        ...art,
        // The Gaussian velocity head (velocityShared is its setting): the committed weights still hold it.
        modelJson: {
          ...art.modelJson,
          spec: { ...art.modelJson.spec, velocityHead: undefined, sampling: { pattern: 1, velocity: 1, offset: 1, velocityShared } },
        },
      });
      try {
        const grids = model.generateSync(parseDrumRequest({ genre: 'rock', density: 0.5, bars: 4, seed: 5, count: 16 }));
        const m = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
        const sd = (xs: number[]) => Math.sqrt(m(xs.map((x) => (x - m(xs)) ** 2)));
        const kicks = grids.map((g) => Array.from(g.velocity).filter((v, i) => v > 0 && i % C === 0));
        return { between: sd(grids.map((g) => m(Array.from(g.velocity).filter((v) => v > 0)))), within: m(kicks.map(sd)) };
      } finally {
        model.dispose();
      }
    };
    const own = stats(0);
    const shared = stats(0.5);
    expect(shared.between).toBeGreaterThan(1.3 * own.between);
    expect(shared.within).toBeLessThan(0.9 * own.within);
  });
});

describe('drum models with and without the lookback', () => {
  const art = readDrumNetArtifacts();
  if (!art) throw new Error('models/drums/model.json is missing: the trained drum network must be committed');
  beforeAll(async () => {
    await initNodeTf('wasm');
  });

  it('loads a 64-input network (from before the lookback) and plays exactly as the same weights with a silent lookback', () => {
    const legacy = GrooveRnn.load(weightsVariant(art, DRUM_INPUT.lookback));
    const silent = GrooveRnn.load(weightsVariant(art, DRUM_INPUT.size));
    try {
      const req = parseDrumRequest({ genre: 'jazz', density: 0.6, bars: 4, seed: 3, count: 2 });
      const a = legacy.generateSync(req);
      const b = silent.generateSync(req);
      a.forEach((g, i) => {
        expect(Array.from(g.velocity)).toEqual(Array.from(b[i].velocity));
        expect(Array.from(g.offset)).toEqual(Array.from(b[i].offset));
      });
      expect(a[0].velocity.some((v) => v > 0)).toBe(true);
    } finally {
      legacy.dispose();
      silent.dispose();
    }
  });

  it('feeds the bars one and two back on the backend as the reference network reads them (with and without a primer)', () => {
    const withLookback = GrooveRnn.load(weightsVariant(art, DRUM_INPUT.size, 'random'));
    const silent = GrooveRnn.load(weightsVariant(art, DRUM_INPUT.size));
    try {
      const req = parseDrumRequest({ genre: 'rock', density: 0.5, bars: 4, seed: 12, count: 2 });
      checkAgainstReference(withLookback, req);
      const primer = withLookback.generateSync(parseDrumRequest({ genre: 'rock', bars: 2, seed: 13 }))[0];
      checkAgainstReference(withLookback, parseDrumRequest({ genre: 'rock', density: 0.5, bars: 5, seed: 14, count: 2, primer }));
      // The lookback weights change what is played from the second bar on, not before.
      const a = withLookback.generateSync(req)[0];
      const b = silent.generateSync(req)[0];
      expect(Array.from(a.velocity.subarray(0, 16 * C))).toEqual(Array.from(b.velocity.subarray(0, 16 * C)));
      expect(Array.from(a.velocity.subarray(16 * C))).not.toEqual(Array.from(b.velocity.subarray(16 * C)));
    } finally {
      withLookback.dispose();
      silent.dispose();
    }
  });
});
