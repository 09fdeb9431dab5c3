import * as tf from '@tensorflow/tfjs-core';
import { MELODY_INPUT, PITCHES, VOCAB } from './spec';
import type { MelodyWeights } from './weights';
import { GruGates } from '../gru-gates';
import { k, linear, weightMatrix, type Rows } from '../kernels';

/** The fed-back part of a step's input: the previous token (one-hot) and the last pitch begun (one-hot). */
export const FEEDBACK = MELODY_INPUT.position;
/** The given part: everything from the position in the bar on (the same whatever was sampled). */
export const GIVEN = MELODY_INPUT.size - FEEDBACK;

/** What one generation runs: B variations, `total` steps, the first `kept` taken from a primer. */
export interface RolloutPlan {
  batch: number;
  total: number;
  kept: number;
  temperature: number;
  /** [total][batch][GIVEN]: the given inputs of every step. */
  given: Float32Array;
  /** [kept + 1][batch][FEEDBACK]: the fed-back inputs of the primer's steps (row 0 = before the first step). */
  primerFeedback: Float32Array;
  /** [total - kept][batch][VOCAB]: Gumbel noise -log(-log u) for the Gumbel-max draws, made in JS from seeded uniforms. */
  gumbel: Float32Array;
  /** [VOCAB]: 0 for tokens allowed, a large negative number for pitches outside the voice's range. */
  tokenMask: Float32Array;
  /**
   * [VOCAB x VOCAB] or absent: row t = the one-hot token that token t's probability moves to (a pitch outside the
   * voice's register in the asked key moves by octaves into it; see MelodyRnn.plan). The draw is then from the
   * folded distribution: argmax(log(softmax(logits / T) x fold) + Gumbel noise).
   */
  fold?: Float32Array;
  /** Never begin the pitch that was begun last (the chorale data cannot tell a repeated note from a held one). */
  noRepeat: boolean;
  /**
   * [PITCHES x VOCAB] or absent: row p = what is added to each token's score when the last pitch begun is p (a large
   * negative number on the intervals the voice never plays; see MelodyRnn.intervalPrior). When given it replaces
   * noRepeat (the plan folds the repeat into it).
   */
  intervalMask?: Float32Array;
  /**
   * Min-p truncation (0 = off): tokens whose probability is below `minP` times the step's most likely token's are
   * never drawn, which cuts the long tail a temperature-1 draw otherwise reaches now and then (wild leaps).
   */
  minP?: number;
}

/**
 * Generation on the backend, as for the drums: the GRU steps, draws each token by Gumbel-max from
 * uploaded uniforms (argmax(logits / T - log(-log u))), and feeds back the token and the last pitch
 * begun, for all steps and variations, reading nothing back until the end. The weights are
 * laid out at load so that no step slices a tensor (GruGates; tfjs-wasm reads back to slice), and the
 * Gumbel noise is made in JS (float64, then float32), so every backend adds the same numbers.
 */
export class MelodyRollout {
  readonly hidden: number;
  private readonly gru: GruGates;
  /** [VOCAB x PITCHES]: row t = the one-hot pitch of token t (zeros for hold and note off). */
  private readonly notePitch: tf.Tensor2D;
  /** [VOCAB x 1]: 1 for the tokens that do not begin a note (hold, note off: the last pitch stays). */
  private readonly isHold: tf.Tensor2D;
  /** [VOCAB x VOCAB]: row t = token t one-hot, as fed back. */
  private readonly tokenRows: tf.Tensor2D;
  /** [PITCHES x VOCAB]: last pitch one-hot -> a large negative score on the token that would begin it again. */
  private readonly repeatPenalty: tf.Tensor3D;
  private readonly outW: Float32Array;
  private readonly outB: Float32Array;
  private logits?: { key: string; w: tf.Tensor3D; b: tf.Tensor1D };

