import * as tf from '@tensorflow/tfjs-core';
import { NUM_DRUM_CLASSES } from '../../music/drum-map';
import { foldSigmoidState } from '../gru-gates';
import { k, linear, weightMatrix, type Rows } from '../kernels';
import { VelocityBinsHead } from './velocity-bins';
import type { DrumWeights } from './weights';

const C = NUM_DRUM_CLASSES;

/** Row-constant tensors of the velocity/offset sampling: first 9 columns velocity, last 9 offset. */
const row = (v: number, o: number) => tf.tensor1d([...Array<number>(C).fill(v), ...Array<number>(C).fill(o)]);

/** What the velocity-bin head reads at a step besides the state and the hits (DrumStepHead.sample). */
export interface BinsStep {
  given: Rows;
  barBefore: Rows;
  temperature: number;
  gumbel: Rows;
  base: Rows;
}

/**
 * The drum network's velocity and timing head as the rollout runs it on the backend: from the new
 * hidden state and the step's sampled hits, each hit's velocity (the Gaussian head's, or the
 * velocity-bin head's) and micro-timing offset, sampled with the step's noise. Its weights are
 * rearranged at load (mean and log-std halves, constants folded in, the state read in the
 * rollout's form, q = (h + 1) / 2: gru-gates.ts StateForm 'sigmoid') so that a step slices nothing.
 */
export class DrumStepHead {
  private readonly wMean: tf.Tensor3D;
  private readonly bMean: tf.Tensor1D;
  private readonly wLogStd: tf.Tensor3D;
  private readonly bLogStd: tf.Tensor1D;
  private readonly logStdLo: tf.Tensor1D;
  private readonly logStdHi: tf.Tensor1D;
  private readonly qScale: tf.Tensor1D;
  private readonly qShift: tf.Tensor1D;
  private readonly qLo: tf.Tensor1D;
  private readonly qHi: tf.Tensor1D;
  private readonly velocityHalf: tf.Tensor1D;
  private readonly one: tf.Scalar;
  /** Whether the bins' velocities can leave 1..127 (a groove or class shift) and are clamped. */
  private readonly clampVelocity: boolean;
  /** The velocity-bin head (undefined: the Gaussian head's velocities). */
  readonly velocityBins?: VelocityBinsHead;

  /**
   * @param givenCols the model input's columns the rollout feeds as the step's given inputs
   */
  constructor(weights: DrumWeights, givenCols: readonly number[]) {
    const H = weights.spec.hidden;
    const headW = weights.get('head/w');
    const headB = weights.get('head/b');
    const HEAD = 4 * C;
    // Head over [hidden | hits | hits]: columns [velocity 9 | offset 9]. The offset mean's weights
    // are doubled so one sigmoid serves both: 0.5 tanh(x) = sigmoid(2x) - 0.5 (the -0.5 is in qShift).
    const headHalf = (vCol: number, oCol: number, oScale: number): [tf.Tensor3D, tf.Tensor1D] => {
      const rows = H + 2 * C;
      const w: Float32Array = new Float32Array(rows * 2 * C);
      for (let i = 0; i < H + C; i++) {
        for (let c = 0; c < C; c++) {
          w[i * 2 * C + c] = headW[i * HEAD + vCol + c];
          w[i * 2 * C + C + c] = headW[i * HEAD + oCol + c] * oScale;
        }
      }
      const b = new Float32Array(2 * C);
      for (let c = 0; c < C; c++) {
        b[c] = headB[vCol + c];
        b[C + c] = headB[oCol + c] * oScale;
      }
      const folded = foldSigmoidState(w, 2 * C, 0, H, b);
      return [weightMatrix(folded.w, rows, 2 * C), tf.tensor1d(folded.b)];
    };
    [this.wMean, this.bMean] = headHalf(0, 2 * C, 2);
    [this.wLogStd, this.bLogStd] = headHalf(C, 3 * C, 1);

    // The trainer's clamps of the log-stds: velocity -5..1, offset -6..0.
    this.logStdLo = row(-5, -6);
    this.logStdHi = row(1, 0);
    // Velocity: floor(127 v + 0.5) clamped to 1..127, half up on every backend (tf.round rounds
    // halves differently on different backends). Offset: clamped to +-0.5 step and left continuous,
    // since any rounding grid is a boundary where two backends' float noise can fall either side.
    // With the velocity-bin head the Gaussian's velocity half comes out 0 and the bins' is added.
    const v = weights.velocityBins ? 0 : 1;
    this.velocityBins = weights.velocityBins && new VelocityBinsHead(weights.velocityBins, givenCols, weights.spec.sampling?.velocityClassTemperature);
    const sp = weights.spec.sampling;
    this.clampVelocity = !!sp?.velocityGroove || !!sp?.velocityClassShift || !!sp?.velocityClassGroove;
    this.qScale = row(127 * v, 1);
    this.qShift = row(0.5 * v, -0.5 + (weights.spec.sampling?.offsetShift ?? 0));
    this.qLo = row(1.5 * v, -0.5);
    this.qHi = row(127.5 * v, 0.5);
    this.velocityHalf = row(1, 0);
    this.one = tf.scalar(1);
  }

  /**
   * The played features of a step from the new hidden state and its hit bits twice ([1 x batch x
   * 18]): [hits | hits | velocity | offset] (STEP_FEATURES), the velocities and offsets sampled
   * with the step's normals.
   */
  sample(h: Rows, hits: Rows, normal: Rows, bins?: BinsStep): Rows {
    const hb = k.concat([h, hits], 2);
    const mean = linear(hb, this.wMean, this.bMean, 'sigmoid');
    const logStd = linear(hb, this.wLogStd, this.bLogStd);
    const std = k.exp(k.minimum(k.maximum(logStd, this.logStdLo), this.logStdHi));
    const value = k.add(mean, k.mul(std, normal));
    // With the velocity-bin head qScale is [0 x 9, 1 x 9] and qLo, qHi clamp the velocity half to
    // 0 anyway: the product is skipped (x 1 is exact).
    const scaled = this.velocityBins ? value : k.mul(value, this.qScale);
    const clamped = k.minimum(k.maximum(k.add(scaled, this.qShift), this.qLo), this.qHi);
    // Floor of the (positive) velocities; with the velocity-bin head the Gaussian's are 0 and skipped,
    // and the bins' velocities come in their place.
    if (this.velocityBins && bins) {
      const v = this.velocityBins.sample(h, hits, bins.given, bins.barBefore, bins.temperature, bins.gumbel, bins.base, this.clampVelocity);
      return k.concat([hits, k.mul(k.add(clamped, v), hits)], 2);
    }
    const q = k.sub(clamped, k.mul(k.mod(clamped, this.one), this.velocityHalf));
    return k.concat([hits, k.mul(q, hits)], 2);
  }

  dispose(): void {
    tf.dispose([this.wMean, this.bMean, this.wLogStd, this.bLogStd]);
    tf.dispose([this.logStdLo, this.logStdHi, this.qScale, this.qShift, this.qLo, this.qHi, this.velocityHalf, this.one]);
    this.velocityBins?.dispose();
  }
}
