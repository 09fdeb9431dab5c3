import { NUM_DRUM_CLASSES } from '../../music/drum-map';
import { densityToOnsets, type DensityRange } from '../../conditioning/density';
import { emptyGrid, popcount, stepPattern, type DrumGrid } from '../../tokens/drum-grid';
import { gaussian, makeRng, sampleIndex } from '../../random';
import { isFillBar, type DrumRequest } from '../request';
import type { DrumModel } from '../types';
import { primerSteps } from '../drums/groove-rnn';
import { addCount, WittenBell, type NgramCounts } from './witten-bell';
import { stepsPerBar } from '../../time/units';

const C = NUM_DRUM_CLASSES;
/** The drum grid's bar: 16 sixteenths of 4/4. */
const STEPS = stepsPerBar();
const PATTERNS = 1 << C;
const POP = Array.from({ length: PATTERNS }, (_, p) => popcount(p));

/** Per genre, position and class: how hard and how far off the grid hits land (mean, std). */
export interface FeelStats {
  /** [genre][pos][class] -> [velMean, velStd, offMean, offStd] (velocity 0-127, offset in steps). */
  [genre: string]: number[][][];
}

/** The baseline's trained state: n-gram counts, density range, onset profiles and feel. */
export interface DrumNgramModelJson {
  format: 'tandem-drums-ngram';
  version: 1;
  order: number;
  counts: NgramCounts;
  densityRange: DensityRange;
  /** [genre or 'all'][pos] mean onsets at that step position. */
  profile: Record<string, number[]>;
  feel: FeelStats;
  trainedOn: { tracks: number; steps: number };
}

/** Back-off context keys for the step `s` of a grid: genre+fill+pos+2 previous patterns, then shorter. */
export function ngramContexts(genre: string, fill: number, pos: number, p1: number, p2: number): string[] {
  return [`${genre}|${fill}|${pos}|${p2}|${p1}`, `${genre}|${fill}|${pos}|${p1}`, `*|${fill}|${pos}|${p1}`, `*|*|${pos}|${p1}`, `*|*|${pos}`];
}

export interface NgramTrainingTrack {
  genre: string;
  fill: number;
  grid: DrumGrid;
}

/** Counts n-grams, onset profiles and feel statistics over training grooves. */
export function trainDrumNgram(tracks: readonly NgramTrainingTrack[], densityRange: DensityRange): DrumNgramModelJson {
  const levels = ngramContexts('', 0, 0, 0, 0).map(() => ({}));
  const profSum: Record<string, number[]> = { all: new Array(STEPS).fill(0) };
  const profN: Record<string, number[]> = { all: new Array(STEPS).fill(0) };
  // feel accumulators: [genre][pos][class] -> [n, sumV, sumV2, sumO, sumO2]
  const acc: Record<string, number[][][]> = {};
  let steps = 0;
  for (const t of tracks) {
    profSum[t.genre] ??= new Array(STEPS).fill(0);
    profN[t.genre] ??= new Array(STEPS).fill(0);
    acc[t.genre] ??= Array.from({ length: STEPS }, () => Array.from({ length: C }, () => [0, 0, 0, 0, 0]));
    let p1 = 0;
    let p2 = 0;
    for (let s = 0; s < t.grid.steps; s++) {
      const pos = s % STEPS;
      const p = stepPattern(t.grid, s);
      ngramContexts(t.genre, t.fill, pos, p1, p2).forEach((ctx, k) => addCount(levels[k], ctx, p));
      for (const key of ['all', t.genre]) {
        profSum[key][pos] += POP[p];
        profN[key][pos]++;
      }
      for (let c = 0; c < C; c++) {
        const v = t.grid.velocity[s * C + c];
        if (!v) continue;
        const o = t.grid.offset[s * C + c];
        const a = acc[t.genre][pos][c];
        a[0]++;
        a[1] += v;
        a[2] += v * v;
        a[3] += o;
        a[4] += o * o;
      }
      p2 = p1;
      p1 = p;
      steps++;
    }
  }
  const profile: Record<string, number[]> = {};
  for (const k of Object.keys(profSum)) profile[k] = profSum[k].map((s, i) => +(s / Math.max(1, profN[k][i])).toFixed(4));
  const feel: FeelStats = {};
  for (const [g, rows] of Object.entries(acc)) {
    feel[g] = rows.map((row) =>
      row.map(([n, sv, sv2, so, so2]) => {
        if (n < 3) return [90, 15, 0, 0.05];
        const vm = sv / n;
        const om = so / n;
        return [+vm.toFixed(2), +Math.sqrt(Math.max(0, sv2 / n - vm * vm)).toFixed(2), +om.toFixed(4), +Math.sqrt(Math.max(0, so2 / n - om * om)).toFixed(4)];
      }),
    );
  }
  return {
    format: 'tandem-drums-ngram',
    version: 1,
    order: 3,
    counts: { levels, vocabulary: PATTERNS },
    densityRange,
    profile,
    feel,
    trainedOn: { tracks: tracks.length, steps },
  };
}