  constructor(weights: MelodyWeights) {
    const H = (this.hidden = weights.spec.hidden);
    this.outW = weights.get('out/w');
    this.outB = weights.get('out/b');
    this.gru = new GruGates(
      { wIh: weights.get('gru/w_ih'), wHh: weights.get('gru/w_hh'), bIh: weights.get('gru/b_ih'), bHh: weights.get('gru/b_hh'), hidden: H },
      MELODY_INPUT.size,
    );
    const np = new Float32Array(VOCAB * PITCHES);
    const isHold = new Float32Array(VOCAB);
    const tokenRows = new Float32Array(VOCAB * VOCAB);
    for (let t = 0; t < VOCAB; t++) {
      tokenRows[t * VOCAB + t] = 1;
      if (t < 2) isHold[t] = 1;
      else np[t * PITCHES + (t - 2)] = 1;
    }
    this.notePitch = tf.tensor2d(np, [VOCAB, PITCHES]);
    this.isHold = tf.tensor2d(isHold, [VOCAB, 1]);
    this.tokenRows = tf.tensor2d(tokenRows, [VOCAB, VOCAB]);
    const rp = new Float32Array(PITCHES * VOCAB);
    for (let p = 0; p < PITCHES; p++) rp[p * VOCAB + p + 2] = -1e9;
    this.repeatPenalty = weightMatrix(rp, PITCHES, VOCAB);
  }

  /** The output layer divided by the temperature, the token mask folded into its bias (kept for the next request). */
  private logitLayer(temperature: number, mask: Float32Array): { w: tf.Tensor3D; b: tf.Tensor1D } {
    const key = `${temperature}|${mask.join(',')}`;
    if (this.logits?.key === key) return this.logits;
    if (this.logits) tf.dispose([this.logits.w, this.logits.b]);
    const w = temperature === 1 ? this.outW : this.outW.map((v) => v / temperature);
    const b = this.outB.map((v, i) => v / temperature + mask[i]);
    this.logits = { key, w: weightMatrix(w, this.hidden, VOCAB), b: tf.tensor1d(b) };
    return this.logits;
  }

  /** Raw logits for teacher-forced inputs [steps][batch][size]: the reference path for parity and evaluation. */
  teacherForced(inputs: Float32Array, steps: number, batch: number): Float32Array {
    const out = new Float32Array(steps * batch * VOCAB);
    this.teacherForcedSteps(inputs, steps, batch, (s, logits) => out.set(logits.dataSync() as Float32Array, s * batch * VOCAB));
    return out;
  }

  /** The same logits, one array per step, read back asynchronously (the only correct read-back on WebGPU). */
  async teacherForcedAsync(inputs: Float32Array, steps: number, batch: number): Promise<Float32Array[]> {
    const pending: tf.Tensor2D[] = [];
    try {
      this.teacherForcedSteps(inputs, steps, batch, (_, logits) => pending.push(tf.clone(logits)));
      return (await Promise.all(pending.map((t) => t.data()))) as Float32Array[];
    } finally {
      tf.dispose(pending);
    }
  }

  /** Runs the cell over teacher-forced inputs, handing each step's logits to `read` (disposed after). */
  private teacherForcedSteps(inputs: Float32Array, steps: number, batch: number, read: (step: number, logits: tf.Tensor2D) => void): void {
    const I = MELODY_INPUT.size;
    const raw = this.logitLayer(1, new Float32Array(VOCAB));
    let h: Rows = tf.zeros([1, batch, this.hidden]);
    try {
      for (let s = 0; s < steps; s++) {
        const x = tf.tensor3d(inputs.subarray(s * batch * I, (s + 1) * batch * I), [1, batch, I]);
        const [hNew, logits] = tf.tidy(() => {
          const hn = this.gru.cell([x], h);
          return [hn, tf.reshape(linear(hn, raw.w, raw.b), [batch, VOCAB]) as tf.Tensor2D];
        });
        x.dispose();
        h.dispose();
        h = hNew as Rows;
        try {
          read(s, logits);
        } finally {
          logits.dispose();
        }
      }
    } finally {
      h.dispose();
    }
  }

