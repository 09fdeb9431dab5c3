import * as tf from '@tensorflow/tfjs-core';
import { k, linear, weightMatrix, type Rows } from './kernels';

/** A GRU layer's weights as the trainers export them (PyTorch gate order r, z, n; input-major). */
export interface GruWeights {
  /** [inputs x 3H] */
  wIh: Float32Array;
  /** [H x 3H] */
  wHh: Float32Array;
  bIh: Float32Array;
  bHh: Float32Array;
  hidden: number;
}

/**
 * A GRU cell laid out for generation on a TF.js backend: one matrix per gate over [input | hidden]
 * (the n gate's hidden part apart, as PyTorch computes it), so no step slices a tensor (tfjs-wasm
 * copies the whole tensor to slice it), and constant biases (tfjs-wasm keeps one packed XNNPACK operator per
 * weights-and-bias pair, so a bias that changed per request would repack). Rows are rank 3
 * (`Rows`), so each matMul is one kernel call. The drum and the melody rollouts share it.
 */
export class GruGates {
  private readonly wR: tf.Tensor3D;
  private readonly bR: tf.Tensor1D;
  private readonly wZ: tf.Tensor3D;
  private readonly bZ: tf.Tensor1D;
  private readonly wNx: tf.Tensor3D;
  private readonly bNx: tf.Tensor1D;
  private readonly wNh: tf.Tensor3D;
  private readonly bNh: tf.Tensor1D;

  /**
   * @param inputs rows of the cell's input as the rollout feeds it
   * @param inputWeights the input weights [inputs x 3H] in the order and units the rollout feeds
   *   them; by default the exported ones as they are
   */
  constructor(w: GruWeights, inputs: number, inputWeights: Float32Array = w.wIh) {
    const H = w.hidden;
    const G = 3 * H;
    const gate = (g: number, withHidden: boolean): [tf.Tensor3D, tf.Tensor1D] => {
      const rows = inputs + (withHidden ? H : 0);
      const m = new Float32Array(rows * H);
      for (let i = 0; i < inputs; i++) m.set(inputWeights.subarray(i * G + g * H, i * G + (g + 1) * H), i * H);
      if (withHidden) for (let i = 0; i < H; i++) m.set(w.wHh.subarray(i * G + g * H, i * G + (g + 1) * H), (inputs + i) * H);
      const b = w.bIh.slice(g * H, (g + 1) * H);
      if (withHidden) for (let j = 0; j < H; j++) b[j] += w.bHh[g * H + j];
      return [weightMatrix(m, rows, H), tf.tensor1d(b)];
    };
    [this.wR, this.bR] = gate(0, true);
    [this.wZ, this.bZ] = gate(1, true);
    // n = tanh(x Wn + bn + r * (h Wnh + bnh)): its hidden part stays apart.
    [this.wNx, this.bNx] = gate(2, false);
    const nh = new Float32Array(H * H);
    for (let i = 0; i < H; i++) nh.set(w.wHh.subarray(i * G + 2 * H, i * G + 3 * H), i * H);
    this.wNh = weightMatrix(nh, H, H);
    this.bNh = tf.tensor1d(w.bHh.slice(2 * H, 3 * H));
  }

  /**
   * One step: the new hidden state from the parts of the input row (concatenated in this order)
   * and the hidden state, all [1 x batch x n] (call inside tf.tidy).
   */
  cell(input: Rows[], h: Rows): Rows {
    const x = input.length > 1 ? k.concat(input, 2) : input[0];
    const xh = k.concat([x, h], 2);
    const r = linear(xh, this.wR, this.bR, 'sigmoid');
    const z = linear(xh, this.wZ, this.bZ, 'sigmoid');
    const hn = linear(h, this.wNh, this.bNh);
    const n = k.tanh(k.add(linear(x, this.wNx, this.bNx), k.mul(r, hn)));
    return k.add(n, k.mul(z, k.sub(h, n)));
  }

  dispose(): void {
    tf.dispose([this.wR, this.bR, this.wZ, this.bZ, this.wNx, this.bNx, this.wNh, this.bNh]);
  }
}
