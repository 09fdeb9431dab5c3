import { stepPattern, type DrumGrid } from '../../tokens/drum-grid';
import { softmaxInto } from '../../random';
import { InvalidValueError } from '../../errors';
import type { DrumRequest } from '../request';
import type { DrumModel } from '../types';
import { DRUM_INPUT, DRUM_PATTERNS, DRUM_STEPS_PER_BAR } from './spec';
import { DrumNetwork } from './network';
import { DrumRollout, type SamplingScales } from './rollout';
import { DrumWeights, type DrumNetArtifacts } from './weights';
import { fillInputRow, NEUTRAL_LOUDNESS, type BarConditioning } from './inputs';
import { blendHumanized, clipDensity, humanizeBars, wholeBars, type HumanizeOptions } from './humanize';

/** Primer bars kept from a request (whole bars only); errors when they leave nothing to generate. */
export function primerSteps(req: DrumRequest): number {
  if (!req.primer) return 0;
  const bars = Math.floor(req.primer.steps / DRUM_STEPS_PER_BAR);
  if (bars < 1) throw new InvalidValueError('primer', `${req.primer.steps} steps`, 'at least one whole bar of 4/4');
  if (bars >= req.bars) throw new InvalidValueError('primer', `${bars} bars`, `shorter than the requested length (${req.bars} bars): raise --bars`);
  return bars * DRUM_STEPS_PER_BAR;
}

/**
 * The trained drum network as a DrumModel: all variations of a request in one batch, the whole
 * generation on the TF.js backend (DrumRollout) with one read-back at the end, each variation's
 * randomness from its own seeded generator (seed:index).
 */
export class GrooveRnn implements DrumModel {
  readonly id = 'drums-gru';
  constructor(
    /** The reference network, step by step with read-backs: evaluation and parity. */
    readonly net: DrumNetwork,
    private readonly rollout: DrumRollout,
  ) {}

  static load(art: DrumNetArtifacts): GrooveRnn {
    const weights = new DrumWeights(art);
    return new GrooveRnn(DrumNetwork.fromWeights(weights), new DrumRollout(weights));
  }

  /** Generates with an asynchronous read-back (the only correct one on WebGPU). Same notes as generateSync. */
  async generate(req: DrumRequest): Promise<DrumGrid[]> {
    const kept = primerSteps(req);
    const { noise, gumbel } = this.rollout.draw(req, kept);
    let read: Float32Array;
    try {
      read = (await gumbel.data()) as Float32Array;
    } finally {
      gumbel.dispose();
    }
    const features = this.rollout.run(req, kept, { noise, gumbel: read });
    try {
      return this.rollout.grids(req, kept, (await features.data()) as Float32Array);
    } finally {
      features.dispose();
    }
  }

  /** Generates with a synchronous read-back (wasm, cpu, webgl). */
  generateSync(req: DrumRequest): DrumGrid[] {
    const kept = primerSteps(req);
    const { noise, gumbel } = this.rollout.draw(req, kept);
    let read: Float32Array;
    try {
      read = gumbel.dataSync() as Float32Array;
    } finally {
      gumbel.dispose();
    }
    const features = this.rollout.run(req, kept, { noise, gumbel: read });
    try {
      return this.rollout.grids(req, kept, features.dataSync() as Float32Array);
    } finally {
      features.dispose();
    }
  }

  /**
   * Humanize: plays the clip's hits as they are (no pattern is sampled) and samples only each
   * hit's velocity and timing offset, conditioned on the genre, the clip's own density per bar
   * and a loudness contour drawn from the genre's prior; blended with the input by `amount`.
   * Returns the clip with the same hits on the same steps.
   */
  humanize(clip: DrumGrid, options: HumanizeOptions): DrumGrid {
    const bars = humanizeBars(clip);
    const grid = wholeBars(clip, bars);
    const req: DrumRequest = { genre: options.genre, density: 0.5, bars, temperature: 1, seed: options.seed, count: 1, fillEvery: 0 };
    const density = clipDensity(grid, this.net.spec.densityRange);
    const drawn = this.rollout.barConditioning(req)?.[0];
    const cond: BarConditioning = { density, loudness: drawn?.loudness ?? density.map(() => NEUTRAL_LOUDNESS) };
    // No pattern is sampled: the patterns' Gumbel noise is not needed.
    const { noise, gumbel } = this.rollout.draw(req, 0);
    let read: Float32Array;
    try {
      read = gumbel.dataSync() as Float32Array;
    } finally {
      gumbel.dispose();
    }
    const features = this.rollout.run(req, 0, { noise, gumbel: read }, { bars: [cond], forced: grid });
    try {
      const [generated] = this.rollout.grids(req, 0, features.dataSync() as Float32Array);
      const out = blendHumanized(grid, generated, options.amount);
      return { steps: clip.steps, velocity: out.velocity.slice(0, clip.steps * 9), offset: out.offset.slice(0, clip.steps * 9) };
    } finally {
      features.dispose();
    }
  }

  /** The model's sampling settings on top of a request's temperature. */
  get sampling(): SamplingScales {
    return this.rollout.sampling;
  }

  /** Each variation's bar-level conditioning as generation draws it (undefined: the request's density in every bar). */
  barConditioning(req: DrumRequest): BarConditioning[] | undefined {
    return this.rollout.barConditioning(req);
  }

  /**
   * Teacher-forced pattern log-likelihood of real grooves (natural log, summed), for evaluation.
   * All tracks run as one batch, padded to the longest; each with its own per-bar density and loudness.
   */
  logLikelihood(tracks: Array<{ grid: DrumGrid; req: DrumRequest; bars: BarConditioning }>): { nll: number; steps: number } {
    const B = tracks.length;
    const maxSteps = Math.max(...tracks.map((t) => t.grid.steps));
    const x = new Float32Array(B * DRUM_INPUT.size);
    const probs = new Float64Array(DRUM_PATTERNS);
    const fill = (s: number) => tracks.forEach((t, b) => fillInputRow(x, b, t.grid, Math.min(s, t.grid.steps - 1), t.req, t.bars));
    fill(0);
    let h = this.net.initialState(x, B);
    let nll = 0;
    let steps = 0;
    try {
      for (let s = 0; s < maxSteps; s++) {
        fill(s);
        const next = this.net.step(x, B, h);
        h.dispose();
        h = next.h;
        tracks.forEach((t, b) => {
          if (s >= t.grid.steps) return;
          softmaxInto(next.out, 1, probs, b * DrumNetwork.OUT, DRUM_PATTERNS);
          nll -= Math.log(Math.max(probs[stepPattern(t.grid, s)], 1e-12));
          steps++;
        });
      }
    } finally {
      h.dispose();
    }
    return { nll, steps };
  }

  dispose(): void {
    this.net.dispose();
    this.rollout.dispose();
  }
}
