import * as tf from '@tensorflow/tfjs-core';
import { NUM_DRUM_CLASSES } from '../../music/drum-map';
import { makeRng } from '../../random';
import { NEUTRAL_SAMPLING, NORMALS_PER_STEP, samplingNoise, type SamplingNoise, type SamplingScales } from './sampling';
import { TandemError } from '../../errors';
import type { DrumGrid } from '../../tokens/drum-grid';
import { isFillBar, type DrumRequest } from '../request';
import { priorFor, sampleContour, type ContourPriors } from './contour';
import { fillGivenInputs, type BarConditioning } from './inputs';
import { DRUM_INPUT, DRUM_LOOKBACK_BARS, DRUM_LOOKBACK_FEATURES, DRUM_PATTERNS, DRUM_STEPS_PER_BAR } from './spec';
import type { DrumWeights } from './weights';
import { foldSigmoidState, GruGates } from '../gru-gates';
import { k, linear, weightMatrix, type Rows } from '../kernels';
import { DrumStepHead } from './step-head';
import { featureGrids, primerFeatures, primerPattern, STEP_FEATURES } from './step-features';

const C = NUM_DRUM_CLASSES;
export { NEUTRAL_SAMPLING, NORMALS_PER_STEP, samplingNoise, type SamplingNoise, type SamplingScales } from './sampling';
export { STEP_FEATURES } from './step-features';
/** What a rollout may be given besides the request. */
export interface RolloutOptions {
  /** Each variation's bar-level conditioning (default: drawn from the model's contour priors). */
  bars?: BarConditioning[];
  /**
   * Hits to play instead of sampling them (Humanize): at every step after the primer, every
   * variation plays this grid's hits and only their velocities and timing are sampled.
   */
  forced?: DrumGrid;
}

/**
 * The model inputs that do not depend on what was sampled (position in the bar, density, fill flag,
 * genre, loudness, lookback flags): the model's input row from here on, less the lookback's played
 * features, which are never given.
 */
const GIVEN_FROM = DRUM_INPUT.position;

/**
 * The given inputs a rollout feeds: those of the model's input columns from GIVEN_FROM on that a
 * weight reads (a non-zero row of the cell's input weights or of the initial state's, and the
 * loudness for the velocity-bin head). A column every weight ignores would only add zero products
 * to each step's matrix products (the current network, trained without the lookback, ignores 57 of
 * its 120 inputs): leaving it out gives the same sums with fewer operations.
 */
export function givenColumns(weights: DrumWeights): number[] {
  const G = 3 * weights.spec.hidden;
  const H = weights.spec.hidden;
  const wIh = weights.get('gru/w_ih');
  const init = weights.get('init/w');
  const reads = (w: Float32Array, row: number, width: number) => w.subarray(row * width, (row + 1) * width).some((x) => x !== 0);
  const cols: number[] = [];
  for (let c = GIVEN_FROM; c < DRUM_INPUT.size; c++) {
    const lookback = c >= DRUM_INPUT.lookback && c < DRUM_INPUT.lookbackFlags;
    if (lookback) continue;
    if (reads(wIh, c, G) || reads(init, c - GIVEN_FROM, H) || (c === DRUM_INPUT.loudness && weights.velocityBins)) cols.push(c);
  }
  return cols;
}

/**
 * Generation on the backend: the GRU steps, samples each 16th's hit pattern (Gumbel-max with
 * uploaded uniforms) and its velocities and offsets (uploaded normals), and feeds them back, for
 * all steps and variations, reading nothing back until the end. One read-back per generation
 * instead of one per step: on GPU backends each read-back is a sync, and on wasm each large one
 * (and every slice, which tfjs-wasm does by reading back) costs a copy that Chromium's GC pays for.
 *
 * The weights are rearranged at load so that no step slices a tensor (tfjs-wasm copies the whole
 * tensor to slice it): one matrix per gate over [step features | hidden], the head split into its
 * mean and log-std halves, constants folded in. Each step is ~36 kernels called directly
 * (kernels.ts): for one variation, op dispatch, not arithmetic, is most of a step's time on wasm.
 */