/**
 * Exponential tilting: reweights p(x) by exp(theta * onsets(x)) with theta chosen (bisection)
 * so the expected onsets of the step equal `target`. This is how density steers the n-gram.
 */
export function tiltToOnsets(probs: Float64Array, target: number, out: Float64Array): Float64Array {
  const expected = (theta: number): number => {
    let z = 0;
    let e = 0;
    for (let x = 0; x < probs.length; x++) {
      const w = probs[x] * Math.exp(theta * POP[x]);
      z += w;
      e += w * POP[x];
    }
    return e / z;
  };
  let lo = -12;
  let hi = 12;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (expected(mid) < target) lo = mid;
    else hi = mid;
  }
  const theta = (lo + hi) / 2;
  let z = 0;
  for (let x = 0; x < probs.length; x++) z += out[x] = probs[x] * Math.exp(theta * POP[x]);
  for (let x = 0; x < probs.length; x++) out[x] /= z;
  return out;
}

/** The count-based baseline drum model: quality floor and fallback when no network is present. */
export class DrumNgram implements DrumModel {
  readonly id = 'drums-ngram';
  private readonly wb: WittenBell;

  constructor(readonly model: DrumNgramModelJson) {
    this.wb = new WittenBell(model.counts);
  }

  /** P(pattern at step s | history), no density tilt: the model's own likelihood. */
  stepProbability(genre: string, fill: number, pos: number, p1: number, p2: number, pattern: number): number {
    return this.wb.probability(pattern, ngramContexts(genre, fill, pos, p1, p2));
  }

  /** Natural-log likelihood of a real groove's step patterns (summed), no density tilt. */
  logLikelihood(grid: DrumGrid, genre: string, fill: number): { nll: number; steps: number } {
    let nll = 0;
    let p1 = 0;
    let p2 = 0;
    for (let s = 0; s < grid.steps; s++) {
      const p = stepPattern(grid, s);
      nll -= Math.log(this.stepProbability(genre, fill, s % STEPS, p1, p2, p));
      p2 = p1;
      p1 = p;
    }
    return { nll, steps: grid.steps };
  }

  async generate(req: DrumRequest): Promise<DrumGrid[]> {
    return this.generateSync(req);
  }

  generateSync(req: DrumRequest): DrumGrid[] {
    const total = req.bars * STEPS;
    const kept = primerSteps(req);
    const genre = req.genre ?? 'all';
    const prof = this.model.profile[genre] ?? this.model.profile.all;
    const profTotal = prof.reduce((a, b) => a + b, 0);
    const targetBar = densityToOnsets(req.density, this.model.densityRange);
    const feel = this.model.feel[req.genre ?? 'rock'] ?? Object.values(this.model.feel)[0];
    const dist = new Float64Array(PATTERNS);
    const tilted = new Float64Array(PATTERNS);
    const out: DrumGrid[] = [];
    for (let i = 0; i < req.count; i++) {
      const rng = makeRng(`${req.seed}:${i}`);
      const g = emptyGrid(total);
      let p1 = 0;
      let p2 = 0;
      for (let s = 0; s < total; s++) {
        const pos = s % STEPS;
        let p: number;
        if (s < kept) {
          for (let c = 0; c < C; c++) {
            g.velocity[s * C + c] = req.primer!.velocity[s * C + c];
            g.offset[s * C + c] = req.primer!.offset[s * C + c];
          }
          p = stepPattern(g, s);
        } else {
          const fill = isFillBar(Math.floor(s / STEPS), req.fillEvery) ? 1 : 0;
          this.wb.distribution(ngramContexts(req.genre ?? '*', fill, pos, p1, p2), dist);
          if (req.temperature !== 1) for (let x = 0; x < PATTERNS; x++) dist[x] = Math.pow(dist[x], 1 / req.temperature);
          const target = Math.min(C - 0.5, Math.max(0.02, (targetBar * prof[pos]) / Math.max(profTotal, 1e-9)));
          p = sampleIndex(tiltToOnsets(dist, target, tilted), rng);
          for (let c = 0; c < C; c++) {
            if (!(p & (1 << c))) continue;
            const [vm, vs, om, os] = feel[pos][c];
            g.velocity[s * C + c] = Math.round(Math.max(1, Math.min(127, vm + vs * gaussian(rng))));
            g.offset[s * C + c] = Math.max(-0.5, Math.min(0.5, om + os * gaussian(rng)));
          }
        }
        p2 = p1;
        p1 = p;
      }
      out.push(g);
    }
    return out;
  }

  dispose(): void {}
}
