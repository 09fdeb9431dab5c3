import * as tf from '@tensorflow/tfjs-core';
import { NUM_DRUM_CLASSES } from '../../music/drum-map';
import { DRUM_INPUT, DRUM_PATTERNS } from './spec';
import { DrumWeights, type DrumModelJson, type DrumNetArtifacts } from './weights';
import type { VelocityBinsWeights } from './velocity-bins';

export type { DrumModelJson, DrumNetArtifacts };

const HEAD = 4 * NUM_DRUM_CLASSES;

/**
 * The drum GRU as plain TF.js ops, one 16th step per call for a batch of variations, with every
 * output read back: the reference path (the trainer's layout, checked against its PyTorch outputs),
 * used for teacher-forced evaluation and the backends' parity check. Generation runs on the
 * backend instead (DrumRollout). The output layer and the hidden-state part of the velocity/timing
 * head share one matMul.
 */
export class DrumNetwork {
  readonly spec: DrumModelJson['spec'];
  private readonly wIh: tf.Tensor2D;
  private readonly wHh: tf.Tensor2D;
  private readonly bIh: tf.Tensor1D;
  private readonly bHh: tf.Tensor1D;
  private readonly wOut: tf.Tensor2D;
  private readonly bOut: tf.Tensor1D;
  /** Initial state from a step-0 input row: [inputSize x hidden], zero rows for the fed-back inputs. */
  private readonly wInit: tf.Tensor2D;
  private readonly bInit: tf.Tensor1D;
  /** Head weights for the 9 sampled hit bits, applied in JS after sampling: 9 x 36. */
  readonly headBits: Float32Array;

  private constructor(weights: DrumWeights) {
    this.spec = weights.spec;
    const H = this.spec.hidden;
    const t2 = (name: string) => tf.tensor2d(weights.get(name), weights.shape(name) as [number, number]);
    this.wIh = t2('gru/w_ih');
    this.wHh = t2('gru/w_hh');
    this.bIh = tf.tensor1d(weights.get('gru/b_ih'));
    this.bHh = tf.tensor1d(weights.get('gru/b_hh'));
    // The head's rows: the hidden state's, then the 9 hit bits'.
    const headW = weights.get('head/w');
    const outW = weights.get('out/w');
    const w = new Float32Array(H * DrumNetwork.OUT);
    for (let i = 0; i < H; i++) {
      w.set(outW.subarray(i * DRUM_PATTERNS, (i + 1) * DRUM_PATTERNS), i * DrumNetwork.OUT);
      w.set(headW.subarray(i * HEAD, (i + 1) * HEAD), i * DrumNetwork.OUT + DRUM_PATTERNS);
    }
    this.wOut = tf.tensor2d(w, [H, DrumNetwork.OUT]);
    this.bOut = tf.tensor1d([...weights.get('out/b'), ...weights.get('head/b')]);
    this.headBits = headW.slice(H * HEAD);
    const init = new Float32Array(DRUM_INPUT.size * H);
    init.set(weights.get('init/w'), DRUM_INPUT.position * H);
    this.wInit = tf.tensor2d(init, [DRUM_INPUT.size, H]);
    this.bInit = tf.tensor1d(weights.get('init/b'));
    this.velocityBins = weights.velocityBins;
  }

  /** The velocity-bin head's weights and reference computation (undefined: the Gaussian head). */
  readonly velocityBins?: VelocityBinsWeights;

  static load(art: DrumNetArtifacts): DrumNetwork {
    return new DrumNetwork(new DrumWeights(art));
  }

  /** The network from weights already decoded (shared with the generation path). */
  static fromWeights(weights: DrumWeights): DrumNetwork {
    return new DrumNetwork(weights);
  }

  get hidden(): number {
    return this.spec.hidden;
  }

  /** Outputs per row: 512 pattern logits, then the head's 36 values before the hit-bit part. */
  static readonly OUT = DRUM_PATTERNS + HEAD;

  zeroState(batch: number): tf.Tensor2D {
    return tf.zeros([batch, this.spec.hidden]);
  }

  /**
   * The learned initial state, tanh(W x + b), from each row's step-0 inputs [batch x inputSize]
   * (only the given inputs count: position, density, fill, genre, loudness). Zeros for a model
   * trained without it.
   */
  initialState(inputs: Float32Array, batch: number): tf.Tensor2D {
    return tf.tidy(() => tf.tanh(tf.fused.matMul({ a: tf.tensor2d(inputs, [batch, this.spec.inputSize]), b: this.wInit, bias: this.bInit })) as tf.Tensor2D);
  }

  /** The cell and output layer as tensors: new hidden state and outputs [batch x OUT], both on the backend. */
  private cell(inputs: Float32Array, batch: number, h: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
    return tf.tidy(() => {
      const x = tf.tensor2d(inputs, [batch, this.spec.inputSize]);
      const gi = tf.fused.matMul({ a: x, b: this.wIh, bias: this.bIh });
      const gh = tf.fused.matMul({ a: h, b: this.wHh, bias: this.bHh });
      const [ir, iz, inn] = tf.split(gi, 3, 1);
      const [hr, hz, hn] = tf.split(gh, 3, 1);
      const r = tf.sigmoid(tf.add(ir, hr));
      const z = tf.sigmoid(tf.add(iz, hz));
      const n = tf.tanh(tf.add(inn, tf.mul(r, hn)));
      const next = tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D;
      return [next, tf.fused.matMul({ a: next, b: this.wOut, bias: this.bOut }) as tf.Tensor2D];
    });
  }

  /**
   * One step for a batch: inputs [batch x inputSize] -> new hidden state (caller disposes the
   * old one) and outputs [batch x OUT] read back to the CPU synchronously (wasm, cpu, webgl).
   */
  step(inputs: Float32Array, batch: number, h: tf.Tensor2D): { h: tf.Tensor2D; out: Float32Array } {
    const [hNew, outT] = this.cell(inputs, batch, h);
    const out = outT.dataSync() as Float32Array;
    outT.dispose();
    return { h: hNew, out };
  }

  /**
   * The same step with an asynchronous read-back. WebGPU needs it: tfjs-backend-webgpu 4.22's
   * dataSync goes through a canvas copy and returns wrong values (measured: error 16 on this net).
   */
  async stepAsync(inputs: Float32Array, batch: number, h: tf.Tensor2D): Promise<{ h: tf.Tensor2D; out: Float32Array }> {
    const [hNew, outT] = this.cell(inputs, batch, h);
    const out = (await outT.data()) as Float32Array;
    outT.dispose();
    return { h: hNew, out };
  }

  dispose(): void {
    for (const t of [this.wIh, this.wHh, this.bIh, this.bHh, this.wOut, this.bOut, this.wInit, this.bInit]) t.dispose();
  }
}

/** Adds the hit-bit part of the head: head[j] += sum over hit classes c of headBits[c][j]. */
export function completeHead(outRow: Float32Array, rowOffset: number, pattern: number, headBits: Float32Array, into: Float32Array): Float32Array {
  for (let j = 0; j < HEAD; j++) into[j] = outRow[rowOffset + DRUM_PATTERNS + j];
  for (let c = 0; c < NUM_DRUM_CLASSES; c++) {
    if (!(pattern & (1 << c))) continue;
    for (let j = 0; j < HEAD; j++) into[j] += headBits[c * HEAD + j];
  }
  return into;
}
