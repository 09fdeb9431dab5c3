/**
 * The drum rollout's sampling settings (model.json `spec.sampling`) and the randomness of one
 * generation, drawn in JS before the network runs (split from rollout.ts, which applies them).
 */
import { NUM_DRUM_CLASSES } from '../../music/drum-map';
import { gaussian, makeRng } from '../../random';
import type { DrumRequest } from '../request';
import { DRUM_PATTERNS } from './spec';
import { binBase } from './velocity-bins';

const C = NUM_DRUM_CLASSES;
/** Standard normals per variation per sampled step: a velocity and an offset draw for every class. */
export const NORMALS_PER_STEP = 2 * C;
/** A uniform stays inside (0, 1) as a float32, so the double log of the Gumbel noise stays finite. */
const UNIFORM_LO = 2 ** -32;
const UNIFORM_HI = 1 - 2 ** -24;

/**
 * The model's own sampling settings (model.json `spec.sampling`), applied on top of the request's
 * temperature: the pattern softmax's temperature, the scale of the velocity and timing noise, and
 * how much of that noise a groove keeps from hit to hit. Chosen by `npm run tune:drums` on
 * training performances.
 */
export interface SamplingScales {
  pattern: number;
  /** The velocity noise's scale; with the velocity-bin head (velocity-bins.ts), the bins' softmax temperature. */
  velocity: number;
  offset: number;
  /**
   * Share (0..1) of the velocity noise's variance that is the same for every hit of a class in
   * one groove (default 0: every hit draws its own). The network's per-hit Gaussian spreads over
   * how loud this drummer plays the kick today as well as over hit-to-hit noise; drawing that part
   * once per groove makes grooves differ in loudness and hits within one groove consistent, as
   * drummers' are. The total spread of each hit stays the network's. Gaussian velocity head only
   * (the velocity-bin head reads the bar before's velocities itself).
   */
  velocityShared?: number;
  /** The same for the timing noise: a groove's own push or drag per class. */
  offsetShared?: number;
  /**
   * Log-odds added to the hit pattern the groove played at the same step one bar earlier (default
   * 0). Drummers repeat their bars more than a network sampling every 16th afresh does (issue 13:
   * 14.1 step-class changes between the two bars of a window against 9.9); a bonus on the bar
   * before's pattern, folded into the Gumbel-max, makes bars repeat more while every pattern stays
   * possible. Primer bars count as played.
   */
  repeatBar?: number;
  /** Log-odds per drum class (9, in DRUM_CLASSES order) added to every pattern that plays it (default none). */
  classBias?: readonly number[];
  /**
   * Log-odds added to playing nothing, per 16th of the bar (16; default none): negative on the
   * "e" and "a" makes more off-16th hits (ghost notes), positive elsewhere keeps the density.
   */
  restBias?: readonly number[];
  /** Steps added to every hit's timing offset (default 0; negative = ahead of the beat). */
  offsetShift?: number;
  /**
   * Velocity-bin head only: the standard deviation, in velocity units, of a shift drawn once per
   * groove (its own generator, `seed:index:velocity-groove`) and added to every velocity of it,
   * clamped to 1..127 (default 0). Drummers play some grooves louder and keep a groove's level;
   * with a bin temperature (`velocity`) under 1 the spread moves from inside a groove to between grooves.
   */
  velocityGroove?: number;
  /**
   * Velocity-bin head only: per drum class (9, in DRUM_CLASSES order), a factor on the bins'
   * temperature (default all 1): under 1 keeps that class's velocities closer to its most likely
   * bins (a drummer's kick varies less inside a groove than the network's).
   */
  velocityClassTemperature?: readonly number[];
  /**
   * Velocity-bin head only: standard deviation of the log of a factor drawn once per groove (its
   * generator `seed:index:velocity-groove`, after velocityGroove's shift) on the bins' temperature
   * (default 0; the factor's mean is 1): drummers play some performances with a wide dynamic range
   * and some even.
   */
  velocityLoose?: number;
  /**
   * Velocity-bin head only: standard deviation, in velocity units, of a shift drawn once per groove
   * and drum class (generator `seed:index:velocity-groove`, after velocityLoose's factor) and added
   * to that class's velocities, clamped to 1..127 (default 0): how much louder the snare is than the
   * hats differs from drummer to drummer (issue 13: the spread between windows of the velocity
   * spread is 8.4, the network's 5.8).
   */
  velocityClassGroove?: number;
  /**
   * A factor on the contour prior's bar-to-bar loudness wander (default 1): under 1 keeps a groove's
   * loudness steadier from bar to bar around its level.
   */
  loudnessWander?: number;
  /** Velocity-bin head only: per drum class (9), velocity units added to every hit of it, clamped to 1..127 (default none). */
  velocityClassShift?: readonly number[];
  /**
   * Standard deviation of the log of a factor drawn once per groove (its own generator,
   * `seed:index:timing-groove`) on its timing noise (default 0; the factor's mean is 1). Drummers
   * play some performances tight and some loose (issue 13: the spread between 2-bar windows of
   * their timing spread is 0.075 step, the network's 0.044 with one scale for every groove).
   */
  offsetLoose?: number;
}