export class DrumRollout {
  private readonly H: number;
  private readonly gru: GruGates;
  /** Each hit's velocity and timing from the new state and the step's hits. */
  private readonly head: DrumStepHead;
  /**
   * Steps back whose features the cell also reads (the lookback bars, in steps), empty for a model
   * trained without the lookback: it runs as fast as before.
   */
  private readonly lookbackSteps: readonly number[];
  /** [512 x 18]: row p = the hit bits of pattern p, twice (gathered by the sampled pattern index). */
  private readonly patternHits: tf.Tensor2D;
  /** The model input's columns fed as the given inputs (givenColumns), in their order. */
  private readonly givenCols: readonly number[];
  /** Learned initial state from step 0's given inputs: [given x hidden]. */
  private readonly wInit: tf.Tensor3D;
  private readonly bInit: tf.Tensor1D;
  private readonly contours?: ContourPriors;
  /** Pattern logits' weights, as stored and divided by the temperature last used. */
  private readonly outW: Float32Array;
  private readonly outB: Float32Array;
  private logits?: { temperature: number; w: tf.Tensor3D; b: tf.Tensor1D };

  constructor(weights: DrumWeights) {
    const H = (this.H = weights.spec.hidden);
    const G = 3 * H;
    const wIh = weights.get('gru/w_ih');
    const wHh = weights.get('gru/w_hh');
    const bIh = weights.get('gru/b_ih');
    const bHh = weights.get('gru/b_hh');
    this.outW = weights.get('out/w');
    this.outB = weights.get('out/b');

    // The cell reads [the step before's played features | the step's given inputs | with the
    // lookback, the played features of the steps one and two bars back]: its input weights in that
    // order, scaled to the features' units (the model saw velocity / 127 and offset x 2). The
    // given inputs' lookback columns are always zero there.
    this.lookbackSteps = weights.hasLookback ? DRUM_LOOKBACK_BARS.map((b) => b * DRUM_STEPS_PER_BAR) : [];
    const givenCols = (this.givenCols = givenColumns(weights));
    const INPUTS = STEP_FEATURES + givenCols.length;
    const inputs = INPUTS + STEP_FEATURES * this.lookbackSteps.length;
    const wIx = new Float32Array(inputs * G);
    /** Cell rows `at`.. from the played features whose hits, velocities and offsets are the model's rows hits.., vel.., off... */
    const features = (at: number, hits: number, vel: number, off: number) => {
      for (let c = 0; c < C; c++) {
        wIx.set(wIh.subarray((hits + c) * G, (hits + c + 1) * G), (at + c) * G);
        // at + C + c: the second copy of the hits only masks the offsets (zero weights)
        for (let col = 0; col < G; col++) {
          wIx[(at + 2 * C + c) * G + col] = wIh[(vel + c) * G + col] / 127;
          wIx[(at + 3 * C + c) * G + col] = wIh[(off + c) * G + col] * 2;
        }
      }
    };
    features(0, DRUM_INPUT.prevHits, DRUM_INPUT.prevVel, DRUM_INPUT.prevOff);
    givenCols.forEach((c, i) => wIx.set(wIh.subarray(c * G, (c + 1) * G), (STEP_FEATURES + i) * G));
    this.lookbackSteps.forEach((_, k) => {
      const lb = DRUM_INPUT.lookback + k * DRUM_LOOKBACK_FEATURES;
      features(INPUTS + k * STEP_FEATURES, lb, lb + C, lb + 2 * C);
    });
    // The state kept as q = (h + 1) / 2 (gru-gates.ts StateForm): every layer reading it is folded
    // for it (the step head, the logits, the initial state).
    this.gru = new GruGates({ wIh, wHh, bIh, bHh, hidden: H }, inputs, wIx, 'sigmoid');
    this.head = new DrumStepHead(weights, givenCols);

    const patternHits = new Float32Array(DRUM_PATTERNS * 2 * C);
    for (let p = 0; p < DRUM_PATTERNS; p++) {
      for (let c = 0; c < C; c++) patternHits[p * 2 * C + c] = patternHits[p * 2 * C + C + c] = p & (1 << c) ? 1 : 0;
    }
    this.patternHits = tf.tensor2d(patternHits, [DRUM_PATTERNS, 2 * C]);
    const init = weights.get('init/w');
    const wInit = new Float32Array(givenCols.length * H);
    givenCols.forEach((c, i) => wInit.set(init.subarray((c - GIVEN_FROM) * H, (c - GIVEN_FROM + 1) * H), i * H));
    // q0 = (tanh(a) + 1) / 2 = sigmoid(2a): both doubled, the sigmoid fused.
    this.wInit = weightMatrix(
      wInit.map((x) => 2 * x),
      givenCols.length,
      H,
    );
    this.bInit = tf.tensor1d(weights.get('init/b').map((x) => 2 * x));
    this.contours = weights.spec.contours;
    this.sampling = weights.spec.sampling ?? NEUTRAL_SAMPLING;
    // Added to the tempered scores (the same odds at every temperature): row p holds the bonus on
    // pattern p, gathered by the pattern index a bar before.
    const bonus = this.sampling.repeatBar;
    if (bonus) this.repeatBonus = bonus === 1 ? undefined : tf.scalar(bonus);
    this.repeats = !!bonus;
  }

