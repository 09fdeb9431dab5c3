import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { datasetsDir } from '../../bridge/data/paths';

/** The shared datasets folder; fails loudly (never skips) when it is missing. */
export function requireDatasets(): string {
  const dir = datasetsDir();
  if (!existsSync(join(dir, 'groove-midi', 'info.csv'))) {
    throw new Error(`tests need the datasets at ${dir} (../shared/datasets beside the repo, or set TANDEM_DATASETS)`);
  }
  return dir;
}
