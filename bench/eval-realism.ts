/**
 * The realism part of `npm run eval` (issue 13): for every validation performance, grooves
 * generated with the same genre, density (the performance's mean onsets per bar) and fill flag
 * and as many bars (the first for the discriminator, four for the table, whose rare-class shares
 * are noisy); then the 2-bar-window table per genre, the first bar of unprimed grooves,
 * and the grouped real-vs-generated discriminator, with real-vs-real (validation against matched
 * training performances) as the discriminator's floor.
 */
import { normaliseDensity, type DensityRange } from '../src/conditioning/density';
import type { DrumGenre } from '../src/conditioning/genres';
import { parseDrumRequest } from '../src/models/request';
import type { DrumModel } from '../src/models/types';
import { onsetsPerBar, type DrumGrid } from '../src/tokens/drum-grid';
import type { DrumTrack } from '../bridge/data/corpus-types';
import { trackGrid } from '../bridge/data/drum-corpus';
import { discriminate, type DiscriminatorResult, type LabelledWindow } from './discriminator';
import { barsFrom, firstBars, realismRow, windowFeatures, windows, type RealismRow } from './realism';

/** Longest groove generated to match a performance (the request limit is 64). */
const MAX_BARS = 32;
/** Genres with fewer real windows than this get no row of their own. */
const MIN_GENRE_WINDOWS = 40;

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export interface MatchedPair {
  group: number;
  genre: DrumGenre;
  fill: boolean;
  density: number;
  real: DrumGrid;
  /** The discriminator's other side: one per real performance, so the classes stay balanced. */
  other: DrumGrid;
  /** More grooves under the same conditions (other included): the table averages over them. */
  more?: DrumGrid[];
}

/** Grooves generated per performance for the table (all in one batch; the discriminator sees the first). */
export const TABLE_SAMPLES = 4;

/** Validation performances of at least two bars, cut to MAX_BARS, with their matching conditions. */
export function matchTargets(val: readonly DrumTrack[], range: DensityRange) {
  return val
    .map((t, group) => ({ t, group, bars: Math.min(MAX_BARS, Math.floor(t.steps / 16)) }))
    .filter((x) => x.bars >= 2)
    .map(({ t, group, bars }) => {
      const real = firstBars(trackGrid(t), bars);
      return { group, genre: t.genre, fill: t.beatType === 'fill', bars, real, density: normaliseDensity(mean(onsetsPerBar(real)), range) };
    });
}

/** One generated groove per target, same genre, density, fill flag and length; seeded by the target (seeds from `seedBase`, 1000 in `npm run eval`). */
export async function generateMatched(model: DrumModel, targets: ReturnType<typeof matchTargets>, seedBase = 1000): Promise<MatchedPair[]> {
  const out: MatchedPair[] = [];
  for (const x of targets) {
    const grids = await model.generate(
      parseDrumRequest({ genre: x.genre, density: x.density, bars: x.bars, fillEvery: x.fill ? 1 : 0, seed: seedBase + x.group, count: TABLE_SAMPLES }),
    );
    out.push({ ...x, other: grids[0], more: grids });
  }
  return out;
}

/** Real against real: each target paired with the training performance of its genre and kind nearest in density. */
export function realAgainstReal(targets: ReturnType<typeof matchTargets>, train: readonly DrumTrack[], range: DensityRange): MatchedPair[] {
  const pool = train.map((t) => ({ t, density: normaliseDensity(mean(onsetsPerBar(trackGrid(t))), range) }));
  return targets.flatMap((x) => {
    const same = pool.filter((p) => p.t.genre === x.genre && (p.t.beatType === 'fill') === x.fill && p.t.steps >= 32);
    if (!same.length) return [];
    const best = same.reduce((a, b) => (Math.abs(b.density - x.density) < Math.abs(a.density - x.density) ? b : a));
    const bars = Math.min(x.bars, Math.floor(best.t.steps / 16));
    return [{ ...x, bars, real: firstBars(x.real, bars), other: firstBars(trackGrid(best.t), bars) }];
  });
}

export interface RealismReport {
  discriminator: DiscriminatorResult;
  /** Per genre (and `all`): the table for real windows and for the other side's. */
  table: Record<string, { real: RealismRow; other: RealismRow }>;
  /** The first bar of the other side's grooves against their later bars and real bars (1-bar windows). */
  firstBar: { first: RealismRow; later: RealismRow; real: RealismRow; realFirst: RealismRow; realLater: RealismRow };
}

export function realismReport(pairs: readonly MatchedPair[], options: { trees?: number } = {}): RealismReport {
  const samples: LabelledWindow[] = pairs.flatMap((p) => [
    ...windows(p.real).map((w) => ({ features: windowFeatures(w), label: 1 as const, group: p.group })),
    ...windows(p.other).map((w) => ({ features: windowFeatures(w), label: 0 as const, group: p.group })),
  ]);
  const discriminator = discriminate(samples, options);
  const table: RealismReport['table'] = {};
  const others = (p: MatchedPair) => p.more ?? [p.other];
  const row = (ps: readonly MatchedPair[]) => ({
    real: realismRow(ps.flatMap((p) => windows(p.real))),
    other: realismRow(ps.flatMap((p) => others(p).flatMap((g) => windows(g)))),
  });
  table.all = row(pairs);
  const genres = [...new Set(pairs.map((p) => p.genre))];
  for (const g of genres) {
    const ps = pairs.filter((p) => p.genre === g);
    if (ps.flatMap((p) => windows(p.real)).length >= MIN_GENRE_WINDOWS) table[g] = row(ps);
  }
  const firstBar = {
    first: realismRow(
      pairs.flatMap((p) => others(p).flatMap((g) => windows(firstBars(g, 1), Infinity, 1))),
      1,
    ),
    later: realismRow(
      pairs.flatMap((p) => others(p).flatMap((g) => windows(barsFrom(g, 1), Infinity, 1))),
      1,
    ),
    real: realismRow(
      pairs.flatMap((p) => windows(p.real, Infinity, 1)),
      1,
    ),
    realFirst: realismRow(
      pairs.flatMap((p) => windows(firstBars(p.real, 1), Infinity, 1)),
      1,
    ),
    realLater: realismRow(
      pairs.flatMap((p) => windows(barsFrom(p.real, 1), Infinity, 1)),
      1,
    ),
  };
  return { discriminator, table, firstBar };
}
