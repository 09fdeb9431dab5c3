/**
 * The drum network's velocity-bin head (issue 13): each hit's velocity as a categorical over
 * `bins` equal bins of 1..127 per drum class, instead of one Gaussian per class. Drummers'
 * velocities are multi-modal (a snare ghosted at 20-40 and hit at 100+ on the backbeat, hats
 * accented and not): a Gaussian can only put its mass between the modes. The head reads the GRU's
 * hidden state, the step's hits, the loudness input and what was played at the same step one bar
 * earlier (hits and velocities); with `hidden` > 0 through one ReLU layer. A bin is drawn by
 * Gumbel-max, like the hit pattern, and the velocity uniformly inside it.
 *
 * model.json says which head a network has: `spec.velocityHead` ({ kind: 'bins', bins, hidden });
 * absent = the Gaussian head of the first models, which load and play as before.
 */
import * as tf from '@tensorflow/tfjs-core';
import { TandemError } from '../../errors';
import { NUM_DRUM_CLASSES } from '../../music/drum-map';
import { DRUM_INPUT } from './spec';
import { foldSigmoidState } from '../gru-gates';
import { k, linear, weightMatrix, type Rows } from '../kernels';

const C = NUM_DRUM_CLASSES;

/** model.json `spec.velocityHead`. */
export interface VelocityHeadSpec {
  kind: 'bins';
  /** Bins over velocities 1..127 per class. */
  bins: number;
  /** Units of the head's ReLU layer; 0 = one linear layer. */
  hidden: number;
}

/** What the head reads besides the hidden state: the step's hits (9), loudness (1), hits and velocities (v/127) one bar back (18). */
export const VELOCITY_HEAD_EXTRA = C + 1 + 2 * C;

/** The bin of a velocity (1..127) among `bins` equal bins (the trainer's `velocity_bin`). */
export function velocityBin(velocity: number, bins: number): number {
  return Math.min(bins - 1, Math.max(0, Math.floor(((velocity - 1) * bins) / 127)));
}

/** The velocity of bin `bin` at `jitter` (0..1) of its width: 1..127. */
export function binVelocity(bin: number, jitter: number, bins: number): number {
  return Math.floor(binBase(jitter, bins) + (bin * 127) / bins);
}

/** The part of binVelocity that does not depend on the bin (drawn with the noise, before the network runs). */
export function binBase(jitter: number, bins: number): number {
  return 1 + (jitter * 127) / bins;
}

/** Reads the head's weights; what it needs of the model's weights. */
interface WeightSource {
  get(name: string): Float32Array;
  shape(name: string): number[];
  has(name: string): boolean;
}

/**
 * The head's weights as plain arrays, checked against the spec at load, with the reference
 * computation in float64 JS (the tests check the backend's sampling against it).
 */
export class VelocityBinsWeights {
  readonly bins: number;
  readonly hidden: number;
  /** [rows x units]: the first (or only) layer over [hidden state | VELOCITY_HEAD_EXTRA]. */
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  /** [units x C*bins] (the second layer), absent for a linear head. */
  readonly w2?: Float32Array;
  readonly b2?: Float32Array;

  constructor(
    spec: unknown,
    readonly stateSize: number,
    w: WeightSource,
  ) {
    const s = spec as Partial<VelocityHeadSpec> | null;
    const int = (x: unknown, lo: number, hi: number) => typeof x === 'number' && Number.isInteger(x) && x >= lo && x <= hi;
    if (!s || s.kind !== 'bins' || !int(s.bins, 2, 127) || !int(s.hidden, 0, 4096)) {
      throw new TandemError(`drum model velocityHead is ${JSON.stringify(spec)}; allowed: { "kind": "bins", "bins": 2..127, "hidden": 0..4096 }`);
    }
    this.bins = s.bins!;
    this.hidden = s.hidden!;
    const rows = stateSize + VELOCITY_HEAD_EXTRA;
    const out = C * this.bins;
    const expect = (name: string, shape: number[]) => {
      if (!w.has(name)) throw new TandemError(`drum model weights lack ${name} (its velocityHead needs it)`);
      const got = w.shape(name);
      if (got.join() !== shape.join()) throw new TandemError(`drum model ${name} is ${got.join('x')}; expected ${shape.join('x')}`);
      return w.get(name);
    };
    if (this.hidden) {
      this.w1 = expect('velbins/w1', [rows, this.hidden]);
      this.b1 = expect('velbins/b1', [this.hidden]);
      this.w2 = expect('velbins/w', [this.hidden, out]);
      this.b2 = expect('velbins/b', [out]);
    } else {
      this.w1 = expect('velbins/w', [rows, out]);
      this.b1 = expect('velbins/b', [out]);
    }
  }