  /** Whether the sampling has a repeat bonus (sampling.repeatBar). */
  private readonly repeats: boolean;
  /** The repeat bonus as a scalar the one-hot rows are multiplied by; undefined when it is 1 (or none). */
  private readonly repeatBonus?: tf.Scalar;

  /** The model's sampling settings in use (model.json's, or neutral for a model without them). */
  readonly sampling: SamplingScales;

  /**
   * Each variation's bar-level conditioning, drawn from the model's contour priors with the
   * variation's own generator (`seed:index:contour`); undefined for a model without priors,
   * which plays every bar at the request's density.
   */
  barConditioning(req: DrumRequest): BarConditioning[] | undefined {
    if (!this.contours) return undefined;
    const fitted = priorFor(this.contours, req.genre);
    const prior = { ...fitted, loudnessWanderStd: fitted.loudnessWanderStd * (this.sampling.loudnessWander ?? 1) };
    return Array.from({ length: req.count }, (_, b) => sampleContour(prior, req.density, req.bars, makeRng(`${req.seed}:${b}:contour`)));
  }

  /** Pattern logits' weight and bias divided by the temperature (kept for the next request). */
  private logitLayer(temperature: number): { w: tf.Tensor3D; b: tf.Tensor1D } {
    if (this.logits?.temperature === temperature) return this.logits;
    this.logits?.w.dispose();
    this.logits?.b.dispose();
    const bias = this.sampling.classBias;
    const classBias = (p: number) => (bias ? bias.reduce((a, x, c) => a + (p & (1 << c) ? x : 0), 0) : 0);
    const folded = foldSigmoidState(
      this.outW,
      DRUM_PATTERNS,
      0,
      this.H,
      this.outB.map((v, p) => v + classBias(p)),
    );
    const w = temperature === 1 ? folded.w : folded.w.map((v) => v / temperature);
    const b = folded.b.map((v) => v / temperature);
    this.logits = { temperature, w: weightMatrix(w, this.H, DRUM_PATTERNS), b: tf.tensor1d(b) };
    return this.logits;
  }

  /** Writes the given inputs at step s (the model input's givenCols) of one variation into `into` from `at`. */
  private givenInputs(into: Float32Array, at: number, req: DrumRequest, s: number, bars?: BarConditioning): void {
    const row = this.givenRow.fill(0);
    fillGivenInputs(row, 0, s, req, bars);
    const cols = this.givenCols;
    for (let i = 0; i < cols.length; i++) into[at + i] = row[cols[i]];
  }

  /** A model input row, reused by givenInputs. */
  private readonly givenRow = new Float32Array(DRUM_INPUT.size);

  /**
   * The step's hit pattern: its index ([1 x batch], int32) and its hit bits twice ([1 x batch x
   * 18]). By the Gumbel-max trick, argmax(logits / T - log(-log u)) (`gumbel` = log(-log u)): exact sampling whose outcome
   * changes between backends only when the two best scores lie within float noise of each other
   * (measured: inverse-CDF sampling in float32 flips about 100 times as often, its 512 boundaries
   * each carrying cumsum rounding). With `barBefore` (the pattern index one bar earlier) and
   * `sampling.repeatBar`, that pattern gets the repeat bonus.
   */
  private samplePattern(h: Rows, gumbel: Rows, logits: { w: tf.Tensor3D; b: tf.Tensor1D }, barBefore?: tf.Tensor2D): { pattern: tf.Tensor2D; hits: Rows } {
    let scores = k.sub(linear(h, logits.w, logits.b), gumbel);
    if (barBefore && this.repeats) scores = k.add(scores, this.repeatRow(barBefore));
    const pattern = k.argMax(scores, 2);
    return { pattern, hits: k.gather(this.patternHits, pattern) };
  }

  /**
   * The repeat bonus on each variation's pattern a bar before, 0 elsewhere: [1 x batch x 512].
   * A one-hot row (int32: tfjs-wasm's OneHot writes integers whatever the dtype asked) made float
   * and scaled: the same values as gathering rows of a [512 x 512] diagonal, which tfjs-wasm
   * copies element by element (measured 0.30 ms a step for 16 variations against 0.03 ms).
   */
  private repeatRow(barBefore: tf.Tensor2D): Rows {
    const oneHot = tf.engine().runKernel(tf.OneHot, { indices: barBefore }, { depth: DRUM_PATTERNS, onValue: 1, offValue: 0, dtype: 'int32' }) as Rows;
    const row = tf.engine().runKernel(tf.Cast, { x: oneHot }, { dtype: 'float32' }) as Rows;
    return this.repeatBonus ? k.mul(row, this.repeatBonus) : row;
  }

