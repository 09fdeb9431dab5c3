import type * as tf from '@tensorflow/tfjs-core';
import { DRUM_GENRES } from '../../conditioning/genres';
import type { DensityRange } from '../../conditioning/density';
import { TandemError } from '../../errors';
import { decodeWeights, type DecodedWeight } from '../weights-manifest';
import { NUM_DRUM_CLASSES } from '../../music/drum-map';
import type { ContourPriors } from './contour';
import type { SamplingScales } from './rollout';
import { DRUM_INPUT, DRUM_PATTERNS } from './spec';
import { VelocityBinsWeights, type VelocityHeadSpec } from './velocity-bins';

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
    /** Mean velocity that loudness 0 and 1 stand for (absent in models from before the loudness input). */
    loudnessRange?: DensityRange;
    /** How density and loudness move in real playing, per genre: generation draws each groove's contour from it. */
    contours?: ContourPriors;
    /** Sampling settings on top of the request's temperature (absent = neutral). */
    sampling?: SamplingScales;
    /** Which velocity head the network has (absent = the Gaussian head): see velocity-bins.ts. */
    velocityHead?: VelocityHeadSpec;
  };
  training?: Record<string, unknown>;
  weightsManifest: tf.io.WeightsManifestConfig;
}

/** Throws a TandemError naming the first sampling setting of model.json that the rollout cannot use. */
function checkSampling(sampling: SamplingScales): void {
  const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  const bad = (name: string, value: unknown, allowed: string) =>
    new TandemError(`drum model sampling.${name} is ${JSON.stringify(value)}; allowed: ${allowed}`);
  for (const k of ['pattern', 'velocity', 'offset'] as const) if (!finite(sampling[k]) || sampling[k] <= 0) throw bad(k, sampling[k], 'a number > 0');
  for (const k of ['velocityShared', 'offsetShared'] as const) {
    const v = sampling[k];
    if (v !== undefined && (!finite(v) || v < 0 || v >= 1)) throw bad(k, v, 'a number in [0, 1)');
  }
  if (sampling.repeatBar !== undefined && !finite(sampling.repeatBar)) throw bad('repeatBar', sampling.repeatBar, 'a number (log-odds)');
  for (const k of ['velocityGroove', 'velocityClassGroove'] as const) {
    const v = sampling[k];
    if (v !== undefined && (!finite(v) || v < 0 || v > 64)) throw bad(k, v, 'a number of velocity units in [0, 64]');
  }
  for (const k of ['offsetLoose', 'velocityLoose'] as const) {
    const v = sampling[k];
    if (v !== undefined && (!finite(v) || v < 0 || v > 2)) throw bad(k, v, 'a number in [0, 2] (standard deviation of a log factor)');
  }
  const lw = sampling.loudnessWander;
  if (lw !== undefined && (!finite(lw) || lw < 0 || lw > 4)) throw bad('loudnessWander', lw, 'a number in [0, 4] (a factor)');
  const perClass = (name: 'velocityClassTemperature' | 'velocityClassShift', ok: (x: number) => boolean, allowed: string) => {
    const v = sampling[name];
    if (v !== undefined && (!Array.isArray(v) || v.length !== NUM_DRUM_CLASSES || !v.every((x) => finite(x) && ok(x)))) throw bad(name, v, allowed);
  };
  perClass('velocityClassTemperature', (x) => x > 0 && x <= 10, `${NUM_DRUM_CLASSES} numbers in (0, 10]`);
  perClass('velocityClassShift', (x) => Math.abs(x) <= 64, `${NUM_DRUM_CLASSES} numbers of velocity units in [-64, 64]`);
  if (sampling.offsetShift !== undefined && (!finite(sampling.offsetShift) || Math.abs(sampling.offsetShift) > 0.5))
    throw bad('offsetShift', sampling.offsetShift, 'a number of steps in [-0.5, 0.5]');
  const list = (name: 'classBias' | 'restBias', n: number) => {
    const v = sampling[name];
    if (v !== undefined && (!Array.isArray(v) || v.length !== n || !v.every(finite))) throw bad(name, v, `${n} numbers (log-odds)`);
  };
  list('classBias', NUM_DRUM_CLASSES);
  list('restBias', 16);
}

/** What loading needs: the parsed model.json and the bytes of its weights file. */
export interface DrumNetArtifacts {
  modelJson: DrumModelJson;
  weights: ArrayBuffer;
}

