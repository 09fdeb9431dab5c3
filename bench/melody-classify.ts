/**
 * The melody/bass eval's two classifiers, both random forests (bench/forest.ts) on lineFeatures:
 *  - style recognisability: trained on segments of the TRAINING split (class-balanced), it names
 *    the style of real validation segments and of generated ones; a model's lines should be
 *    recognised nearly as often as real ones;
 *  - real vs generated: cross-validated with folds grouped by piece (a real segment and its
 *    generated twin are in the same group), 50 % = it cannot tell them apart.
 */
import { STYLES, type MelodyStyle } from '../src/models/melody/spec';
import { groupedAccuracy, RandomForest, type ForestOptions, type GroupedAccuracy } from './forest';
import type { RealSegment } from './melody-eval-data';
import { LINE_FEATURE_NAMES, lineFeatures, type EvalLine } from './melody-metrics';

export interface StyleRecognition {
  /** Styles measured (those with training and validation segments). */
  styles: MelodyStyle[];
  /** side (real, or a model) -> style -> share recognised. */
  perStyle: Record<string, Record<string, number>>;
  /** side -> mean over the styles (each style counts the same). */
  balanced: Record<string, number>;
  /** model -> its balanced accuracy over the real lines' on the same styles (the n-gram knows fewer). */
  ratio: Record<string, number>;
  /** model -> the style whose lines are least recognised, its accuracy and its ratio to real. */
  worst: Record<string, { style: string; accuracy: number; ratio: number }>;
}

/** A side to judge: lines and the style each was asked for. */
export interface LabelledLines {
  lines: ReadonlyArray<EvalLine | undefined>;
  styles: readonly MelodyStyle[];
}

export function styleRecognition(train: readonly RealSegment[], sides: Record<string, LabelledLines>, options: Partial<ForestOptions> = {}): StyleRecognition {
  const present = new Set(train.map((t) => t.style));
  const styles = STYLES.filter((s) => present.has(s) && sides.real?.styles.includes(s));
  const rf = new RandomForest(options).train(
    train.filter((t) => styles.includes(t.style)).map(lineFeatures),
    train.filter((t) => styles.includes(t.style)).map((t) => styles.indexOf(t.style)),
  );
  const perStyle: StyleRecognition['perStyle'] = {};
  const balanced: StyleRecognition['balanced'] = {};
  for (const [name, side] of Object.entries(sides)) {
    const right = new Map<string, [number, number]>();
    side.lines.forEach((l, i) => {
      const style = side.styles[i];
      if (!l || !styles.includes(style)) return;
      const r = right.get(style) ?? [0, 0];
      r[1]++;
      if (rf.predict(lineFeatures(l)) === styles.indexOf(style)) r[0]++;
      right.set(style, r);
    });
    perStyle[name] = Object.fromEntries([...right].map(([s, [ok, n]]) => [s, ok / n]));
    const accs = Object.values(perStyle[name]);
    balanced[name] = accs.reduce((a, b) => a + b, 0) / Math.max(1, accs.length);
  }
  const ratio: StyleRecognition['ratio'] = {};
  const worst: StyleRecognition['worst'] = {};
  for (const name of Object.keys(sides)) {
    if (name === 'real') continue;
    const mine = Object.keys(perStyle[name]);
    ratio[name] = balanced[name] / (mine.reduce((a, s) => a + perStyle.real[s], 0) / Math.max(1, mine.length));
    for (const [style, acc] of Object.entries(perStyle[name])) {
      if (!worst[name] || acc < worst[name].accuracy) worst[name] = { style, accuracy: acc, ratio: acc / perStyle.real[style] };
    }
  }
  return { styles, perStyle, balanced, ratio, worst };
}

/** Grouped cross-validated accuracy of a forest telling real segments from their generated twins. */
export function realVsGenerated(
  real: readonly RealSegment[],
  twins: ReadonlyArray<EvalLine | undefined>,
  options: Partial<ForestOptions> = {},
  folds = 5,
): GroupedAccuracy {
  const samples = real.flatMap((r, i) => {
    const t = twins[i];
    if (!t) return [];
    return [
      { features: lineFeatures(r), label: 1 as const, group: r.piece },
      { features: lineFeatures(t), label: 0 as const, group: r.piece },
    ];
  });
  return groupedAccuracy(samples, folds, options);
}

/**
 * The same classifier on two real samples: validation segments against training segments of the
 * same styles (one per validation segment, drawn round-robin per style), grouped by piece. What
 * it scores above 50 % comes from the classifier and the split, not from generation.
 */
export function realVsReal(real: readonly RealSegment[], train: readonly RealSegment[], options: Partial<ForestOptions> = {}, folds = 5): GroupedAccuracy {
  const byStyle = new Map<string, RealSegment[]>();
  for (const t of train) byStyle.set(t.style, [...(byStyle.get(t.style) ?? []), t]);
  const next = new Map<string, number>();
  const samples = real.flatMap((r) => {
    const list = byStyle.get(r.style);
    if (!list?.length) return [];
    const k = next.get(r.style) ?? 0;
    next.set(r.style, k + 1);
    const t = list[k % list.length];
    return [
      { features: lineFeatures(r), label: 1 as const, group: `validation:${r.piece}` },
      { features: lineFeatures(t), label: 0 as const, group: `train:${t.piece}` },
    ];
  });
  return groupedAccuracy(samples, folds, options);
}

/** One feature's gap between generated and real segments. */
export interface FeatureGap {
  name: string;
  real: number;
  generated: number;
  /** (generated mean - real mean) / real standard deviation. */
  d: number;
}

/**
 * What tells generated segments from real ones: every lineFeatures column's standardised mean difference (generated
 * minus real, in real segments' standard deviations), largest first, `top` of them.
 */
export function featureGaps(real: readonly EvalLine[], generated: readonly EvalLine[], top: number): FeatureGap[] {
  const R = real.map(lineFeatures);
  const G = generated.map(lineFeatures);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return LINE_FEATURE_NAMES.map((name, j) => {
    const r = R.map((f) => f[j]);
    const m = mean(r);
    const sd = Math.sqrt(mean(r.map((x) => (x - m) ** 2)));
    const g = mean(G.map((f) => f[j]));
    return { name, real: m, generated: g, d: (g - m) / Math.max(1e-3, sd) };
  })
    .sort((a, b) => Math.abs(b.d) - Math.abs(a.d))
    .slice(0, top);
}