  /** Grids from `run`'s features read back: the primer's steps as they are, then what was sampled. */
  grids(req: DrumRequest, kept: number, features: Float32Array): DrumGrid[] {
    return featureGrids(req, kept, features);
  }

  /**
   * Sampled step t's Gumbel noise (log(-log u) of the patterns' uniforms, subtracted from the
   * scores) for the batch, at generation step s: with `sampling.restBias`, the step's rest bias is
   * taken off the empty pattern's noise, which adds it to that pattern's score (the same odds as
   * adding it to the scores, without a kernel a step over all 512 scores).
   */
  private stepGumbel(all: Float32Array, t: number, B: number, s: number): Float32Array {
    const step = all.subarray(t * B * DRUM_PATTERNS, (t + 1) * B * DRUM_PATTERNS);
    const rest = this.sampling.restBias?.[s % DRUM_STEPS_PER_BAR];
    if (!rest) return step;
    const out = step.slice();
    for (let b = 0; b < B; b++) out[b * DRUM_PATTERNS] -= rest;
    return out;
  }

  /** The noise of a generation of `req` after `kept` primer steps, drawn in JS (samplingNoise). */
  noise(req: DrumRequest, kept: number): SamplingNoise {
    return samplingNoise(req, req.bars * DRUM_STEPS_PER_BAR - kept, this.sampling, this.head.velocityBins?.ref.bins);
  }

  /**
   * Draws a generation's noise (samplingNoise) and starts its Gumbel noise, log(-log u) of the
   * patterns' uniforms and the velocity bins', on the backend for all steps at once: `gumbel` is
   * to be read back (by the caller, synchronously or not: WebGPU allows only the latter, and
   * disposed) and handed to `run` with `noise`. One transform instead of three kernels a step,
   * which for one variation cost more in dispatch than in arithmetic, and the velocity bins' two
   * logarithms a bin no longer in JS, which 16 variations paid 16 times.
   */
  draw(req: DrumRequest, kept: number): { noise: SamplingNoise; gumbel: tf.Tensor1D } {
    const noise = this.noise(req, kept);
    return { noise, gumbel: tf.tidy(() => k.log(k.neg(k.log(tf.tensor1d(noise.gumbelUniforms)))) as tf.Tensor as tf.Tensor1D) };
  }

