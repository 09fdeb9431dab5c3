/**
 * A small random forest for the evals' classifiers (style recognisability, real vs generated),
 * on features binned into quantile bins so a split is found from per-bin class counts: 60 trees
 * on 1,200 samples x 84 features train in 0.9 s here (one core, machine loaded). ml-random-forest
 * (mljs) took 381 s for the same (its CART tries every threshold), too slow for an eval on one
 * core. Seeded: the same data and seed give the same forest.
 */
import { makeRng, type Rng } from '../src/random';

export interface ForestOptions {
  trees: number;
  maxDepth: number;
  /** Fewest training samples in a leaf. */
  minLeaf: number;
  /** Features tried at each split; 0 = the square root of the feature count. */
  featuresPerSplit: number;
  /** Quantile bins per feature (at most 255). */
  bins: number;
  /** Weigh classes so each counts as much as the others (for unbalanced data). */
  balanced: boolean;
  seed: number;
}

export const FOREST_DEFAULTS: Readonly<ForestOptions> = Object.freeze({
  trees: 60,
  maxDepth: 12,
  minLeaf: 2,
  featuresPerSplit: 0,
  bins: 32,
  balanced: true,
  seed: 13,
});

interface Tree {
  /** Per node: feature index, or -1 for a leaf. */
  feature: number[];
  /** Per node: go left when x[feature] <= threshold. */
  threshold: number[];
  left: number[];
  right: number[];
  /** Per leaf node: class distribution. */
  dist: Array<Float64Array | undefined>;
}

export class RandomForest {
  private readonly o: ForestOptions;
  private trees: Tree[] = [];
  private classes = 0;

  constructor(options: Partial<ForestOptions> = {}) {
    this.o = { ...FOREST_DEFAULTS, ...options };
  }

  /** Trains on feature rows `xs` with class labels `ys` (0..K-1). */
  train(xs: readonly (readonly number[])[], ys: readonly number[]): this {
    const n = xs.length;
    if (!n) throw new RangeError('random forest: no training samples');
    const F = xs[0].length;
    const K = (this.classes = Math.max(...ys) + 1);
    // Quantile cut points per feature; bin(x) = how many cut points lie below x.
    const edges: number[][] = [];
    const binned = new Uint8Array(n * F);
    for (let f = 0; f < F; f++) {
      const sorted = xs.map((x) => x[f]).sort((a, b) => a - b);
      const cuts = [...new Set(Array.from({ length: this.o.bins - 1 }, (_, k) => sorted[Math.floor(((k + 1) * n) / this.o.bins)]))].sort((a, b) => a - b);
      edges.push(cuts);
      for (let i = 0; i < n; i++) {
        let b = 0;
        while (b < cuts.length && cuts[b] < xs[i][f]) b++;
        binned[i * F + f] = b;
      }
    }
    const counts = new Array<number>(K).fill(0);
    for (const y of ys) counts[y]++;
    const weight = Float64Array.from(ys, (y) => (this.o.balanced ? n / (K * counts[y]) : 1));
    const m = this.o.featuresPerSplit || Math.max(1, Math.round(Math.sqrt(F)));
    this.trees = Array.from({ length: this.o.trees }, (_, t) => {
      const rng = makeRng(`forest:${this.o.seed}:${t}`);
      const sample = Array.from({ length: n }, () => Math.floor(rng() * n));
      return this.grow(sample, binned, edges, ys, weight, F, K, m, rng);
    });
    return this;
  }