  /**
   * Reference: the bin logits [C x bins] of one step, from the hidden state, the step's hits (0/1),
   * its loudness input and the hits and velocities (1..127, 0 = none) of the same step one bar back.
   */
  logits(
    state: ArrayLike<number>,
    hits: ArrayLike<number>,
    loudness: number,
    barBefore: { hits: ArrayLike<number>; velocity: ArrayLike<number> },
  ): Float64Array {
    const x = [...Array.from(state), ...Array.from(hits), loudness, ...Array.from(barBefore.hits), ...Array.from(barBefore.velocity, (v) => v / 127)];
    const layer = (input: number[], w: Float32Array, b: Float32Array, relu: boolean) => {
      const n = b.length;
      const y = Float64Array.from(b);
      input.forEach((v, i) => {
        if (v) for (let j = 0; j < n; j++) y[j] += v * w[i * n + j];
      });
      return relu ? y.map((v) => Math.max(0, v)) : y;
    };
    const first = layer(x, this.w1, this.b1, this.hidden > 0);
    return this.w2 ? layer(Array.from(first), this.w2, this.b2!, false) : first;
  }
}

/**
 * The head on a TF.js backend, laid out for the rollout: its first layer reads the rollout's
 * tensors as they are, [hidden state | the step's hits twice | the step's given inputs | the
 * played features one bar back (hits twice, velocity 1..127, offset)], so no step slices a tensor.
 */
export class VelocityBinsHead {
  private readonly w1: tf.Tensor3D;
  private readonly b1: tf.Tensor1D;
  private readonly out: Float32Array;
  private readonly outB: Float32Array;
  private layer?: { temperature: number; w: tf.Tensor3D; b: tf.Tensor1D };
  private readonly width: tf.Tensor3D;
  private readonly lo: tf.Tensor1D;
  private readonly hi: tf.Tensor1D;

  /**
   * @param givenCols the model input's columns the rollout feeds as the step's given inputs, in their order
   *   (it must include the loudness input). The head reads the hidden state as the drum rollout
   *   keeps it, q = (h + 1) / 2 (gru-gates.ts StateForm 'sigmoid').
   */
  constructor(
    readonly ref: VelocityBinsWeights,
    givenCols: readonly number[],
    private readonly classTemperature: readonly number[] = [],
  ) {
    const H = ref.stateSize;
    const units = ref.hidden || C * ref.bins;
    const given = givenCols.length;
    const loudness = givenCols.indexOf(DRUM_INPUT.loudness);
    if (loudness < 0) throw new TandemError('velocity-bin head: the rollout feeds no loudness input');
    const rows = H + 2 * C + given + 4 * C;
    const m = new Float32Array(rows * units);
    const copy = (from: number, to: number, scale = 1) => {
      for (let j = 0; j < units; j++) m[to * units + j] = ref.w1[from * units + j] * scale;
    };
    for (let i = 0; i < H; i++) copy(i, i);
    for (let c = 0; c < C; c++) copy(H + c, H + c); // the first copy of the hits
    copy(H + C, H + 2 * C + loudness);
    const before = H + 2 * C + given;
    for (let c = 0; c < C; c++) {
      copy(H + C + 1 + c, before + c);
      copy(H + 2 * C + 1 + c, before + 2 * C + c, 1 / 127);
    }
    const oneLayer = !ref.hidden;
    const first = foldSigmoidState(m, units, 0, H, ref.b1);
    this.out = oneLayer ? first.w : ref.w2!;
    this.outB = oneLayer ? first.b : ref.b2!;
    this.w1 = weightMatrix(oneLayer ? new Float32Array(0) : first.w, oneLayer ? 0 : rows, oneLayer ? 0 : units);
    this.b1 = tf.tensor1d(oneLayer ? new Float32Array(0) : first.b);
    this.rows = rows;
    // [9 x 18]: a class's bin index times the bins' width, into the velocity half of the step's
    // features (the offset half stays 0).
    const expand = new Float32Array(C * 2 * C);
    for (let c = 0; c < C; c++) expand[c * 2 * C + c] = 127 / ref.bins;
    this.width = weightMatrix(expand, C, 2 * C);
    this.lo = tf.tensor1d([...Array<number>(C).fill(1), ...Array<number>(C).fill(0)]);
    this.hi = tf.tensor1d([...Array<number>(C).fill(127), ...Array<number>(C).fill(0)]);
  }

