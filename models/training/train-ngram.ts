/**
 * Trains the count-based baseline drum model (n-gram over step patterns per genre) on the
 * Groove MIDI training split and writes models/baseline/drums-ngram.json,
 * then the melody and bass n-grams (Nottingham, POP909, JSB) to melody-ngram.json and bass-ngram.json. Takes seconds.
 * Run: npm run train:baseline
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../bridge/fs/atomic-write';
import { trainDrumNgram } from '../../src/models/baseline/drum-ngram';
import { trainMelodyNgram } from '../../src/models/baseline/melody-ngram';
import { existsSync, readFileSync } from 'node:fs';
import { buildAll } from '../../bridge/data/build';
import { cacheDir } from '../../bridge/data/paths';
import type { MelodyCorpus } from '../../bridge/data/corpus-types';
import { drumDensityRange, loadDrumCorpus, trackGrid, tracksOf } from '../../bridge/data/drum-corpus';
import { REPO_ROOT } from '../../bridge/data/paths';

export function trainBaseline(outDir = join(REPO_ROOT, 'models', 'baseline')): string {
  const corpus = loadDrumCorpus();
  const train = tracksOf(corpus, 'train').map((t) => ({ genre: t.genre, fill: t.beatType === 'fill' ? 1 : 0, grid: trackGrid(t) }));
  const model = trainDrumNgram(train, drumDensityRange(corpus));
  const file = join(outDir, 'drums-ngram.json');
  writeFileAtomic(file, JSON.stringify(model), { replace: true, mkdir: true });
  const melodyFile = join(cacheDir(), 'melody.json');
  if (!existsSync(melodyFile)) buildAll({ only: ['melody'] });
  const melody = JSON.parse(readFileSync(melodyFile, 'utf8')) as MelodyCorpus;
  for (const role of ['melody', 'bass'] as const) {
    const lines = melody.tracks
      .filter((t) => t.split === 'train' && t.role === role)
      .map((t) => ({ style: t.style.replace(' ', '-'), meter: t.meter, notes: t.notes }));
    writeFileAtomic(join(outDir, `${role}-ngram.json`), JSON.stringify(trainMelodyNgram(lines, role)), { replace: true });
  }
  return file;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t0 = performance.now();
  const file = trainBaseline();
  console.log(`wrote ${file} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
