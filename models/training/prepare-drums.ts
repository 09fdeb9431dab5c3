/**
 * Turns the Groove MIDI corpus (built by `tandem data build`) into the arrays the trainer reads:
 * per track the step patterns, velocities, offsets, normalised density per bar, genre and fill flag.
 * The density definition lives here and in src/conditioning, nowhere else.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DRUM_GENRES } from '../../src/conditioning/genres';
import { normaliseDensity, quantile, runningAverage } from '../../src/conditioning/density';
import { NUM_DRUM_CLASSES } from '../../src/music/drum-map';
import { DENSITY_PERCENTILES, DENSITY_WINDOW_BARS, DRUM_INPUT, DRUM_STEPS_PER_BAR } from '../../src/models/drums/spec';
import type { DrumCorpus, DrumTrack } from '../../bridge/data/corpus-types';
import { cacheDir } from '../../bridge/data/paths';
import { buildAll } from '../../bridge/data/build';

function barsOnsets(t: DrumTrack): number[] {
  const bars = t.steps / DRUM_STEPS_PER_BAR;
  const out = new Array<number>(bars).fill(0);
  for (let i = 0; i < t.vel.length; i++) if (t.vel[i] > 0) out[Math.floor(i / NUM_DRUM_CLASSES / DRUM_STEPS_PER_BAR)]++;
  return out;
}

export function prepareDrums(cache = cacheDir()): string {
  const corpusPath = join(cache, 'drums.json');
  if (!existsSync(corpusPath)) buildAll({ cache, only: ['drums'] });
  const corpus = JSON.parse(readFileSync(corpusPath, 'utf8')) as DrumCorpus;
  const smoothed = new Map<string, number[]>();
  for (const t of corpus.tracks) smoothed.set(t.id, runningAverage(barsOnsets(t), DENSITY_WINDOW_BARS));
  // The range comes from the training beats only (fills are short and busy by nature).
  const trainValues = corpus.tracks.filter((t) => t.split === 'train').flatMap((t) => smoothed.get(t.id)!);
  const range = { low: quantile(trainValues, DENSITY_PERCENTILES[0]), high: quantile(trainValues, DENSITY_PERCENTILES[1]) };
  const tracks = corpus.tracks.map((t) => {
    const pattern: number[] = [];
    for (let s = 0; s < t.steps; s++) {
      let p = 0;
      for (let c = 0; c < NUM_DRUM_CLASSES; c++) if (t.vel[s * NUM_DRUM_CLASSES + c] > 0) p |= 1 << c;
      pattern.push(p);
    }
    return {
      id: t.id,
      split: t.split,
      genre: DRUM_GENRES.indexOf(t.genre),
      fill: t.beatType === 'fill' ? 1 : 0,
      steps: t.steps,
      pattern,
      vel: t.vel,
      off: t.off,
      density: smoothed.get(t.id)!.map((d) => normaliseDensity(d, range)),
    };
  });
  mkdirSync(cache, { recursive: true });
  const out = join(cache, 'drums-train.json');
  writeFileSync(out, JSON.stringify({ inputSize: DRUM_INPUT.size, genres: DRUM_GENRES, densityRange: range, densityWindowBars: DENSITY_WINDOW_BARS, tracks }));
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = prepareDrums();
  console.log(`wrote ${out}`);
}