/**
 * The drum network's weights as plain float32 arrays, decoded in JS from the TF.js manifest
 * (unquantised float32: what the trainer writes) after checking that the model fits the code.
 * The network builds its tensors from these, and rearranges them for generation, without reading
 * anything back from a backend (WebGPU's synchronous read-back is wrong in tfjs 4.22).
 */
export class DrumWeights {
  readonly spec: DrumModelJson['spec'];
  private readonly arrays: Map<string, DecodedWeight>;

  constructor(art: DrumNetArtifacts) {
    const { modelJson } = art;
    if (modelJson.format !== 'tandem-drums-gru') throw new TandemError(`not a Tandem drum model (format ${String(modelJson.format)})`);
    const s = modelJson.spec;
    // A model from before the loudness input (63 inputs) or the lookback (64) reads the inputs it
    // lacks, the last ones, with zero weights: it plays as it did.
    const legacy = s.inputSize === DRUM_INPUT.loudness || s.inputSize === DRUM_INPUT.lookback;
    if ((s.inputSize !== DRUM_INPUT.size && !legacy) || s.patterns !== DRUM_PATTERNS || s.classes !== NUM_DRUM_CLASSES) {
      throw new TandemError(
        `drum model spec mismatch: model has input ${s.inputSize}, patterns ${s.patterns}; code expects ${DRUM_INPUT.size} (or ${DRUM_INPUT.loudness}, ${DRUM_INPUT.lookback} for older models), ${DRUM_PATTERNS}`,
      );
    }
    if (s.genres.join() !== DRUM_GENRES.join()) throw new TandemError("drum model genres differ from the code's genre list");
    if (s.sampling) checkSampling(s.sampling);
    this.spec = { ...s, inputSize: DRUM_INPUT.size };
    this.arrays = decodeWeights(modelJson.weightsManifest, art.weights, 'drum model');
    const H = s.hidden;
    if (legacy) {
      const w = this.entry('gru/w_ih');
      const padded = new Float32Array(DRUM_INPUT.size * 3 * H);
      padded.set(w.values);
      this.arrays.set('gru/w_ih', { shape: [DRUM_INPUT.size, 3 * H], values: padded });
    }
    // A model without a learned initial state starts from zeros: tanh(0) = 0. One from before the
    // lookback has fewer rows: the lookback's are zero (the initial state never sees it).
    const initRows = DRUM_INPUT.size - DRUM_INPUT.position;
    if (!this.arrays.has('init/w')) {
      this.arrays.set('init/w', { shape: [initRows, H], values: new Float32Array(initRows * H) });
      this.arrays.set('init/b', { shape: [H], values: new Float32Array(H) });
    } else if (legacy && this.entry('init/w').shape[0] === s.inputSize - DRUM_INPUT.position) {
      const padded = new Float32Array(initRows * H);
      padded.set(this.entry('init/w').values);
      this.arrays.set('init/w', { shape: [initRows, H], values: padded });
    }
    const init = this.entry('init/w').shape;
    if (init[0] !== initRows || init[1] !== H) throw new TandemError(`drum model initial-state weights are ${init.join('x')}; expected ${initRows}x${H}`);
    this.velocityBins = s.velocityHead === undefined ? undefined : new VelocityBinsWeights(s.velocityHead, H, this);
  }

  /** The velocity-bin head's weights; undefined for a network with the Gaussian velocity head. */
  readonly velocityBins?: VelocityBinsWeights;

  /** Whether the model has a weight of this name. */
  has(name: string): boolean {
    return this.arrays.has(name);
  }

  /** Whether the network was trained with the lookback inputs (any non-zero weight on them). */
  get hasLookback(): boolean {
    const w = this.get('gru/w_ih');
    const G = 3 * this.spec.hidden;
    for (let i = DRUM_INPUT.lookback * G; i < DRUM_INPUT.size * G; i++) if (w[i] !== 0) return true;
    return false;
  }

  /** A weight's values (row-major); throws when the model lacks it. */
  get(name: string): Float32Array {
    return this.entry(name).values;
  }

  shape(name: string): number[] {
    return this.entry(name).shape;
  }

  private entry(name: string) {
    const w = this.arrays.get(name);
    if (!w) throw new TandemError(`drum model weights lack ${name}`);
    return w;
  }
}
