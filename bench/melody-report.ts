/**
 * The melody/bass eval's figures for one group of segments (a voice, or a voice and style):
 * real validation lines and, aligned with them, each model's twins. Histogram distances are
 * size-matched: the pieces are dealt into two halves A and B; real-vs-real is d(real A, real B),
 * a model's is the mean of d(its twins of A, real B) and d(its twins of B, real A), so both
 * compare samples of the same size and the real-vs-real figure is the floor a model can reach.
 */
import { makeRng } from '../src/random';
import { keyShift } from '../src/models/melody/spec';
import type { RealSegment } from './melody-eval-data';
import {
  addShare,
  endsOnBarLine,
  HIST_NAMES,
  histogramsOf,
  inKeyShare,
  jsDivergence,
  notesPerBar,
  rangeFigures,
  share,
  spearman,
  strongBeatChordTones,
  strongBeatOnRoot,
  totalVariation,
  twoBarKeys,
  ZERO_SHARE,
  type EvalLine,
  type HistName,
  type Share,
} from './melody-metrics';

export interface HistDistance {
  /** Total variation (0..1). */
  tv: number;
  /** Jensen-Shannon divergence (bits, 0..1). */
  js: number;
}

/** Figures of one side (real lines, or one model's twins); shares 0..1, NaN where nothing was measured. */
export interface SideFigures {
  lines: number;
  notes: number;
  inKey: number;
  /** Strong-beat notes on a tone of the bar's (given) chord. */
  chordTones: number;
  /** The same against the chord actually sounding at the note (real lines only). */
  chordTonesActual?: number;
  /** Strong-beat notes on the chord root. */
  onRoot: number;
  onRootActual?: number;
  /** Notes begun on the downbeat on the root of the bar's chord (the middle beat is where real lines move: a fifth, a passing note, the next chord). */
  onRootDownbeat: number;
  notesPerBar: number;
  /** Share of 2-bar stretches (>= 4 notes) found verbatim in the training data, and how many were checked. */
  copied: number;
  copyWindows: number;
  minPitch: number;
  maxPitch: number;
  /** Notes outside the voice range the network was trained on (key-relative, from model.json). */
  outsideRange: number;
  /** Lines that end on a bar line (whole bars, no note past the end). */
  endsOnBar: number;
  /** Histogram distance to real lines (for the real side: half against half). */
  hist: Record<HistName, HistDistance>;
}

export interface GroupFigures {
  segments: number;
  pieces: number;
  real: SideFigures;
  models: Record<string, SideFigures>;
}

/** Half A (true) or B of every piece, dealt by a seeded shuffle. */
export function halves(pieces: readonly string[], seed = 'halves'): Map<string, boolean> {
  const ids = [...new Set(pieces)].sort();
  const rng = makeRng(seed);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  return new Map(ids.map((p, i) => [p, i % 2 === 0]));
}

function distance(a: readonly EvalLine[], b: readonly EvalLine[]): Record<HistName, HistDistance> {
  const ha = histogramsOf(a);
  const hb = histogramsOf(b);
  return Object.fromEntries(HIST_NAMES.map((n) => [n, { tv: totalVariation(ha[n], hb[n]), js: jsDivergence(ha[n], hb[n]) }])) as Record<HistName, HistDistance>;
}

const meanDistance = (x: Record<HistName, HistDistance>, y: Record<HistName, HistDistance>) =>
  Object.fromEntries(HIST_NAMES.map((n) => [n, { tv: (x[n].tv + y[n].tv) / 2, js: (x[n].js + y[n].js) / 2 }])) as Record<HistName, HistDistance>;

const pooled = (lines: readonly EvalLine[], f: (l: EvalLine) => Share) => share(lines.reduce((s, l) => addShare(s, f(l)), ZERO_SHARE));

export interface SideContext {
  trainKeys: ReadonlySet<string>;
  /** Key-relative [low, high] pitch of the voice and style in training. */
  voiceRange: (style: string) => [number, number] | undefined;
  /** Whether the side knows the chords it played over (the n-gram does not). */
  chords: boolean;
}

