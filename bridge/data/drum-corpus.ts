import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseDensity, quantile, runningAverage, type DensityRange } from '../../src/conditioning/density';
import { meanVelocityPerBar, onsetsPerBar, type DrumGrid } from '../../src/tokens/drum-grid';
import { DENSITY_PERCENTILES, DENSITY_WINDOW_BARS, LOUDNESS_PERCENTILES } from '../../src/models/drums/spec';
import { TandemError } from '../../src/errors';
import type { DrumCorpus, DrumTrack, Split } from './corpus-types';
import { buildAll } from './build';
import { cacheDir } from './paths';

/** Reads the built drum corpus from the cache, building it first when it is not there. */
export function loadDrumCorpus(cache = cacheDir(), datasets?: string): DrumCorpus {
  const file = join(cache, 'drums.json');
  if (!existsSync(file)) buildAll({ cache, datasets, only: ['drums'] });
  let corpus: DrumCorpus;
  try {
    corpus = JSON.parse(readFileSync(file, 'utf8')) as DrumCorpus;
  } catch {
    // A cache file cut short or overwritten is rebuilt from the datasets, not trusted.
    buildAll({ cache, datasets, only: ['drums'] });
    corpus = JSON.parse(readFileSync(file, 'utf8')) as DrumCorpus;
  }
  if (corpus.kind !== 'drums') throw new TandemError(`${file} is not a drum corpus: rebuild it with tandem data build`);
  return corpus;
}

export function trackGrid(t: DrumTrack): DrumGrid {
  return { steps: t.steps, velocity: Uint8Array.from(t.vel), offset: Float32Array.from(t.off, (o) => o / 100) };
}

export const tracksOf = (c: DrumCorpus, split: Split): DrumTrack[] => c.tracks.filter((t) => t.split === split);

/** Running-average onsets per bar of a track (the density the network is trained with, before normalising). */
export const trackDensityRaw = (t: DrumTrack): number[] => runningAverage(onsetsPerBar(trackGrid(t)), DENSITY_WINDOW_BARS);

/** The corpus range user density 0..1 maps onto: percentiles of the training split's running density. */
export function drumDensityRange(corpus: DrumCorpus): DensityRange {
  const values = tracksOf(corpus, 'train').flatMap(trackDensityRaw);
  return { low: quantile(values, DENSITY_PERCENTILES[0]), high: quantile(values, DENSITY_PERCENTILES[1]) };
}

export const trackDensity = (t: DrumTrack, range: DensityRange): number[] => trackDensityRaw(t).map((d) => normaliseDensity(d, range));

/** Running-average mean velocity per bar of a track (the loudness the network is trained with, before normalising). */
export const trackLoudnessRaw = (t: DrumTrack): number[] => runningAverage(meanVelocityPerBar(trackGrid(t)), DENSITY_WINDOW_BARS);

/** The range loudness 0..1 maps onto (mean velocity): percentiles of the training split's running loudness. */
export function drumLoudnessRange(corpus: DrumCorpus): DensityRange {
  const values = tracksOf(corpus, 'train').flatMap(trackLoudnessRaw);
  return { low: quantile(values, LOUDNESS_PERCENTILES[0]), high: quantile(values, LOUDNESS_PERCENTILES[1]) };
}

export const trackLoudness = (t: DrumTrack, range: DensityRange): number[] => trackLoudnessRaw(t).map((v) => normaliseDensity(v, range));