  private grow(
    sample: number[],
    binned: Uint8Array,
    edges: number[][],
    ys: readonly number[],
    weight: Float64Array,
    F: number,
    K: number,
    m: number,
    rng: Rng,
  ): Tree {
    const tree: Tree = { feature: [], threshold: [], left: [], right: [], dist: [] };
    const B = this.o.bins;
    const hist = new Float64Array(B * K);
    const build = (idx: number[], depth: number): number => {
      const node = tree.feature.length;
      tree.feature.push(-1);
      tree.threshold.push(0);
      tree.left.push(-1);
      tree.right.push(-1);
      tree.dist.push(undefined);
      const total = new Float64Array(K);
      for (const i of idx) total[ys[i]] += weight[i];
      const sum = total.reduce((a, b) => a + b, 0);
      const pure = total.filter((c) => c > 0).length <= 1;
      let best = { gain: 1e-12, f: -1, b: -1 };
      if (!pure && depth < this.o.maxDepth && idx.length >= 2 * this.o.minLeaf) {
        const gini = (c: Float64Array, s: number) => {
          if (s <= 0) return 0;
          let g = 1;
          for (let q = 0; q < K; q++) g -= (c[q] / s) ** 2;
          return g;
        };
        const parent = gini(total, sum);
        const left = new Float64Array(K);
        const right = new Float64Array(K);
        const nIn = new Int32Array(B);
        for (let k = 0; k < m; k++) {
          const f = Math.floor(rng() * F);
          hist.fill(0);
          nIn.fill(0);
          for (const i of idx) {
            const b = binned[i * F + f];
            hist[b * K + ys[i]] += weight[i];
            nIn[b]++;
          }
          left.fill(0);
          let sl = 0;
          let nl = 0;
          for (let b = 0; b < edges[f].length; b++) {
            for (let c = 0; c < K; c++) {
              left[c] += hist[b * K + c];
              sl += hist[b * K + c];
            }
            nl += nIn[b];
            if (nl < this.o.minLeaf || idx.length - nl < this.o.minLeaf) continue;
            for (let c = 0; c < K; c++) right[c] = total[c] - left[c];
            const gain = parent - (sl / sum) * gini(left, sl) - ((sum - sl) / sum) * gini(right, sum - sl);
            if (gain > best.gain) best = { gain, f, b };
          }
        }
      }
      if (best.f < 0) {
        tree.dist[node] = total.map((c) => c / (sum || 1));
        return node;
      }
      tree.feature[node] = best.f;
      tree.threshold[node] = edges[best.f][best.b];
      const l = idx.filter((i) => binned[i * F + best.f] <= best.b);
      const r = idx.filter((i) => binned[i * F + best.f] > best.b);
      tree.left[node] = build(l, depth + 1);
      tree.right[node] = build(r, depth + 1);
      return node;
    };
    build(sample, 0);
    return tree;
  }

  /** Mean class distribution over the trees. */
  probabilities(x: readonly number[]): Float64Array {
    const p = new Float64Array(this.classes);
    for (const t of this.trees) {
      let n = 0;
      while (t.feature[n] >= 0) n = x[t.feature[n]] <= t.threshold[n] ? t.left[n] : t.right[n];
      t.dist[n]!.forEach((v, c) => (p[c] += v / this.trees.length));
    }
    return p;
  }

  predict(x: readonly number[]): number {
    const p = this.probabilities(x);
    let best = 0;
    for (let c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
    return best;
  }
}

export interface GroupedSample {
  features: number[];
  /** 1 = real, 0 = the other side (generated). */
  label: 0 | 1;
  /** The piece (a real line and the generated twin asked for with its conditions share it): folds never split a group. */
  group: string;
}

export interface GroupedAccuracy {
  /** Share of held-out samples classified correctly over all folds (0.5 = cannot tell). */
  accuracy: number;
  samples: number;
  groups: number;
}

/** k-fold accuracy of a forest telling label 1 from 0, with whole groups held out together. */
export function groupedAccuracy(samples: readonly GroupedSample[], folds = 5, options: Partial<ForestOptions> = {}): GroupedAccuracy {
  const groups = [...new Set(samples.map((s) => s.group))].sort();
  const rng = makeRng(`folds:${options.seed ?? FOREST_DEFAULTS.seed}`);
  for (let i = groups.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [groups[i], groups[j]] = [groups[j], groups[i]];
  }
  const fold = new Map(groups.map((g, i) => [g, i % folds]));
  let right = 0;
  let tested = 0;
  for (let k = 0; k < folds; k++) {
    const train = samples.filter((s) => fold.get(s.group) !== k);
    const test = samples.filter((s) => fold.get(s.group) === k);
    if (!test.length || new Set(train.map((s) => s.label)).size < 2) continue;
    const rf = new RandomForest({ ...options, seed: (options.seed ?? FOREST_DEFAULTS.seed) + k }).train(
      train.map((s) => s.features),
      train.map((s) => s.label),
    );
    for (const s of test) if (rf.predict(s.features) === s.label) right++;
    tested += test.length;
  }
  return { accuracy: tested ? right / tested : NaN, samples: samples.length, groups: groups.length };
}