function side(lines: readonly EvalLine[], real: readonly RealSegment[], hist: Record<HistName, HistDistance>, ctx: SideContext, actual: boolean): SideFigures {
  const keys = lines.flatMap((l) => twoBarKeys(l));
  const { min, max, outside } = rangeFigures(
    lines.map((l, i) => ({ ...l, style: real[i].style })),
    (l) => {
      const r = ctx.voiceRange(l.style);
      const shift = keyShift(l.key.tonic);
      return r ? [r[0] + shift, r[1] + shift] : [-Infinity, Infinity];
    },
  );
  const byStep = (l: EvalLine, step: number) => real[lines.indexOf(l)].strongChords.get(step);
  return {
    lines: lines.length,
    notes: lines.reduce((a, l) => a + l.notes.length, 0),
    inKey: pooled(lines, (l) => inKeyShare(l.notes, l.key)),
    chordTones: ctx.chords ? pooled(lines, (l) => strongBeatChordTones(l)) : NaN,
    onRoot: ctx.chords ? pooled(lines, (l) => strongBeatOnRoot(l)) : NaN,
    onRootDownbeat: ctx.chords ? pooled(lines, (l) => strongBeatOnRoot(l, undefined, [0])) : NaN,
    ...(actual
      ? { chordTonesActual: pooled(lines, (l) => strongBeatChordTones(l, byStep)), onRootActual: pooled(lines, (l) => strongBeatOnRoot(l, byStep)) }
      : {}),
    notesPerBar: lines.reduce((a, l) => a + notesPerBar(l), 0) / Math.max(1, lines.length),
    copied: keys.filter((k) => ctx.trainKeys.has(k)).length / Math.max(1, keys.length),
    copyWindows: keys.length,
    minPitch: min,
    maxPitch: max,
    outsideRange: share(outside),
    endsOnBar: lines.filter(endsOnBarLine).length / Math.max(1, lines.length),
    hist,
  };
}

/**
 * Figures of real segments and of each model's twins (`models[name][i]` was asked for with the
 * conditions of `real[i]`; undefined where the model could not be asked).
 */
export function groupFigures(
  real: readonly RealSegment[],
  models: Record<string, ReadonlyArray<EvalLine | undefined>>,
  ctx: Omit<SideContext, 'chords'>,
  chordsKnown: Record<string, boolean>,
): GroupFigures {
  const half = halves(real.map((r) => r.piece));
  const inA = real.map((r) => half.get(r.piece)!);
  const realA = real.filter((_, i) => inA[i]);
  const realB = real.filter((_, i) => !inA[i]);
  const out: GroupFigures = {
    segments: real.length,
    pieces: half.size,
    real: side(real, real, distance(realA, realB), { ...ctx, chords: true }, true),
    models: {},
  };
  for (const [name, twins] of Object.entries(models)) {
    const idx = twins.map((t, i) => (t ? i : -1)).filter((i) => i >= 0);
    if (!idx.length) continue;
    const lines = idx.map((i) => twins[i]!);
    const reals = idx.map((i) => real[i]);
    // Against the real lines the model was asked to match (the n-gram knows fewer styles).
    const genA = idx.filter((i) => inA[i]).map((i) => twins[i]!);
    const genB = idx.filter((i) => !inA[i]).map((i) => twins[i]!);
    const hist = meanDistance(
      distance(
        genA,
        idx.filter((i) => !inA[i]).map((i) => real[i]),
      ),
      distance(
        genB,
        idx.filter((i) => inA[i]).map((i) => real[i]),
      ),
    );
    out.models[name] = side(lines, reals, hist, { ...ctx, chords: chordsKnown[name] ?? true }, false);
  }
  return out;
}

/** Density adherence of one style: mean notes per bar at each asked density, Spearman over every line, busiest/sparsest. */
export interface DensityFigures {
  densities: number[];
  means: number[];
  /** Spearman of asked density vs notes per bar over the means (5 points) and over every line. */
  spearmanMeans: number;
  spearmanAll: number;
  ratio: number;
}

export function densityFigures(
  densities: readonly number[],
  linesAt: ReadonlyArray<ReadonlyArray<Pick<EvalLine, 'notes' | 'steps' | 'stepsPerBar'>>>,
): DensityFigures {
  const xs: number[] = [];
  const ys: number[] = [];
  const means = linesAt.map((lines, k) => {
    const per = lines.map(notesPerBar);
    per.forEach((p) => {
      xs.push(densities[k]);
      ys.push(p);
    });
    return per.reduce((a, b) => a + b, 0) / Math.max(1, per.length);
  });
  return {
    densities: [...densities],
    means,
    spearmanMeans: spearman([...densities], means),
    spearmanAll: spearman(xs, ys),
    ratio: means[means.length - 1] / Math.max(1e-9, means[0]),
  };
}
