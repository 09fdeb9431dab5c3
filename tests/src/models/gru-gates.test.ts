import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeTf } from '../../../bridge/engine/node-tf';
import { foldSigmoidState, GruGates } from '../../../src/models/gru-gates';
import { linear, weightMatrix, type Rows } from '../../../src/models/kernels';
import { makeRng } from '../../../src/random';

/**
 * The GRU cell with its state kept as q = (h + 1) / 2 and its candidate from a sigmoid (the drum
 * rollout's form, issues 13 and 15: tfjs-wasm's Tanh is three times its Sigmoid) is the same
 * function as the cell on h, and a layer folded to read q gives what it gave on h.
 */
const randoms = (n: number, seed: string, scale = 0.3) => {
  const rng = makeRng(seed);
  return Float32Array.from({ length: n }, () => (rng() * 2 - 1) * scale);
};

describe('GRU cell with the sigmoid state form', () => {
  beforeAll(async () => {
    await initNodeTf('wasm');
  });

  it('steps to (h + 1) / 2 of the tanh form, step after step', () => {
    const H = 32;
    const I = 7;
    const w = { wIh: randoms(I * 3 * H, 'ih'), wHh: randoms(H * 3 * H, 'hh'), bIh: randoms(3 * H, 'bi'), bHh: randoms(3 * H, 'bh'), hidden: H };
    const plain = new GruGates(w, I);
    const folded = new GruGates(w, I, w.wIh, 'sigmoid');
    const B = 3;
    let h = tf.tensor3d(randoms(B * H, 'h0', 0.9), [1, B, H]) as Rows;
    let q = tf.tidy(() => h.add(1).div(2)) as Rows;
    let worst = 0;
    for (let s = 0; s < 40; s++) {
      const x = tf.tensor3d(randoms(B * I, `x${s}`, 1), [1, B, I]) as Rows;
      const [h2, q2] = tf.tidy(() => [plain.cell([x], h), folded.cell([x], q)]);
      const a = h2.dataSync();
      const b = q2.dataSync();
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] + 1) / 2 - b[i]));
      tf.dispose([x, h, q]);
      [h, q] = [h2, q2];
    }
    tf.dispose([h, q]);
    plain.dispose();
    folded.dispose();
    expect(worst).toBeLessThan(1e-5);
    // ...and a state that had stayed the same would be told apart: the cells do move.
    expect(worst).toBeGreaterThan(0);
  });

  it('folds a layer so that it reads q and gives what it gave on h', () => {
    const H = 16;
    const rows = H + 5;
    const cols = 11;
    const wv = randoms(rows * cols, 'w', 1);
    const bv = randoms(cols, 'b', 1);
    const hx = randoms(2 * rows, 'in', 1);
    const qx = hx.map((v, i) => (i % rows < H ? (v + 1) / 2 : v));
    const f = foldSigmoidState(wv, cols, 0, H, bv);
    const onH = linear(tf.tensor3d(hx, [1, 2, rows]) as Rows, weightMatrix(wv, rows, cols), tf.tensor1d(bv)).dataSync();
    const onQ = linear(tf.tensor3d(qx, [1, 2, rows]) as Rows, weightMatrix(f.w, rows, cols), tf.tensor1d(f.b)).dataSync();
    for (let i = 0; i < onH.length; i++) expect(onQ[i]).toBeCloseTo(onH[i], 5);
    // The rows after the state are left as they were, and the inputs are not changed.
    expect(Array.from(f.w.subarray(H * cols))).toEqual(Array.from(wv.subarray(H * cols)));
    expect(f.w[0]).toBe(2 * wv[0]);
  });
});
