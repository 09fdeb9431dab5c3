import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeTf } from '../../../bridge/engine/node-tf';
import { readDrumNetArtifacts } from '../../../bridge/models/load';
import { GrooveRnn } from '../../../src/models/drums/groove-rnn';
import type { SamplingScales } from '../../../src/models/drums/rollout';
import { parseDrumRequest } from '../../../src/models/request';
import { stepPattern, type DrumGrid } from '../../../src/tokens/drum-grid';
import { TandemError } from '../../../src/errors';
import type { DrumGenre } from '../../../src/conditioning/genres';

const C = 9;
const RIDE = 8;
const TOMS = [4, 5, 6];

const loaded = readDrumNetArtifacts();
if (!loaded) throw new Error('models/drums/model.json is missing: the trained drum network must be committed');
const art = loaded;
const base: SamplingScales = { pattern: 1, velocity: 1, offset: 1, velocityShared: 0.5, offsetShared: 0 };
const withSampling = (extra: Partial<SamplingScales>) => ({
  ...art,
  modelJson: { ...art.modelJson, spec: { ...art.modelJson.spec, sampling: { ...base, ...extra } } },
});

/** Grooves of the shipped weights with these sampling settings. */
function play(extra: Partial<SamplingScales>, genre: DrumGenre = 'rock', seed = 7): DrumGrid[] {
  const model = GrooveRnn.load(withSampling(extra));
  try {
    return model.generateSync(parseDrumRequest({ genre, density: 0.5, bars: 8, seed, count: 8 }));
  } finally {
    model.dispose();
  }
}

const hits = (grids: DrumGrid[], keep: (step: number, cls: number) => boolean) =>
  grids.reduce((n, g) => n + Array.from(g.velocity).filter((v, i) => v > 0 && keep(Math.floor(i / C), i % C)).length, 0);
const allHits = (grids: DrumGrid[]) => hits(grids, () => true);

describe('drum sampling biases (issue 13)', () => {
  beforeAll(async () => {
    await initNodeTf('wasm');
  });

  it('plays exactly as without them when every bias is neutral', () => {
    const plain = play({});
    const neutral = play({ repeatBar: 0, classBias: new Array(C).fill(0), restBias: new Array(16).fill(0), offsetShift: 0 });
    plain.forEach((g, i) => {
      expect(Array.from(neutral[i].velocity)).toEqual(Array.from(g.velocity));
      expect(Array.from(neutral[i].offset)).toEqual(Array.from(g.offset));
    });
  });

  it('repeats the bar before when its pattern gets a large bonus', () => {
    const share = (grids: DrumGrid[]) => {
      let same = 0;
      let n = 0;
      for (const g of grids) for (let s = 16; s < g.steps; s++, n++) if (stepPattern(g, s) === stepPattern(g, s - 16)) same++;
      return same / n;
    };
    const free = share(play({}));
    const repeated = share(play({ repeatBar: 60 }));
    expect(free).toBeLessThan(0.9);
    expect(repeated).toBeGreaterThan(0.99);
  });

  it('moves a class up or down with its log-odds', () => {
    const ride = (g: DrumGrid[]) => hits(g, (_, c) => c === RIDE);
    const toms = (g: DrumGrid[]) => hits(g, (_, c) => TOMS.includes(c));
    const plain = play({}, 'jazz');
    const biased = play({ classBias: [0, 0, 0, 0, 1.5, 1.5, 1.5, 0, -60] }, 'jazz');
    expect(ride(plain)).toBeGreaterThan(20);
    expect(ride(biased)).toBe(0);
    expect(toms(biased)).toBeGreaterThan(1.5 * toms(plain) + 5);
  });

  it('puts more hits on the off 16ths with a negative rest bias there', () => {
    const off = (g: DrumGrid[]) => hits(g, (s) => s % 2 === 1) / allHits(g);
    const plain = play({});
    const biased = play({ restBias: Array.from({ length: 16 }, (_, i) => (i % 2 ? -1.5 : 0)) });
    expect(off(biased)).toBeGreaterThan(off(plain) + 0.05);
  });

  it('moves the timing by offsetShift', () => {
    const meanOffset = (grids: DrumGrid[]) => {
      const xs = grids.flatMap((g) => Array.from(g.offset).filter((_, i) => g.velocity[i] > 0));
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(meanOffset(play({ offsetShift: -0.1 }))).toBeLessThan(meanOffset(play({})) - 0.08);
  });

  it('refuses settings the rollout cannot use, naming them', () => {
    expect(() => GrooveRnn.load(withSampling({ classBias: [0, 0, 0] }))).toThrow(TandemError);
    expect(() => GrooveRnn.load(withSampling({ classBias: [0, 0, 0] }))).toThrow(/sampling\.classBias.*9 numbers/);
    expect(() => GrooveRnn.load(withSampling({ restBias: new Array(16).fill(Number.NaN) }))).toThrow(/sampling\.restBias/);
    expect(() => GrooveRnn.load(withSampling({ offsetShift: 2 }))).toThrow(/sampling\.offsetShift is 2/);
  });
});
