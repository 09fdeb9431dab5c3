import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeTf } from '../../../bridge/engine/node-tf';
import { readDrumNetArtifacts } from '../../../bridge/models/load';
import { GrooveRnn } from '../../../src/models/drums/groove-rnn';
import type { SamplingScales } from '../../../src/models/drums/rollout';
import { samplingNoise } from '../../../src/models/drums/sampling';
import { binVelocity, velocityBin } from '../../../src/models/drums/velocity-bins';
import type { DrumModelJson } from '../../../src/models/drums/weights';
import { parseDrumRequest } from '../../../src/models/request';
import type { DrumGrid } from '../../../src/tokens/drum-grid';
import { TandemError } from '../../../src/errors';
import { gaussian, makeRng } from '../../../src/random';

const C = 9;
const SNARE = 1;

const loaded = readDrumNetArtifacts();
if (!loaded) throw new Error('models/drums/model.json is missing: the trained drum network must be committed');
const art = loaded;
const withSpec = (spec: Partial<DrumModelJson['spec']>) => ({ ...art, modelJson: { ...art.modelJson, spec: { ...art.modelJson.spec, ...spec } } });

function play(model: GrooveRnn, genre: 'funk' | 'rock', seed = 3): DrumGrid[] {
  return model.generateSync(parseDrumRequest({ genre, density: 0.6, bars: 8, seed, count: 16 }));
}
const classVelocities = (g: DrumGrid, c: number) => Array.from(g.velocity).filter((v, i) => v > 0 && i % C === c);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

describe('velocity bins', () => {
  it('maps velocities to bins and back inside the bin, over 1..127', () => {
    for (const bins of [16, 32]) {
      for (let v = 1; v <= 127; v++) {
        const b = velocityBin(v, bins);
        expect(b).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThan(bins);
        expect(binVelocity(b, 0, bins)).toBeLessThanOrEqual(v);
        expect(binVelocity(b, 0.999999, bins)).toBeGreaterThanOrEqual(v);
      }
      expect(binVelocity(0, 0, bins)).toBe(1);
      expect(binVelocity(bins - 1, 0.999999, bins)).toBe(127);
    }
  });

  it("draws the old noise unchanged for a network without the bins, and the bins' own from another generator", () => {
    const req = parseDrumRequest({ genre: 'rock', bars: 2, seed: 9, count: 2 });
    const old = samplingNoise(req, 32);
    const withBins = samplingNoise(req, 32, undefined, 16);
    expect(old.velocity).toBeUndefined();
    expect(withBins.uniforms).toEqual(old.uniforms);
    expect(withBins.normals).toEqual(old.normals);
    expect(withBins.velocity!.uniforms.length).toBe(32 * 2 * C * 16);
    expect(withBins.velocity!.base.every((b, i) => (i % 18 < 9 ? b >= 1 && b < 1 + 127 / 16 : b === 0))).toBe(true);
  });
});

describe('drum network with the velocity-bin head (issue 13)', () => {
  beforeAll(async () => {
    await initNodeTf('wasm');
  });

  it('is the committed model, and plays ghost notes and accents on the same snare more often than the Gaussian head', () => {
    expect(art.modelJson.spec.velocityHead?.kind).toBe('bins');
    // Share of grooves whose snare has both a ghost note (<= 45) and an accent (>= 95).
    const both = (grids: DrumGrid[]) =>
      mean(grids.map((g) => classVelocities(g, SNARE)).map((v) => (v.some((x) => x <= 45) && v.some((x) => x >= 95) ? 1 : 0)));
    const neutral: SamplingScales = { pattern: 1, velocity: 1, offset: 1 };
    const bins = GrooveRnn.load(withSpec({ sampling: neutral }));
    // The same weights with the Gaussian velocity head: the file still holds it (the bins were trained on top of it).
    const gaussian = GrooveRnn.load(withSpec({ velocityHead: undefined, sampling: neutral }));
    try {
      const b = both(play(bins, 'funk'));
      const g = both(play(gaussian, 'funk'));
      expect(b).toBeGreaterThan(0.5);
      expect(b).toBeGreaterThan(g);
    } finally {
      bins.dispose();
      gaussian.dispose();
    }
  });

  it("with velocityGroove, shifts each groove's velocities by its own drawn amount, kept in 1..127", () => {
    const stats = (sampling: SamplingScales) => {
      const model = GrooveRnn.load(withSpec({ sampling }));
      try {
        const grids = play(model, 'rock', 5);
        const all = grids.flatMap((g) => Array.from(g.velocity).filter((v) => v > 0));
        return {
          min: Math.min(...all),
          max: Math.max(...all),
          means: grids.map((g) => mean(Array.from(g.velocity).filter((v) => v > 0))),
        };
      } finally {
        model.dispose();
      }
    };
    const plain = stats({ pattern: 1, velocity: 1, offset: 1 });
    const groove = stats({ pattern: 1, velocity: 1, offset: 1, velocityGroove: 20 });
    // The shift each groove drew (sampling.ts: its own generator), against how much louder the groove came out.
    const shifts = plain.means.map((_, b) => 20 * gaussian(makeRng(`5:${b}:velocity-groove`)));
    const louder = groove.means.map((m, b) => m - plain.means[b]);
    const r = mean(shifts.map((x, b) => (x - mean(shifts)) * (louder[b] - mean(louder)))) / (sd(shifts) * sd(louder));
    expect(r).toBeGreaterThan(0.5);
    expect(groove.min).toBeGreaterThanOrEqual(1);
    expect(groove.max).toBeLessThanOrEqual(127);
  });

  it('refuses a velocity head or a velocityGroove it cannot use, naming it', () => {
    expect(() => GrooveRnn.load(withSpec({ velocityHead: { kind: 'bins', bins: 200, hidden: 64 } }))).toThrow(TandemError);
    expect(() => GrooveRnn.load(withSpec({ velocityHead: { kind: 'bins', bins: 200, hidden: 64 } }))).toThrow(/velocityHead is .*"bins":200/);
    expect(() => GrooveRnn.load(withSpec({ velocityHead: { kind: 'bins', bins: 32, hidden: 64 } }))).toThrow(/velbins\/w is 64x144; expected 64x288/);
    const sampling = { pattern: 1, velocity: 1, offset: 1, velocityGroove: -3 };
    expect(() => GrooveRnn.load(withSpec({ sampling }))).toThrow(/sampling\.velocityGroove is -3/);
  });
});
