import * as tf from '@tensorflow/tfjs';
import { TandemError } from '../../errors';
import { DRUM_GENRES } from '../../conditioning/genres';
import { NUM_DRUM_CLASSES } from '../../music/drum-map';
import type { DensityRange } from '../../conditioning/density';
import { DRUM_INPUT, DRUM_PATTERNS } from './spec';

/** model.json of the drum network (TF.js weights-manifest format plus our spec). */
export interface DrumModelJson {
  format: 'tandem-drums-gru';
  version: 1;
  spec: {
    inputSize: number;
    hidden: number;
    classes: number;
    patterns: number;
    stepsPerBar: number;
    genres: string[];
    densityRange: DensityRange;
    densityWindowBars: number;
  };
  training?: Record<string, unknown>;
  weightsManifest: tf.io.WeightsManifestConfig;
}

/** What loading needs: the parsed model.json and the bytes of its weights file. */
export interface DrumNetArtifacts {
  modelJson: DrumModelJson;
  weights: ArrayBuffer;
}

const HEAD = 4 * NUM_DRUM_CLASSES;

/**
 * The drum GRU as plain TF.js ops, one 16th step per call for a batch of variations.
 * The output layer and the hidden-state part of the velocity/timing head share one matMul,
 * so a step costs two fused matMuls for the cell, one for the outputs, and one read back.
 */
export class DrumNetwork {
  readonly spec: DrumModelJson['spec'];
  private readonly wIh: tf.Tensor2D;
  private readonly wHh: tf.Tensor2D;
  private readonly bIh: tf.Tensor1D;
  private readonly bHh: tf.Tensor1D;
  private readonly wOut: tf.Tensor2D;
  private readonly bOut: tf.Tensor1D;
  /** Head weights for the 9 sampled hit bits, applied in JS after sampling: 9 x 36. */
  readonly headBits: Float32Array;

  private constructor(art: DrumNetArtifacts) {
    const { modelJson } = art;
    if (modelJson.format !== 'tandem-drums-gru') throw new TandemError(`not a Tandem drum model (format ${String(modelJson.format)})`);
    const s = modelJson.spec;
    if (s.inputSize !== DRUM_INPUT.size || s.patterns !== DRUM_PATTERNS || s.classes !== NUM_DRUM_CLASSES) {
      throw new TandemError(`drum model spec mismatch: model has input ${s.inputSize}, patterns ${s.patterns}; code expects ${DRUM_INPUT.size}, ${DRUM_PATTERNS}`);
    }
    if (s.genres.join() !== DRUM_GENRES.join()) throw new TandemError('drum model genres differ from the code\'s genre list');
    this.spec = s;
    const specs = modelJson.weightsManifest.flatMap((g) => g.weights);
    const w = tf.io.decodeWeights(art.weights, specs);
    const need = (name: string) => {
      const t = w[name];
      if (!t) throw new TandemError(`drum model weights lack ${name}`);
      return t;
    };
    const H = s.hidden;
    this.wIh = need('gru/w_ih') as tf.Tensor2D;
    this.wHh = need('gru/w_hh') as tf.Tensor2D;
    this.bIh = need('gru/b_ih') as tf.Tensor1D;
    this.bHh = need('gru/b_hh') as tf.Tensor1D;
    const headW = need('head/w') as tf.Tensor2D;
    const [headH, headB] = tf.split(headW, [H, NUM_DRUM_CLASSES], 0);
    this.wOut = tf.concat([need('out/w') as tf.Tensor2D, headH as tf.Tensor2D], 1);
    this.bOut = tf.concat([need('out/b') as tf.Tensor1D, need('head/b') as tf.Tensor1D]);
    this.headBits = headB.dataSync() as Float32Array;
    for (const t of [headW, headH, headB, w['out/w'], w['out/b'], w['head/b']]) t.dispose();
  }

  static load(art: DrumNetArtifacts): DrumNetwork {
    return new DrumNetwork(art);
  }

  get hidden(): number {
    return this.spec.hidden;
  }

  /** Outputs per row: 512 pattern logits, then the head's 36 values before the hit-bit part. */
  static readonly OUT = DRUM_PATTERNS + HEAD;

  zeroState(batch: number): tf.Tensor2D {
    return tf.zeros([batch, this.spec.hidden]);
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
    for (const t of [this.wIh, this.wHh, this.bIh, this.bHh, this.wOut, this.bOut]) t.dispose();
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
