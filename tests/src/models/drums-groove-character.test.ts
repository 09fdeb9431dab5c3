import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeTf } from '../../../bridge/engine/node-tf';
import { readDrumNetArtifacts } from '../../../bridge/models/load';
import { GrooveRnn } from '../../../src/models/drums/groove-rnn';
import type { SamplingScales } from '../../../src/models/drums/rollout';
import { samplingNoise } from '../../../src/models/drums/sampling';
import { parseDrumRequest } from '../../../src/models/request';
import type { DrumGrid } from '../../../src/tokens/drum-grid';
import { TandemError } from '../../../src/errors';
import { gaussian, makeRng } from '../../../src/random';

const C = 9;
const KICK = 0;
const CLOSED_HAT = 2;

const loaded = readDrumNetArtifacts();
if (!loaded) throw new Error('models/drums/model.json is missing: the trained drum network must be committed');
const art = loaded;
const base: SamplingScales = { pattern: 1, velocity: 1, offset: 1 };
const withSampling = (extra: Partial<SamplingScales>) => ({
  ...art,
  modelJson: { ...art.modelJson, spec: { ...art.modelJson.spec, sampling: { ...base, ...extra } } },
});

/** Grooves of the committed weights with these sampling settings. */
function play(extra: Partial<SamplingScales>, seed = 11, count = 8): DrumGrid[] {
  const model = GrooveRnn.load(withSampling(extra));
  try {
    return model.generateSync(parseDrumRequest({ genre: 'rock', density: 0.5, bars: 8, seed, count }));
  } finally {
    model.dispose();
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const velocities = (g: DrumGrid, c: number) => Array.from(g.velocity).filter((v, i) => v > 0 && i % C === c);
const offsets = (g: DrumGrid) => Array.from(g.offset).filter((_, i) => g.velocity[i] > 0);

describe("drum sampling: each class's velocities and each groove's timing (issue 13)", () => {
  beforeAll(async () => {
    await initNodeTf('wasm');
  });

  it('draws the same noise as before when the new settings are absent or neutral', () => {
    const req = parseDrumRequest({ genre: 'rock', bars: 2, seed: 4, count: 3 });
    const before = samplingNoise(req, 32, base, 16);
    const neutral = samplingNoise(req, 32, { ...base, offsetLoose: 0, velocityLoose: 0, velocityClassShift: new Array(C).fill(0) }, 16);
    expect(neutral.normals).toEqual(before.normals);
    expect(neutral.velocity!.base).toEqual(before.velocity!.base);
    expect(neutral.velocity!.uniforms).toEqual(before.velocity!.uniforms);
    expect(neutral.velocity!.loose).toBeUndefined();
    const plain = play({});
    const same = play({
      offsetLoose: 0,
      velocityLoose: 0,
      loudnessWander: 1,
      velocityClassTemperature: new Array(C).fill(1),
      velocityClassShift: new Array(C).fill(0),
    });
    plain.forEach((g, i) => {
      expect(Array.from(same[i].velocity)).toEqual(Array.from(g.velocity));
      expect(Array.from(same[i].offset)).toEqual(Array.from(g.offset));
    });
  });

  it("narrows one class's velocities with its bin temperature and leaves the others' spread", () => {
    const spread = (grids: DrumGrid[], c: number) => mean(grids.map((g) => sd(velocities(g, c))));
    const plain = play({});
    const t = new Array(C).fill(1);
    t[KICK] = 0.3;
    const narrow = play({ velocityClassTemperature: t });
    expect(spread(narrow, KICK)).toBeLessThan(0.8 * spread(plain, KICK));
    // The snare keeps its temperature (its hits differ only where the kick's velocity fed back).
    expect(spread(narrow, 1)).toBeGreaterThan(0.8 * spread(plain, 1));
  });

  it("moves one class's velocities by its shift, kept in 1..127", () => {
    const shift = new Array(C).fill(0);
    shift[CLOSED_HAT] = -30;
    shift[KICK] = 60;
    const plain = play({});
    const moved = play({ velocityClassShift: shift });
    const classMean = (grids: DrumGrid[], c: number) => mean(grids.flatMap((g) => velocities(g, c)));
    expect(classMean(moved, CLOSED_HAT)).toBeLessThan(classMean(plain, CLOSED_HAT) - 15);
    expect(classMean(moved, KICK)).toBeGreaterThan(classMean(plain, KICK) + 15);
    const all = moved.flatMap((g) => Array.from(g.velocity).filter((v) => v > 0));
    expect(Math.min(...all)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...all)).toBeLessThanOrEqual(127);
    expect(all.some((v) => v === 127)).toBe(true);
  });

  it("with offsetLoose, makes each groove's timing as tight or loose as the factor it drew", () => {
    const seed = 21;
    const count = 12;
    const plain = play({}, seed, count).map((g) => sd(offsets(g)));
    const loose = play({ offsetLoose: 0.8 }, seed, count).map((g) => sd(offsets(g)));
    // The factor each groove drew (sampling.ts: its own generator), against how its timing spread changed.
    const factor = plain.map((_, b) => 0.8 * gaussian(makeRng(`${seed}:${b}:timing-groove`)));
    const change = loose.map((s, b) => Math.log(s / plain[b]));
    const r = mean(factor.map((x, b) => (x - mean(factor)) * (change[b] - mean(change)))) / (sd(factor) * sd(change));
    expect(r).toBeGreaterThan(0.7);
    // Grooves differ more in how tight they are.
    expect(sd(loose.map(Math.log))).toBeGreaterThan(1.5 * sd(plain.map(Math.log)));
  });

  it("with velocityLoose, widens or narrows each groove's velocities with the factor it drew", () => {
    const seed = 23;
    const count = 24;
    // Each groove's mean spread of its classes' velocities.
    const spread = (grids: DrumGrid[]) => grids.map((g) => mean([0, 1, 2].map((c) => sd(velocities(g, c)))));
    const plain = spread(play({}, seed, count));
    const loose = spread(play({ velocityLoose: 0.8 }, seed, count));
    // Without velocityGroove the factor is the first draw of the groove's generator.
    const factor = plain.map((_, b) => gaussian(makeRng(`${seed}:${b}:velocity-groove`)));
    const change = loose.map((s, b) => Math.log(s / plain[b]));
    const r = mean(factor.map((x, b) => (x - mean(factor)) * (change[b] - mean(change)))) / (sd(factor) * sd(change));
    expect(r).toBeGreaterThan(0.3);
    // Exactly: each groove's factor on its Gumbel noise is exp(0.8 z - 0.32), and its uniforms stay as they were.
    const req = parseDrumRequest({ genre: 'rock', bars: 1, seed, count: 3 });
    const before = samplingNoise(req, 16, base, 16).velocity!;
    const after = samplingNoise(req, 16, { ...base, velocityLoose: 0.8 }, 16).velocity!;
    expect(before.loose).toBeUndefined();
    expect(after.uniforms).toEqual(before.uniforms);
    for (let b = 0; b < 3; b++) expect(after.loose![b]).toBeCloseTo(Math.exp(0.8 * factor[b] - 0.32), 9);
  });

  it('with velocityClassGroove, shifts each class of a groove by its own amount, the same on every step', () => {
    const req = parseDrumRequest({ genre: 'rock', bars: 2, seed: 8, count: 40 });
    const before = samplingNoise(req, 32, base, 16).velocity!.base;
    const after = samplingNoise(req, 32, { ...base, velocityClassGroove: 10 }, 16).velocity!.base;
    const shift = (t: number, b: number, c: number) => after[(t * 40 + b) * 18 + c] - before[(t * 40 + b) * 18 + c];
    const drawn: number[] = [];
    for (let b = 0; b < 40; b++) {
      for (let c = 0; c < C; c++) {
        for (let t = 1; t < 32; t++) expect(shift(t, b, c)).toBeCloseTo(shift(0, b, c), 3);
        expect(after[b * 18 + C + c]).toBe(0);
        drawn.push(shift(0, b, c));
      }
    }
    // 360 draws of standard deviation 10.
    expect(sd(drawn)).toBeGreaterThan(8.5);
    expect(sd(drawn)).toBeLessThan(11.5);
    const loud = new Array(C).fill(0);
    const grids = play({ velocityClassGroove: 40 }, 3, 8);
    for (const g of grids) for (let c = 0; c < C; c++) loud[c] = Math.max(loud[c], ...velocities(g, c), 0);
    expect(Math.max(...loud)).toBeLessThanOrEqual(127);
    expect(Math.min(...grids.flatMap((g) => Array.from(g.velocity).filter((v) => v > 0)))).toBeGreaterThanOrEqual(1);
  });

  it("scales the contour's bar-to-bar loudness wander with loudnessWander", () => {
    const req = parseDrumRequest({ genre: 'funk', density: 0.5, bars: 16, seed: 5, count: 6 });
    const wander = (factor: number) => {
      const model = GrooveRnn.load(withSampling({ loudnessWander: factor }));
      try {
        return mean(model.barConditioning(req)!.map((bars) => sd([...bars.loudness])));
      } finally {
        model.dispose();
      }
    };
    expect(wander(0)).toBeLessThan(1e-9);
    expect(wander(0.5)).toBeGreaterThan(0.3 * wander(1));
    expect(wander(0.5)).toBeLessThan(0.7 * wander(1));
  });

  it('refuses settings it cannot use, naming them', () => {
    const cases: Array<[Partial<SamplingScales>, RegExp]> = [
      [{ offsetLoose: -1 }, /sampling\.offsetLoose is -1/],
      [{ velocityLoose: 3 }, /sampling\.velocityLoose is 3/],
      [{ velocityClassGroove: 100 }, /sampling\.velocityClassGroove is 100/],
      [{ loudnessWander: -0.5 }, /sampling\.loudnessWander is -0.5; allowed: a number in \[0, 4\]/],
      [{ velocityClassTemperature: [1, 1] }, /sampling\.velocityClassTemperature is \[1,1\]; allowed: 9 numbers/],
      [{ velocityClassTemperature: new Array(C).fill(0) }, /sampling\.velocityClassTemperature/],
      [{ velocityClassShift: new Array(C).fill(100) }, /sampling\.velocityClassShift is .*allowed: 9 numbers of velocity units/],
    ];
    for (const [sampling, message] of cases) {
      expect(() => GrooveRnn.load(withSampling(sampling))).toThrow(TandemError);
      expect(() => GrooveRnn.load(withSampling(sampling))).toThrow(message);
    }
  });
});
