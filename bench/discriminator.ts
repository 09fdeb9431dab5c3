/**
 * A real-vs-generated discriminator (issue 13): a random forest (bench/random-forest.ts) on
 * features of 2-bar windows, scored by cross-validation with folds grouped by file, so windows
 * of one performance (and of the groove generated to match it) are never both in training and in
 * test. 50 % accuracy = it cannot tell them apart.
 */
import { RandomForest } from './random-forest';
import { makeRng } from '../src/random';

export interface LabelledWindow {
  features: number[];
  /** 1 = real playing, 0 = the other side (generated, or real playing from another split). */
  label: 0 | 1;
  /** The file (matched pair) the window comes from: folds never split a group. */
  group: number;
}

export interface DiscriminatorOptions {
  folds: number;
  trees: number;
  seed: number;
}

export const DISCRIMINATOR_DEFAULTS: Readonly<DiscriminatorOptions> = Object.freeze({ folds: 5, trees: 100, seed: 13 });

/** Fold of every group: groups shuffled with the seed, then dealt round-robin. */
export function groupFolds(groups: readonly number[], folds: number, seed: number): Map<number, number> {
  const ids = [...new Set(groups)];
  const rng = makeRng(`folds:${seed}`);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  return new Map(ids.map((g, i) => [g, i % folds]));
}

export interface DiscriminatorResult {
  /** Share of held-out windows classified correctly, over all folds. */
  accuracy: number;
  perFold: number[];
  windows: number;
  /** Share of real windows among all (the accuracy of always answering "real"). */
  realShare: number;
}

/** Grouped k-fold accuracy of a random forest telling label 1 from label 0. */
export function discriminate(samples: readonly LabelledWindow[], options: Partial<DiscriminatorOptions> = {}): DiscriminatorResult {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o = { ...DISCRIMINATOR_DEFAULTS, ...given };
  const fold = groupFolds(
    samples.map((s) => s.group),
    o.folds,
    o.seed,
  );
  let right = 0;
  const perFold: number[] = [];
  for (let k = 0; k < o.folds; k++) {
    const train = samples.filter((s) => fold.get(s.group) !== k);
    const test = samples.filter((s) => fold.get(s.group) === k);
    if (!test.length || new Set(train.map((s) => s.label)).size < 2) continue;
    const rf = RandomForest.train(
      train.map((s) => s.features),
      train.map((s) => s.label),
      { trees: o.trees, seed: o.seed + k },
    );
    const ok = test.filter((s) => rf.predict(s.features) === s.label).length;
    right += ok;
    perFold.push(ok / test.length);
  }
  return {
    accuracy: right / samples.length,
    perFold,
    windows: samples.length,
    realShare: samples.filter((s) => s.label === 1).length / Math.max(1, samples.length),
  };
}
