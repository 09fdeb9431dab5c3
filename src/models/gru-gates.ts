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
 * How a rollout keeps the hidden state h (in -1..1) on the backend. 'tanh': as the network computes
 * it. 'sigmoid': as q = (h + 1) / 2, in 0..1, so that the candidate state comes from a sigmoid
 * instead of a tanh (tanh(a) = 2 sigmoid(2a) - 1): tfjs-wasm's Sigmoid kernel is vectorised and
 * its Tanh is not (measured 48-65 against 159-195 us for 16 x 256 values), and the update
 * h' = n + z (h - n) keeps its form, q' = s + z (q - s). Every layer reading h reads q instead with
 * its h rows doubled and their column sums taken off its bias (foldSigmoidState): h W = q (2W) - 1 W.
 * The same function up to float rounding; notes differ from the 'tanh' state's only where two
 * choices lay within float noise of each other.
 */
export type StateForm = 'tanh' | 'sigmoid';

/**
 * A layer's weights [rows x cols] (row-major) and bias to read the 'sigmoid' state q instead of h
 * in its rows from `from` to `from + hidden`: those rows doubled, their column sums (float64) taken
 * off the bias. New arrays; the inputs are left as they are.
 */
export function foldSigmoidState(w: Float32Array, cols: number, from: number, hidden: number, bias: ArrayLike<number>): { w: Float32Array; b: Float32Array } {
  const out = w.slice();
  const sums = new Float64Array(cols);
  for (let i = from; i < from + hidden; i++) {
    for (let j = 0; j < cols; j++) {
      sums[j] += w[i * cols + j];
      out[i * cols + j] = 2 * w[i * cols + j];
    }
  }
  return { w: out, b: Float32Array.from({ length: cols }, (_, j) => bias[j] - sums[j]) };
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
   * @param state how the rollout keeps the hidden state (StateForm); the cell takes and returns it so
   */
  constructor(
    w: GruWeights,
    inputs: number,
    inputWeights: Float32Array = w.wIh,
    readonly state: StateForm = 'tanh',
  ) {
    const H = w.hidden;
    const G = 3 * H;
    const sig = state === 'sigmoid';
    /** Gate g's weights over [input | hidden state] (or the input alone) and bias, scaled by `scale` (a power of two: exact). */
    const gate = (g: number, withHidden: boolean, scale = 1): [tf.Tensor3D, tf.Tensor1D] => {
      const rows = inputs + (withHidden ? H : 0);
      let m: Float32Array = new Float32Array(rows * H);
      for (let i = 0; i < inputs; i++) m.set(inputWeights.subarray(i * G + g * H, i * G + (g + 1) * H), i * H);
      if (withHidden) for (let i = 0; i < H; i++) m.set(w.wHh.subarray(i * G + g * H, i * G + (g + 1) * H), (inputs + i) * H);
      let b: Float32Array = w.bIh.slice(g * H, (g + 1) * H);
      if (withHidden) for (let j = 0; j < H; j++) b[j] += w.bHh[g * H + j];
      if (withHidden && sig) ({ w: m, b } = foldSigmoidState(m, H, inputs, H, b));
      return [
        weightMatrix(
          m.map((x) => x * scale),
          rows,
          H,
        ),
        tf.tensor1d(b.map((x) => x * scale)),
      ];
    };
    [this.wR, this.bR] = gate(0, true);
    [this.wZ, this.bZ] = gate(1, true);
    // n = tanh(x Wn + bn + r * (h Wnh + bnh)): its hidden part stays apart. With the sigmoid state,
    // s = sigmoid(2 (...)): both parts doubled.
    [this.wNx, this.bNx] = gate(2, false, sig ? 2 : 1);
    let nh: Float32Array = new Float32Array(H * H);
    for (let i = 0; i < H; i++) nh.set(w.wHh.subarray(i * G + 2 * H, i * G + 3 * H), i * H);
    let bnh: Float32Array = w.bHh.slice(2 * H, 3 * H);
    if (sig) {
      ({ w: nh, b: bnh } = foldSigmoidState(nh, H, 0, H, bnh));
      nh = nh.map((x) => 2 * x);
      bnh = bnh.map((x) => 2 * x);
    }
    this.wNh = weightMatrix(nh, H, H);
    this.bNh = tf.tensor1d(bnh);
  }

  /**
   * One step: the new hidden state from the parts of the input row (concatenated in this order)
   * and the hidden state (in the constructor's StateForm), all [1 x batch x n] (call inside tf.tidy).
   */
  cell(input: Rows[], h: Rows): Rows {
    const x = input.length > 1 ? k.concat(input, 2) : input[0];
    const xh = k.concat([x, h], 2);
    const r = linear(xh, this.wR, this.bR, 'sigmoid');
    const z = linear(xh, this.wZ, this.bZ, 'sigmoid');
    const hn = linear(h, this.wNh, this.bNh);
    const a = k.add(linear(x, this.wNx, this.bNx), k.mul(r, hn));
    const n = this.state === 'sigmoid' ? k.sigmoid(a) : k.tanh(a);
    return k.add(n, k.mul(z, k.sub(h, n)));
  }

  dispose(): void {
    tf.dispose([this.wR, this.bR, this.wZ, this.bZ, this.wNx, this.bNx, this.wNh, this.bNh]);
  }
}