export const NEUTRAL_SAMPLING: Readonly<SamplingScales> = Object.freeze({ pattern: 1, velocity: 1, offset: 1 });

/** The randomness of one generation, drawn before the network runs. */
export interface SamplingNoise {
  /**
   * Every uniform made Gumbel noise on the backend, in one buffer (one transform and one
   * read-back a generation): `uniforms`, then `velocity.uniforms` when there are any.
   */
  gumbelUniforms: Float32Array;
  /** [sampled step][variation][pattern]: uniforms in (0, 1), made Gumbel noise on the backend. */
  uniforms: Float32Array;
  /** [sampled step][variation][velocity x 9, offset x 9]: standard normals times min(1, temperature). */
  normals: Float32Array;
  /**
   * For a network with the velocity-bin head (`bins` > 0): [sampled step][variation][9 x bins]
   * uniforms in (0, 1), made Gumbel noise on the backend with the patterns' (before 2026-11-30
   * the Gumbel noise itself was drawn here, in float64 JS: two logarithms a bin, which 16
   * variations paid 16 times), and [sampled step][variation][18] each class's binBase (where in
   * its bin the velocity falls), then 9 zeros (the offsets' half of the features), from the
   * variation's own generator `seed:index:velocity`.
   */
  velocity?: {
    uniforms: Float32Array;
    base: Float32Array;
    /** With `velocityLoose`: [variation] the groove's factor on its bins' Gumbel noise (applied where the noise is made). */
    loose?: Float64Array;
  };
}

/**
 * Draws all the randomness of a generation up front, in JS, from each variation's own seeded
 * generator (`seed:index`), so the backend can sample every step without reading anything back.
 * Per sampled step: 512 uniforms (one per pattern), then nine Box-Muller pairs (both halves
 * used). A fixed number of draws per step whatever was sampled, so variation i is the same alone
 * or in a batch. The groove's shared part of the velocity and timing noise (`velocityShared`,
 * `offsetShared`) comes from its own generator (`seed:index:groove`), so without it the draws are
 * exactly as before.
 */
