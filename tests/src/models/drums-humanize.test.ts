import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeTf } from '../../../bridge/engine/node-tf';
import { readDrumNetArtifacts } from '../../../bridge/models/load';
import { GrooveRnn } from '../../../src/models/drums/groove-rnn';
import { blendHumanized, hitCount, parseHumanizeOptions } from '../../../src/models/drums/humanize';
import { emptyGrid, type DrumGrid } from '../../../src/tokens/drum-grid';
import { InvalidValueError } from '../../../src/errors';

const art = readDrumNetArtifacts();
if (!art) throw new Error('models/drums/model.json is missing: the trained drum network must be committed');

/** A quantized rock beat at one velocity: kick 1 and 3, snare 2 and 4, closed hat on 8ths. */
function rockBeat(bars: number, velocity = 100): DrumGrid {
  const g = emptyGrid(bars * 16);
  for (let s = 0; s < g.steps; s++) {
    if (s % 2 === 0) g.velocity[s * 9 + 2] = velocity;
    if (s % 8 === 0) g.velocity[s * 9 + 0] = velocity;
    if (s % 8 === 4) g.velocity[s * 9 + 1] = velocity;
  }
  return g;
}

const std = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
};
const hitsOf = (g: DrumGrid) => Array.from(g.velocity, (v, i) => (v ? i : -1)).filter((i) => i >= 0);

describe('humanize', () => {
  let model: GrooveRnn;
  beforeAll(async () => {
    await initNodeTf('wasm');
    model = GrooveRnn.load(art);
  });

  it("keeps every hit on its step and gives them a drummer's velocities and timing", () => {
    const clip = rockBeat(4);
    const out = model.humanize(clip, parseHumanizeOptions({ genre: 'rock', seed: 3 }));
    expect(out.steps).toBe(clip.steps);
    expect(hitsOf(out)).toEqual(hitsOf(clip));
    const idx = hitsOf(out);
    const vel = idx.map((i) => out.velocity[i]);
    const off = idx.map((i) => out.offset[i]);
    expect(std(vel)).toBeGreaterThan(8);
    expect(std(off)).toBeGreaterThan(0.02);
    expect(Math.max(...off.map(Math.abs))).toBeLessThanOrEqual(0.5);
    // Backbeat louder than the hats, as drummers play it.
    const mean = (c: number) => idx.filter((i) => i % 9 === c).reduce((a, i) => a + out.velocity[i], 0) / idx.filter((i) => i % 9 === c).length;
    expect(mean(1)).toBeGreaterThan(mean(2));
  });

  it('is the same for the same seed, different for another, and keeps a clip that is not whole bars', () => {
    const clip = rockBeat(2);
    const a = model.humanize(clip, parseHumanizeOptions({ seed: 9 }));
    expect(Array.from(model.humanize(clip, parseHumanizeOptions({ seed: 9 })).velocity)).toEqual(Array.from(a.velocity));
    expect(Array.from(model.humanize(clip, parseHumanizeOptions({ seed: 10 })).velocity)).not.toEqual(Array.from(a.velocity));
    const short: DrumGrid = { steps: 20, velocity: clip.velocity.slice(0, 20 * 9), offset: clip.offset.slice(0, 20 * 9) };
    const s = model.humanize(short, parseHumanizeOptions({ seed: 1 }));
    expect(s.steps).toBe(20);
    expect(hitCount(s)).toBe(hitCount(short));
  });

  it('blends with the input by amount: 0 leaves it as it was', () => {
    const clip = rockBeat(2, 90);
    const zero = model.humanize(clip, parseHumanizeOptions({ amount: 0, seed: 2 }));
    expect(Array.from(zero.velocity)).toEqual(Array.from(clip.velocity));
    expect(Array.from(zero.offset)).toEqual(Array.from(clip.offset));
    const full = model.humanize(clip, parseHumanizeOptions({ amount: 1, seed: 2 }));
    const half = blendHumanized(clip, full, 0.5);
    for (const i of hitsOf(clip)) expect(Math.abs(half.velocity[i] - (90 + full.velocity[i]) / 2)).toBeLessThanOrEqual(0.5);
  });

  it('names the option and what is allowed when an option is wrong', () => {
    expect(() => parseHumanizeOptions({ amount: '1.5' })).toThrow(InvalidValueError);
    expect(() => parseHumanizeOptions({ amount: 'lots' })).toThrow(/amount/);
    expect(() => parseHumanizeOptions({ genre: 'polka' })).toThrow(/genre/);
    expect(() => parseHumanizeOptions({ seed: -1 })).toThrow(/seed/);
    expect(() => model.humanize(emptyGrid(16), parseHumanizeOptions({}))).toThrow(/at least one hit/);
  });
});
