import { existsSync } from 'node:fs';
import { makeFolders, writeFileAtomic } from '../fs/atomic-write';
import { join } from 'node:path';
import { TandemError } from '../../src/errors';
import { buildGrooveCorpus, type Progress } from './groove';
import { buildMelodyCorpus } from './melody';
import { cacheDir, datasetsDir } from './paths';

import { CORPORA, type CorpusName } from './corpora';

export { CORPORA, type CorpusName };

export interface BuildOptions {
  datasets?: string;
  cache?: string;
  only?: CorpusName[];
  onProgress?: (corpus: CorpusName, done: number, total: number, label: string) => void;
}

export interface BuildSummary {
  corpus: CorpusName;
  file: string;
  tracks: number;
  skipped: number;
  ms: number;
}

/** Builds the requested corpora from the datasets folder into the cache folder. */
export function buildAll(opts: BuildOptions = {}): BuildSummary[] {
  const root = datasetsDir(opts.datasets);
  if (!existsSync(root)) {
    throw new TandemError(`datasets not found at ${root}: pass --datasets DIR or set TANDEM_DATASETS (expected ../shared/datasets beside the repo)`);
  }
  const cache = cacheDir(opts.cache);
  makeFolders(cache);
  const out: BuildSummary[] = [];
  for (const name of opts.only ?? CORPORA) {
    const t0 = performance.now();
    const progress: Progress = (d, t, l) => opts.onProgress?.(name, d, t, l);
    const corpus = name === 'drums' ? buildGrooveCorpus(join(root, 'groove-midi'), progress) : buildMelodyCorpus(root, progress);
    const file = join(cache, `${name}.json`);
    writeFileAtomic(file, JSON.stringify(corpus), { replace: true });
    out.push({ corpus: name, file, tracks: corpus.tracks.length, skipped: corpus.skipped.length, ms: performance.now() - t0 });
  }
  return out;
}