export function samplingNoise(req: DrumRequest, steps: number, sampling: SamplingScales = NEUTRAL_SAMPLING, velocityBins = 0): SamplingNoise {
  const B = req.count;
  const scale = Math.min(1, req.temperature);
  const vScale = scale * sampling.velocity;
  const oScale = scale * sampling.offset;
  const P = steps * B * DRUM_PATTERNS;
  const gumbelUniforms = new Float32Array(P + steps * B * C * velocityBins);
  const uniforms = gumbelUniforms.subarray(0, P);
  const normals = new Float32Array(steps * B * NORMALS_PER_STEP);
  const vShared = sampling.velocityShared ?? 0;
  const oShared = sampling.offsetShared ?? 0;
  const vOwn = Math.sqrt(1 - vShared) * vScale;
  const oOwnAll = Math.sqrt(1 - oShared) * oScale;
  const loose = timingLooseness(req, sampling);
  for (let b = 0; b < B; b++) {
    const rng = makeRng(`${req.seed}:${b}`);
    const oOwn = oOwnAll * loose[b];
    // The groove's part of each class's noise: [velocity x 9, offset x 9].
    const groove = new Float64Array(NORMALS_PER_STEP);
    if (vShared || oShared) {
      const g = makeRng(`${req.seed}:${b}:groove`);
      for (let c = 0; c < C; c++) {
        const radius = Math.sqrt(-2 * Math.log(Math.max(g(), 1e-12)));
        const angle = 2 * Math.PI * g();
        groove[c] = radius * Math.cos(angle) * Math.sqrt(vShared) * vScale;
        groove[C + c] = radius * Math.sin(angle) * Math.sqrt(oShared) * oScale;
      }
    }
    for (let t = 0; t < steps; t++) {
      const u = (t * B + b) * DRUM_PATTERNS;
      for (let i = 0; i < DRUM_PATTERNS; i++) uniforms[u + i] = Math.min(Math.max(rng(), UNIFORM_LO), UNIFORM_HI);
      const o = (t * B + b) * NORMALS_PER_STEP;
      for (let c = 0; c < C; c++) {
        const radius = Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-12)));
        const angle = 2 * Math.PI * rng();
        normals[o + c] = radius * Math.cos(angle) * vOwn + groove[c];
        normals[o + C + c] = radius * Math.sin(angle) * oOwn + groove[C + c];
      }
    }
  }
  const velocity = velocityBins ? velocityBinNoise(req, steps, velocityBins, scale, sampling, gumbelUniforms.subarray(P)) : undefined;
  return { gumbelUniforms, uniforms, normals, velocity };
}

/** A per-groove factor of mean 1 from a standard normal `z`: exp(std z - std^2 / 2) (log-normal). */
function meanOneFactor(std: number, z: number): number {
  return Math.exp(std * z - (std * std) / 2);
}

/**
 * Each groove's factor on its timing noise (`offsetLoose`), from its own generator
 * `seed:index:timing-groove` (all 1 without it); its spread scaled by min(1, temperature) like the noise.
 */
function timingLooseness(req: DrumRequest, sampling: SamplingScales): Float64Array {
  const looseStd = (sampling.offsetLoose ?? 0) * Math.min(1, req.temperature);
  const loose = new Float64Array(req.count).fill(1);
  if (looseStd) for (let b = 0; b < req.count; b++) loose[b] = meanOneFactor(looseStd, gaussian(makeRng(`${req.seed}:${b}:timing-groove`)));
  return loose;
}

/** The velocity-bin head's noise (SamplingNoise.velocity), from each variation's `seed:index:velocity` generator. */
function velocityBinNoise(
  req: DrumRequest,
  steps: number,
  bins: number,
  scale: number,
  sampling: SamplingScales,
  uniforms: Float32Array,
): { uniforms: Float32Array; base: Float32Array; loose?: Float64Array } {
  const B = req.count;
  const K = C * bins;
  const base = new Float32Array(steps * B * 2 * C);
  const grooveStd = scale * (sampling.velocityGroove ?? 0);
  const looseStd = scale * (sampling.velocityLoose ?? 0);
  const classShift = sampling.velocityClassShift ?? [];
  const classStd = scale * (sampling.velocityClassGroove ?? 0);
  const loose = looseStd ? new Float64Array(B) : undefined;
  for (let b = 0; b < B; b++) {
    const rng = makeRng(`${req.seed}:${b}:velocity`);
    const groove = makeRng(`${req.seed}:${b}:velocity-groove`);
    const shift = grooveStd ? grooveStd * gaussian(groove) : 0;
    // The groove's factor (mean 1) on the bins' Gumbel noise: argmax(logits / T + f g) = argmax(logits / (T f) + g).
    if (loose) loose[b] = meanOneFactor(looseStd, gaussian(groove));
    const own = Array.from({ length: C }, (_, c) => (classShift[c] ?? 0) + (classStd ? classStd * gaussian(groove) : 0));
    for (let t = 0; t < steps; t++) {
      const g = (t * B + b) * K;
      for (let i = 0; i < K; i++) uniforms[g + i] = Math.min(Math.max(rng(), UNIFORM_LO), UNIFORM_HI);
      const o = (t * B + b) * 2 * C;
      for (let c = 0; c < C; c++) base[o + c] = binBase(rng(), bins) + shift + own[c];
    }
  }
  return { uniforms, base, loose };
}
