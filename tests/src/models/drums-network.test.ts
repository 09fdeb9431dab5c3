import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeTf } from '../../../bridge/engine/node-tf';
import { readDrumNetArtifacts } from '../../../bridge/models/load';
import { REPO_ROOT } from '../../../bridge/data/paths';
import { completeHead, DrumNetwork } from '../../../src/models/drums/network';
import { GrooveRnn } from '../../../src/models/drums/groove-rnn';
import { fillInputRow } from '../../../src/models/drums/inputs';
import { samplingNoise } from '../../../src/models/drums/rollout';
import { DRUM_INPUT } from '../../../src/models/drums/spec';
import * as tf from '@tensorflow/tfjs';
import { parseDrumRequest } from '../../../src/models/request';
import { checkAgainstReference } from './drums-reference';
import { onsetsPerBar, stepPattern } from '../../../src/tokens/drum-grid';
import { InvalidValueError } from '../../../src/errors';

const art = readDrumNetArtifacts();
if (!art) throw new Error('models/drums/model.json is missing: the trained drum network must be committed');

describe('drum network (TF.js) against its PyTorch original', () => {
  beforeAll(async () => {
    await initNodeTf('wasm');
  });

  it("reproduces the trainer's logits and head outputs step by step", () => {
    const fx = JSON.parse(readFileSync(join(REPO_ROOT, 'tests/fixtures/drums-parity.json'), 'utf8')) as {
      initialState?: number[];
      inputs: number[][];
      hits: number[][];
      logits: number[][];
      head: number[][];
      velocityLogits?: number[][];
    };
    const net = DrumNetwork.load(art);
    let h = net.initialState(
      Float32Array.from({ length: DRUM_INPUT.size }, (_, j) => fx.inputs[0][j] ?? 0),
      1,
    );
    const h0 = h.dataSync();
    const maxInit = (fx.initialState ?? new Array<number>(net.hidden).fill(0)).reduce((m, v, j) => Math.max(m, Math.abs(h0[j] - v)), 0);
    expect(maxInit).toBeLessThan(1e-4);
    let maxLogit = 0;
    let maxHead = 0;
    const head = new Float32Array(36);
    // A fixture from before the loudness input has 63 inputs a step: the 64th is zero.
    const input = (row: number[]) => {
      const x = new Float32Array(DRUM_INPUT.size);
      x.set(row);
      return x;
    };
    let maxVelocity = 0;
    expect(fx.velocityLogits === undefined, 'a fixture with velocity-bin logits goes with a model with that head').toBe(net.velocityBins === undefined);
    fx.inputs.forEach((row, t) => {
      const r = net.step(input(row), 1, h);
      h.dispose();
      h = r.h;
      if (net.velocityBins && fx.velocityLogits) {
        const x = input(row);
        const lb = DRUM_INPUT.lookback;
        const vl = net.velocityBins.logits(r.h.dataSync(), fx.hits[t], x[DRUM_INPUT.loudness], {
          hits: x.subarray(lb, lb + 9),
          velocity: Array.from(x.subarray(lb + 9, lb + 18), (v) => v * 127),
        });
        fx.velocityLogits[t].forEach((v, j) => (maxVelocity = Math.max(maxVelocity, Math.abs(vl[j] - v))));
      }
      fx.logits[t].forEach((v, j) => (maxLogit = Math.max(maxLogit, Math.abs(r.out[j] - v))));
      const pattern = fx.hits[t].reduce((a, v, c) => a | (v ? 1 << c : 0), 0);
      completeHead(r.out, 0, pattern, net.headBits, head);
      fx.head[t].forEach((v, j) => (maxHead = Math.max(maxHead, Math.abs(head[j] - v))));
    });
    h.dispose();
    net.dispose();
    expect(fx.inputs.length).toBeGreaterThanOrEqual(16);
    expect(maxLogit).toBeLessThan(1e-3);
    expect(maxHead).toBeLessThan(1e-3);
    expect(maxVelocity).toBeLessThan(1e-3);
  });
});