  /**
   * Runs a whole generation on the backend: `kept` primer steps, then the rest sampled, with the
   * noise from `draw` (`gumbel` read back, laid out as `noise.gumbelUniforms`).
   * Returns each sampled step's played features, [(step - kept) x count + variation,
   * STEP_FEATURES]: one tensor to read back (the caller disposes it), made grids by `grids`.
   */
  run(req: DrumRequest, kept: number, drawn: { noise: SamplingNoise; gumbel: Float32Array }, options: RolloutOptions = {}): tf.Tensor2D {
    const B = req.count;
    const total = req.bars * DRUM_STEPS_PER_BAR;
    const { noise, gumbel: all } = drawn;
    if (all.length !== noise.gumbelUniforms.length)
      throw new TandemError(`drum rollout: ${all.length} Gumbel numbers read back for ${noise.gumbelUniforms.length} uniforms (draw, then run)`);
    const patternGumbel = all.subarray(0, noise.uniforms.length);
    const binTemperature = Math.max(0.05, Math.min(1, req.temperature) * this.sampling.velocity);
    const K = C * (this.head.velocityBins?.ref.bins ?? 0);
    // With sampling.velocityLoose each groove's bins' Gumbel noise times its factor (its bins' temperature times the factor).
    const loose = noise.velocity?.loose;
    const velocityGumbel = loose ? all.slice(noise.uniforms.length).map((x, i) => x * loose[Math.floor(i / K) % B]) : all.subarray(noise.uniforms.length);
    const logits = this.logitLayer(req.temperature * this.sampling.pattern);
    const bars = options.bars ?? this.barConditioning(req);
    const forcedAt = (s: number): Rows | undefined => {
      const g = options.forced;
      if (!g) return undefined;
      const rows = new Float32Array(B * 2 * C);
      for (let c = 0; c < C; c++) {
        if (s >= g.steps || !g.velocity[s * C + c]) continue;
        for (let b = 0; b < B; b++) rows[b * 2 * C + c] = rows[b * 2 * C + C + c] = 1;
      }
      return tf.tensor3d(rows, [1, B, 2 * C]);
    };
    // Without contours the given inputs repeat with the position in the bar, the fill flag and
    // which lookback bars exist (bar 0, 1, or later): one tensor each. With contours every step of
    // every variation has its own.
    const given = new Map<number, Rows>();
    const givenAt = (s: number): Rows => {
      const bar = Math.floor(s / DRUM_STEPS_PER_BAR);
      const key = bars ? s : ((s % DRUM_STEPS_PER_BAR) * 2 + (isFillBar(bar, req.fillEvery) ? 1 : 0)) * 3 + Math.min(bar, DRUM_LOOKBACK_BARS.length);
      let t = given.get(key);
      if (!t) {
        const G = this.givenCols.length;
        const rows = new Float32Array(B * G);
        for (let b = 0; b < B; b++) this.givenInputs(rows, b * G, req, s, bars?.[b]);
        given.set(key, (t = tf.tensor3d(rows, [1, B, G])));
      }
      return t;
    };
    // feats[s]: step s's played features (the primer's, then what was sampled): the next step's
    // input and a later step's lookback. Before step 0: silence. With the repeat bonus (and hits
    // that are sampled), patterns[s]: step s's pattern index, read a bar later.
    const feats: Rows[] = [];
    const patterns: tf.Tensor2D[] = [];
    const keepPatterns = this.repeats && !options.forced;
    const silence = tf.zeros([1, B, STEP_FEATURES]) as Rows;
    const given0 = givenAt(0); // outside the tidy: kept in the map
    let h: Rows = linear(given0, this.wInit, this.bInit, 'sigmoid');
    try {
      for (let s = 0; s < total; s++) {
        const input = [s > 0 ? feats[s - 1] : silence, givenAt(s), ...this.lookbackSteps.map((back) => (s >= back ? feats[s - back] : silence))];
        let next: Rows;
        if (s < kept) {
          next = tf.tidy(() => this.gru.cell(input, h));
          feats.push(primerFeatures(req.primer!, s, B));
          if (keepPatterns) patterns.push(primerPattern(req.primer!, s, B));
        } else {
          const t = s - kept;
          const u = options.forced ? undefined : tf.tensor3d(this.stepGumbel(patternGumbel, t, B, s), [1, B, DRUM_PATTERNS]);
          const z = tf.tensor3d(noise.normals.subarray(t * B * NORMALS_PER_STEP, (t + 1) * B * NORMALS_PER_STEP), [1, B, NORMALS_PER_STEP]);
          const forced = forcedAt(s);
          const vn = noise.velocity;
          const gumbel = vn && tf.tensor3d(velocityGumbel.subarray(t * B * K, (t + 1) * B * K), [1, B, K]);
          const base = vn && tf.tensor3d(vn.base.subarray(t * B * 2 * C, (t + 1) * B * 2 * C), [1, B, 2 * C]);
          // The velocity-bin head reads the step's given inputs and the played features a bar before.
          const bins = gumbel &&
            base && {
              given: input[1],
              barBefore: s >= DRUM_STEPS_PER_BAR ? feats[s - DRUM_STEPS_PER_BAR] : silence,
              temperature: binTemperature,
              gumbel,
              base,
            };
          const out = tf.tidy(() => {
            const hn = this.gru.cell(input, h);
            if (forced) return [hn, this.head.sample(hn, forced, z, bins)];
            const barBefore = s >= DRUM_STEPS_PER_BAR ? patterns[s - DRUM_STEPS_PER_BAR] : undefined;
            const { pattern, hits } = this.samplePattern(hn, u!, logits, barBefore);
            return keepPatterns ? [hn, this.head.sample(hn, hits, z, bins), pattern] : [hn, this.head.sample(hn, hits, z, bins)];
          });
          u?.dispose();
          z.dispose();
          if (gumbel && base) tf.dispose([gumbel, base]);
          forced?.dispose();
          feats.push(out[1] as Rows);
          if (keepPatterns) patterns.push(out[2] as tf.Tensor2D);
          next = out[0] as Rows;
        }
        h.dispose();
        h = next;
      }
      return tf.tidy(() => tf.reshape(tf.concat(feats.slice(kept), 1), [-1, STEP_FEATURES]) as tf.Tensor2D);
    } finally {
      h.dispose();
      silence.dispose();
      tf.dispose(feats);
      tf.dispose(patterns);
      tf.dispose([...given.values()]);
    }
  }

  dispose(): void {
    this.gru.dispose();
    this.head.dispose();
    tf.dispose([this.patternHits, this.wInit, this.bInit]);
    this.repeatBonus?.dispose();
    if (this.logits) tf.dispose([this.logits.w, this.logits.b]);
    this.logits = undefined;
  }
}
