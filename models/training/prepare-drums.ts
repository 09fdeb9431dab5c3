/**
 * Turns the Groove MIDI corpus (built by `tandem data build`) into the arrays the trainer reads:
 * per track the step patterns, velocities, offsets, normalised density and loudness per bar, genre
 * and fill flag; and the contour priors (how density and loudness move in real playing, per genre)
 * that generation draws each groove's bar-level conditioning from.
 * The density and loudness definitions live in src/conditioning and bridge/data/drum-corpus, nowhere else.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../bridge/fs/atomic-write';
import { DRUM_GENRES } from '../../src/conditioning/genres';
import { patterns } from '../../src/tokens/drum-grid';
import { DENSITY_WINDOW_BARS, DRUM_INPUT } from '../../src/models/drums/spec';
import { fitContourPrior, type ContourPriors } from '../../src/models/drums/contour';
import { drumDensityRange, drumLoudnessRange, loadDrumCorpus, trackDensity, trackGrid, trackLoudness } from '../../bridge/data/drum-corpus';
import { cacheDir } from '../../bridge/data/paths';

export function prepareDrums(cache = cacheDir()): string {
  const corpus = loadDrumCorpus(cache);
  const range = drumDensityRange(corpus);
  const loudnessRange = drumLoudnessRange(corpus);
  const tracks = corpus.tracks.map((t) => ({
    id: t.id,
    split: t.split,
    genre: DRUM_GENRES.indexOf(t.genre),
    fill: t.beatType === 'fill' ? 1 : 0,
    steps: t.steps,
    pattern: patterns(trackGrid(t)),
    vel: t.vel,
    off: t.off,
    density: trackDensity(t, range),
    loudness: trackLoudness(t, loudnessRange),
  }));
  // Priors from the training split's beats (fills are short and conditioned by their own flag).
  const beats = tracks.filter((t) => t.split === 'train' && !t.fill);
  const contours: ContourPriors = { any: fitContourPrior(beats) };
  for (const [g, name] of DRUM_GENRES.entries()) contours[name] = fitContourPrior(beats.filter((t) => t.genre === g));
  const out = join(cache, 'drums-train.json');
  // Atomic: a full disk or Ctrl-C leaves the previous cache (or none), never a truncated one the trainer would read.
  writeFileAtomic(
    out,
    JSON.stringify({
      inputSize: DRUM_INPUT.size,
      genres: DRUM_GENRES,
      densityRange: range,
      densityWindowBars: DENSITY_WINDOW_BARS,
      loudnessRange,
      contours,
      tracks,
    }),
    { replace: true, mkdir: true },
  );
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(`wrote ${prepareDrums()}`);
