import { gaussian, type Rng } from '../../random';
import { TandemError } from '../../errors';

/**
 * How the bar-level conditioning of real grooves moves, fitted on the training split and used to
 * draw a contour for each generated groove: drummers play some grooves loud and some soft (the
 * loudness of a track), and play no two bars alike (the bar-to-bar wander of density and loudness
 * around the track's level). All values are in the network's normalised 0..1 input units.
 */
export interface ContourPrior {
  /** Tracks the prior was fitted on. */
  tracks: number;
  /** Mean and standard deviation, between tracks, of a track's mean loudness. */
  loudnessMean: number;
  loudnessStd: number;
  /** Bar-to-bar deviation of loudness from the track's mean: standard deviation, lag-1 autocorrelation. */
  loudnessWanderStd: number;
  loudnessWanderCorr: number;
  /** The same for density. */
  densityWanderStd: number;
  densityWanderCorr: number;
}

/** Priors per genre, plus `any` (every track): what model.json carries. */
export type ContourPriors = Record<string, ContourPrior>;

/** A genre's prior is used when it was fitted on at least this many tracks, else `any`'s. */
export const MIN_PRIOR_TRACKS = 8;

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** Fits a prior to tracks' per-bar normalised density and loudness (tracks of one bar add only to the between-track figures). */
export function fitContourPrior(tracks: ReadonlyArray<{ density: readonly number[]; loudness: readonly number[] }>): ContourPrior {
  const levels = tracks.map((t) => mean(t.loudness));
  const loudnessMean = mean(levels);
  const wander = (key: 'density' | 'loudness') => {
    let ss = 0;
    let n = 0;
    let lag = 0;
    let nLag = 0;
    for (const t of tracks) {
      const xs = t[key];
      if (xs.length < 2) continue;
      const m = mean(xs);
      xs.forEach((x, i) => {
        ss += (x - m) ** 2;
        n++;
        if (i > 0) {
          lag += (x - m) * (xs[i - 1] - m);
          nLag++;
        }
      });
    }
    const variance = n ? ss / n : 0;
    return { std: Math.sqrt(variance), corr: variance > 0 && nLag ? Math.max(0, Math.min(0.99, lag / nLag / variance)) : 0 };
  };
  const l = wander('loudness');
  const d = wander('density');
  return {
    tracks: tracks.length,
    loudnessMean,
    loudnessStd: Math.sqrt(mean(levels.map((v) => (v - loudnessMean) ** 2))),
    loudnessWanderStd: l.std,
    loudnessWanderCorr: l.corr,
    densityWanderStd: d.std,
    densityWanderCorr: d.corr,
  };
}

/** The prior for a genre (undefined = any genre), falling back to `any` for genres with few tracks. */
export function priorFor(priors: ContourPriors, genre: string | undefined): ContourPrior {
  const p = genre ? priors[genre] : undefined;
  const any = priors.any;
  if (!any) throw new TandemError('the drum model\'s contour priors lack "any": export the model again');
  return p && p.tracks >= MIN_PRIOR_TRACKS ? p : any;
}

/** Density near 0 or 1 wanders less, so the sparsest and busiest settings stay the sparsest and busiest. */
const EDGE = 0.2;

/**
 * Draws one groove's bar-level conditioning: a loudness level for the groove and, per bar, an AR(1)
 * wander of loudness and of density around their levels (density's level is the user's).
 * Deterministic for a given generator state. Values are clamped to 0..1.
 */
export function sampleContour(prior: ContourPrior, density: number, bars: number, rng: Rng): { density: number[]; loudness: number[] } {
  const normal = () => gaussian(rng);
  const clamp = (x: number) => Math.max(0, Math.min(1, x));
  const level = prior.loudnessMean + prior.loudnessStd * normal();
  const edge = Math.min(1, density / EDGE, (1 - density) / EDGE);
  const out = { density: [] as number[], loudness: [] as number[] };
  let dl = 0;
  let dd = 0;
  for (let b = 0; b < bars; b++) {
    const rl = Math.sqrt(1 - prior.loudnessWanderCorr ** 2);
    const rd = Math.sqrt(1 - prior.densityWanderCorr ** 2);
    dl = b === 0 ? prior.loudnessWanderStd * normal() : prior.loudnessWanderCorr * dl + rl * prior.loudnessWanderStd * normal();
    dd = b === 0 ? prior.densityWanderStd * normal() : prior.densityWanderCorr * dd + rd * prior.densityWanderStd * normal();
    out.loudness.push(clamp(level + dl));
    out.density.push(clamp(density + edge * dd));
  }
  return out;
}