  private readonly rows: number;

  /** The last layer divided by the temperature (kept for the next request with the same one). */
  private lastLayer(temperature: number): { w: tf.Tensor3D; b: tf.Tensor1D } {
    if (this.layer?.temperature === temperature) return this.layer;
    if (this.layer) tf.dispose([this.layer.w, this.layer.b]);
    const inRows = this.ref.hidden || this.rows;
    const bins = this.ref.bins;
    // Column j is class floor(j / bins)'s: its temperature times the class's factor.
    const t = (j: number) => temperature * (this.classTemperature[Math.floor(j / bins)] ?? 1);
    const cols = C * bins;
    // Kept: the rollout first asks for it inside a tidy.
    this.layer = {
      temperature,
      w: tf.keep(
        weightMatrix(
          this.out.map((v, i) => v / t(i % cols)),
          inRows,
          cols,
        ),
      ),
      b: tf.keep(tf.tensor1d(this.outB.map((v, j) => v / t(j)))),
    };
    return this.layer;
  }

  /**
   * Samples each class's velocity (1..127, whether it is hit or not; the caller masks) for a batch:
   * argmax over bins of logits / temperature - log(-log u) (Gumbel-max, as the hit pattern), then the bin's base + its width x bin,
   * as the velocity half of a step's [velocity | offset] features: [1 x batch x 18], offsets 0.
   * Rows are [1 x batch x features] (kernels.ts).
   * @param gumbel [1 x batch x 9*bins] log(-log u) of uniforms u; @param base [1 x batch x 18] binBase of each class's jitter, then 9 zeros
   *   (plus the groove's shift: then `clamp` keeps the velocities in 1..127)
   */
  sample(h: Rows, hits: Rows, given: Rows, barBefore: Rows, temperature: number, gumbel: Rows, base: Rows, clamp = false): Rows {
    const last = this.lastLayer(temperature);
    const x = k.concat([h, hits, given, barBefore], 2);
    const a = this.ref.hidden ? linear(x, this.w1, this.b1, 'relu') : x;
    const scores = k.sub(linear(a, last.w, last.b), gumbel);
    const bin = tf.cast(k.argMax(tf.reshape(scores, [1, -1, C, this.ref.bins]), 3) as tf.Tensor as Rows, 'float32');
    const v = tf.floor(k.add(linear(bin, this.width), base)) as Rows;
    // Without a groove shift base + bin x width stays in [1, 128): no clamp needed.
    return clamp ? k.minimum(k.maximum(v, this.lo), this.hi) : v;
  }

  dispose(): void {
    tf.dispose([this.w1, this.b1, this.width, this.lo, this.hi]);
    if (this.layer) tf.dispose([this.layer.w, this.layer.b]);
    this.layer = undefined;
  }
}
