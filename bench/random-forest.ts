/**
 * A small random forest for two classes (Breiman 2001): bootstrap samples, CART trees grown on
 * Gini impurity with a fresh random subset of features at every split, probability = mean of the
 * trees' leaf shares. Written here because ml-random-forest (mljs, the maintained JS package)
 * took 8 s per tree on 500 windows of 51 features on this machine (300 trees per evaluation) and
 * draws its feature subset once per tree rather than per split.
 */
import { makeRng, type Rng } from '../src/random';

export interface ForestOptions {
  trees: number;
  /** Features tried at each split; default the square root of the feature count. */
  featuresPerSplit?: number;
  /** Smallest number of samples in a leaf. */
  minLeaf: number;
  seed: number;
}

export const FOREST_DEFAULTS: Readonly<ForestOptions> = Object.freeze({ trees: 100, minLeaf: 1, seed: 1 });

/** A tree as flat arrays: feature < 0 marks a leaf whose value is the share of label 1. */
interface Tree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

function grow(x: readonly number[][], y: readonly number[], rows: number[], k: number, minLeaf: number, rng: Rng): Tree {
  const t: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const d = x[0].length;
  const node = (idx: number[]): number => {
    const id = t.feature.length;
    const pos = idx.reduce((a, i) => a + y[i], 0);
    t.feature.push(-1);
    t.threshold.push(0);
    t.left.push(-1);
    t.right.push(-1);
    t.value.push(pos / idx.length);
    if (pos === 0 || pos === idx.length || idx.length < 2 * minLeaf) return id;
    // Best Gini split over k features drawn for this node.
    let best = { gain: 0, f: -1, thr: 0 };
    const parent = 1 - (pos / idx.length) ** 2 - (1 - pos / idx.length) ** 2;
    const features = Array.from({ length: d }, (_, i) => i);
    for (let j = 0; j < Math.min(k, d); j++) {
      const r = j + Math.floor(rng() * (d - j));
      [features[j], features[r]] = [features[r], features[j]];
      const f = features[j];
      const sorted = [...idx].sort((a, b) => x[a][f] - x[b][f]);
      let leftPos = 0;
      for (let s = 0; s < sorted.length - 1; s++) {
        leftPos += y[sorted[s]];
        const a = x[sorted[s]][f];
        const b = x[sorted[s + 1]][f];
        if (a === b) continue;
        const nl = s + 1;
        const nr = sorted.length - nl;
        if (nl < minLeaf || nr < minLeaf) continue;
        const pl = leftPos / nl;
        const pr = (pos - leftPos) / nr;
        const gini = (nl * (1 - pl * pl - (1 - pl) ** 2) + nr * (1 - pr * pr - (1 - pr) ** 2)) / sorted.length;
        if (parent - gini > best.gain) best = { gain: parent - gini, f, thr: (a + b) / 2 };
      }
    }
    if (best.f < 0) return id;
    const l = idx.filter((i) => x[i][best.f] <= best.thr);
    const r = idx.filter((i) => x[i][best.f] > best.thr);
    t.feature[id] = best.f;
    t.threshold[id] = best.thr;
    t.left[id] = node(l);
    t.right[id] = node(r);
    return id;
  };
  node(rows);
  return t;
}

function leafValue(t: Tree, row: readonly number[]): number {
  let n = 0;
  while (t.feature[n] >= 0) n = row[t.feature[n]] <= t.threshold[n] ? t.left[n] : t.right[n];
  return t.value[n];
}

/** A trained forest: `probability(row)` of label 1, `predict(row)` 0 or 1. */
export class RandomForest {
  private constructor(private readonly trees: Tree[]) {}

  /** Trains on rows `x` (all the same length) with labels 0/1. */
  static train(x: readonly number[][], y: readonly number[], options: Partial<ForestOptions> = {}): RandomForest {
    if (!x.length || x.length !== y.length) throw new RangeError(`random forest needs as many labels as rows (got ${x.length} rows, ${y.length} labels)`);
    const o = { ...FOREST_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
    if (!(o.trees >= 1)) throw new RangeError(`random forest needs at least one tree (got ${o.trees})`);
    const k = o.featuresPerSplit ?? Math.max(1, Math.round(Math.sqrt(x[0].length)));
    const rng = makeRng(`forest:${o.seed}`);
    const trees = Array.from({ length: o.trees }, () => {
      const rows = Array.from({ length: x.length }, () => Math.floor(rng() * x.length));
      return grow(x, y, rows, k, o.minLeaf, rng);
    });
    return new RandomForest(trees);
  }

  probability(row: readonly number[]): number {
    return this.trees.reduce((a, t) => a + leafValue(t, row), 0) / this.trees.length;
  }

  predict(row: readonly number[]): 0 | 1 {
    return this.probability(row) > 0.5 ? 1 : 0;
  }
}
