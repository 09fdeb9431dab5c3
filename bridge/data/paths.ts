import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: the first folder with a package.json above this module, which is
 * bridge/data/ when run from the sources and dist/ when run from the build.
 */
export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return resolve(from, '..', '..');
  }
}

/**
 * Where the datasets are: `--datasets`, else $TANDEM_DATASETS, else `../shared/datasets`
 * beside the repo, else `../shared/datasets` from the working directory.
 */
export function datasetsDir(override?: string): string {
  if (override) return resolve(override);
  if (process.env.TANDEM_DATASETS) return resolve(process.env.TANDEM_DATASETS);
  const beside = resolve(REPO_ROOT, '..', 'shared', 'datasets');
  if (existsSync(beside)) return beside;
  return resolve('..', 'shared', 'datasets');
}

/** Where built corpora go (never committed): `--cache`, else $TANDEM_CACHE, else `.cache/` in the repo. */
export function cacheDir(override?: string): string {
  if (override) return resolve(override);
  if (process.env.TANDEM_CACHE) return resolve(process.env.TANDEM_CACHE);
  return join(REPO_ROOT, '.cache');
}