describe('drum network generation', () => {
  let model: GrooveRnn;
  beforeAll(async () => {
    await initNodeTf('wasm');
    model = GrooveRnn.load(art);
  });

  it('gives the same notes for the same request and seed', () => {
    const req = parseDrumRequest({ genre: 'funk', density: 0.7, bars: 4, seed: 11, count: 3 });
    const a = model.generateSync(req);
    const b = model.generateSync(req);
    a.forEach((g, i) => expect(Array.from(g.velocity)).toEqual(Array.from(b[i].velocity)));
    expect(Array.from(a[0].velocity)).not.toEqual(Array.from(a[1].velocity));
    const other = model.generateSync({ ...req, seed: 12 });
    expect(Array.from(other[0].velocity)).not.toEqual(Array.from(a[0].velocity));
  });

  it('gives the same notes with the asynchronous read-back (the WebGPU path)', async () => {
    const req = parseDrumRequest({ genre: 'jazz', density: 0.4, bars: 2, seed: 8, count: 2, fillEvery: 2 });
    const a = await model.generate(req);
    const b = model.generateSync(req);
    a.forEach((g, i) => {
      expect(Array.from(g.velocity)).toEqual(Array.from(b[i].velocity));
      expect(Array.from(g.offset)).toEqual(Array.from(b[i].offset));
    });
  });

  it('makes variation i the same whether generated alone or in a batch', () => {
    const req = parseDrumRequest({ genre: 'rock', density: 0.5, bars: 2, seed: 5, count: 4 });
    const batch = model.generateSync(req);
    const alone = model.generateSync({ ...req, count: 1 });
    expect(Array.from(alone[0].velocity)).toEqual(Array.from(batch[0].velocity));
  });

  it('follows the density control', () => {
    const mean = (density: number) => {
      const grids = model.generateSync(parseDrumRequest({ genre: 'rock', density, bars: 4, seed: 1, count: 8 }));
      const per = grids.flatMap((g) => onsetsPerBar(g));
      return per.reduce((x, y) => x + y, 0) / per.length;
    };
    const lo = mean(0.1);
    const hi = mean(0.9);
    expect(hi).toBeGreaterThan(1.8 * lo);
  });

  it('keeps primer bars as they are and continues after them', () => {
    const primer = model.generateSync(parseDrumRequest({ genre: 'hiphop', bars: 2, seed: 3 }))[0];
    const [cont] = model.generateSync(parseDrumRequest({ genre: 'hiphop', bars: 4, seed: 4, primer }));
    expect(Array.from(cont.velocity.subarray(0, 32 * 9))).toEqual(Array.from(primer.velocity));
    expect(Array.from(cont.offset.subarray(0, 32 * 9))).toEqual(Array.from(primer.offset));
    expect(
      onsetsPerBar(cont)
        .slice(2)
        .every((n) => n > 0),
    ).toBe(true);
    expect(() => model.generateSync(parseDrumRequest({ bars: 2, primer }))).toThrow(InvalidValueError);
  });

  it('changes only the fill bars when fills are asked for', () => {
    const req = parseDrumRequest({ genre: 'rock', density: 0.5, bars: 4, seed: 21 });
    const [plain] = model.generateSync(req);
    const [filled] = model.generateSync({ ...req, fillEvery: 4 });
    const bar = (g: typeof plain, b: number) => Array.from(g.velocity.subarray(b * 16 * 9, (b + 1) * 16 * 9));
    for (const b of [0, 1, 2]) expect(bar(filled, b)).toEqual(bar(plain, b));
    expect(bar(filled, 3)).not.toEqual(bar(plain, 3));
  });

  it('keeps velocities and offsets in range, with human variation', () => {
    const grids = model.generateSync(parseDrumRequest({ genre: 'funk', density: 0.8, bars: 8, seed: 2, count: 4 }));
    const vel: number[] = [];
    const off: number[] = [];
    for (const g of grids) {
      g.velocity.forEach((v, i) => {
        if (!v) return;
        vel.push(v);
        off.push(g.offset[i]);
      });
    }
    expect(Math.min(...vel)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...vel)).toBeLessThanOrEqual(127);
    expect(new Set(vel).size).toBeGreaterThan(20);
    expect(Math.max(...off.map(Math.abs))).toBeLessThanOrEqual(0.5);
    expect(off.some((o) => o !== 0)).toBe(true);
  });

  it('samples on the backend what the reference network and the seeded noise say, step by step', () => {
    checkAgainstReference(model, parseDrumRequest({ genre: 'latin', density: 0.6, bars: 4, seed: 77, count: 3, temperature: 0.9, fillEvery: 2 }));
  });

  it('continues a primer as the reference network says, the lookback reading the primer bars', () => {
    const primer = model.generateSync(parseDrumRequest({ genre: 'funk', density: 0.5, bars: 2, seed: 31 }))[0];
    checkAgainstReference(model, parseDrumRequest({ genre: 'funk', density: 0.5, bars: 5, seed: 32, count: 2, primer }));
  });

  it('gives the same notes on the cpu backend as on wasm, over many seeds (float noise apart)', async () => {
    const onCpu = await (async () => {
      await tf.setBackend('cpu');
      const cpuModel = GrooveRnn.load(art);
      try {
        return [0, 1, 2, 3].map((seed) =>
          cpuModel.generateSync(
            parseDrumRequest({
              genre: ['rock', 'jazz', 'funk', undefined][seed],
              density: seed / 4,
              bars: 8,
              seed,
              count: 8,
              temperature: [1, 0.6, 1.4, 1][seed],
            }),
          ),
        );
      } finally {
        cpuModel.dispose();
        await tf.setBackend('wasm');
      }
    })();
    onCpu.forEach((grids, seed) => {
      const req = parseDrumRequest({
        genre: ['rock', 'jazz', 'funk', undefined][seed],
        density: seed / 4,
        bars: 8,
        seed,
        count: 8,
        temperature: [1, 0.6, 1.4, 1][seed],
      });
      model.generateSync(req).forEach((g, i) => {
        // Same hits everywhere. A velocity whose 127 v + 0.5 lies within float noise of a whole
        // number may round either way on the two backends (measured: seed 3, variation 1, once the
        // bar contours came in), and the step after sees a velocity 1/127 apart: so within 1.
        expect(
          Array.from(g.velocity, (v) => v > 0),
          `hits, seed ${seed} variation ${i}`,
        ).toEqual(Array.from(grids[i].velocity, (v) => v > 0));
        expect(
          g.velocity.reduce((m, v, j) => Math.max(m, Math.abs(v - grids[i].velocity[j])), 0),
          `velocities, seed ${seed} variation ${i}`,
        ).toBeLessThanOrEqual(1);
        expect(g.offset.reduce((m, o, j) => Math.max(m, Math.abs(o - grids[i].offset[j])), 0)).toBeLessThan(1e-3);
      });
    });
  }, 180_000); // the cpu backend runs 32 grooves of 8 bars: 30-90 s on a loaded 2-core machine
});
