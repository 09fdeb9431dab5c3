/**
 * Counts for an interpolated Witten-Bell n-gram: for each context key, how often each next
 * symbol followed it. Contexts form a back-off chain, most specific first; the last level
 * falls back to a uniform distribution over the vocabulary.
 *
 * P_k(w | h) = (c(h, w) + T(h) * P_{k+1}(w | h')) / (c(h) + T(h)),  T(h) = distinct w seen after h.
 */
export type CountTable = Record<string, Record<string, number>>;

export interface NgramCounts {
  /** One table per back-off level, most specific first. */
  levels: CountTable[];
  vocabulary: number;
}

export function addCount(table: CountTable, context: string, symbol: number): void {
  const row = (table[context] ??= {});
  row[symbol] = (row[symbol] ?? 0) + 1;
}

interface RowStats {
  total: number;
  types: number;
}

/** Caches row totals so probability lookups are cheap. */
export class WittenBell {
  private readonly stats: Array<Map<string, RowStats>>;

  constructor(readonly counts: NgramCounts) {
    this.stats = counts.levels.map((table) => {
      const m = new Map<string, RowStats>();
      for (const [ctx, row] of Object.entries(table)) {
        let total = 0;
        let types = 0;
        for (const k in row) {
          total += row[k];
          types++;
        }
        m.set(ctx, { total, types });
      }
      return m;
    });
  }

  /** P(symbol | contexts), contexts[k] being the key at level k. */
  probability(symbol: number, contexts: readonly string[]): number {
    let p = 1 / this.counts.vocabulary;
    for (let k = this.counts.levels.length - 1; k >= 0; k--) {
      const st = this.stats[k].get(contexts[k]);
      if (!st) continue;
      const c = this.counts.levels[k][contexts[k]][symbol] ?? 0;
      p = (c + st.types * p) / (st.total + st.types);
    }
    return p;
  }

  /**
   * The whole distribution over the vocabulary given the contexts, as dense probabilities.
   * Symbols never seen at any level share the uniform floor.
   */
  distribution(contexts: readonly string[], out: Float64Array): Float64Array {
    out.fill(1 / this.counts.vocabulary);
    for (let k = this.counts.levels.length - 1; k >= 0; k--) {
      const st = this.stats[k].get(contexts[k]);
      if (!st) continue;
      const row = this.counts.levels[k][contexts[k]];
      const denom = st.total + st.types;
      for (let w = 0; w < out.length; w++) out[w] = (st.types * out[w]) / denom;
      for (const key in row) out[Number(key)] += row[key] / denom;
    }
    return out;
  }
}