  /** Runs a generation on the backend; returns the sampled tokens [(total - kept) x batch] (int32) to read back. */
  run(plan: RolloutPlan): tf.Tensor2D {
    const { batch: B, total, kept } = plan;
    const logits = this.logitLayer(plan.temperature, plan.tokenMask);
    const fold = plan.fold ? tf.tensor2d(plan.fold, [VOCAB, VOCAB]) : undefined;
    const lastBias = plan.intervalMask ? weightMatrix(plan.intervalMask, PITCHES, VOCAB) : plan.noRepeat ? this.repeatPenalty : undefined;
    const sampled: tf.Tensor2D[] = [];
    let h: Rows = tf.zeros([1, B, this.hidden]);
    let fb: Rows | undefined;
    let last: Rows | undefined;
    try {
      for (let s = 0; s < total; s++) {
        const given = tf.tensor3d(plan.given.subarray(s * B * GIVEN, (s + 1) * B * GIVEN), [1, B, GIVEN]);
        if (s <= kept) {
          // Teacher-forced from the primer (and the step after its last one).
          fb?.dispose();
          last?.dispose();
          fb = tf.tensor3d(plan.primerFeedback.subarray(s * B * FEEDBACK, (s + 1) * B * FEEDBACK), [1, B, FEEDBACK]);
          last = tf.tidy(() => tf.slice(fb!, [0, 0, VOCAB], [1, B, PITCHES]));
        }
        const hNew = tf.tidy(() => this.gru.cell([fb!, given], h));
        tf.dispose([given, h]);
        h = hNew;
        if (s < kept) continue;
        const t = s - kept;
        const g = tf.tensor3d(plan.gumbel.subarray(t * B * VOCAB, (t + 1) * B * VOCAB), [1, B, VOCAB]);
        const [tok, nextFb, nextLast] = tf.tidy(() => {
          const z = linear(h, logits.w, logits.b);
          // Folded: probabilities of out-of-register pitches moved onto their octave in the register (log of 0 = -inf: never drawn).
          const lp = fold ? tf.log(tf.matMul(tf.softmax(z), fold)) : z;
          // Min-p on what is drawn from: log-probabilities (up to a constant) more than log(minP) below the step's best are cut.
          const cut = plan.minP ? tf.mul(tf.cast(tf.less(lp, tf.add(tf.max(lp, 2, true), Math.log(plan.minP))), 'float32'), -1e9) : undefined;
          const raw = k.add(cut ? k.add(lp, cut) : lp, g);
          const scores = lastBias ? k.add(raw, linear(last!, lastBias)) : raw;
          const token = k.argMax(scores, 2);
          // The token's rows of the tables (exact: what a one-hot matMul picks).
          const oh = k.gather(this.tokenRows, token);
          const l = k.add(k.gather(this.notePitch, token), k.mul(k.gather(this.isHold, token), last!));
          return [token, k.concat([oh, l], 2), l];
        });
        g.dispose();
        fb!.dispose();
        last!.dispose();
        fb = nextFb as Rows;
        last = nextLast as Rows;
        sampled.push(tok as tf.Tensor2D);
      }
      return sampled.length ? tf.concat(sampled, 0) : tf.zeros([0, B], 'int32');
    } finally {
      h.dispose();
      fb?.dispose();
      last?.dispose();
      fold?.dispose();
      if (lastBias && lastBias !== this.repeatPenalty) lastBias.dispose();
      tf.dispose(sampled);
    }
  }

  dispose(): void {
    this.gru.dispose();
    tf.dispose([this.notePitch, this.isHold, this.tokenRows, this.repeatPenalty]);
    if (this.logits) tf.dispose([this.logits.w, this.logits.b]);
    this.logits = undefined;
  }
}
