import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../bridge/data/paths';
import { sourceFiles } from './helpers/source-files';

/**
 * Formatting (issue 17.7): every source file Prettier does not skip (.prettierignore: built files,
 * data, Max's ES5 scripts, and the list of files not formatted yet) is as Prettier writes it, so new
 * code is formatted and formatted code stays so. `npm run format` fixes it.
 */
describe('formatting', () => {
  it('every source file not on the to-do list of .prettierignore is formatted', async () => {
    const ignorePath = join(REPO_ROOT, '.prettierignore');
    const files = sourceFiles(['src', 'bridge', 'tests', 'bench', 'models/training', 'bin', 'max-device/src'], ['.ts', '.js', '.mjs']);
    const unformatted: string[] = [];
    let checked = 0;
    for (const f of files) {
      const abs = join(REPO_ROOT, f.path);
      if ((await prettier.getFileInfo(abs, { ignorePath })).ignored) continue;
      const options = await prettier.resolveConfig(abs);
      checked++;
      if (!(await prettier.check(readFileSync(abs, 'utf8'), { ...options, filepath: abs }))) unformatted.push(f.path);
    }
    expect(checked).toBeGreaterThan(50);
    expect(unformatted, `not formatted: run npx prettier --write ${unformatted.join(' ')}`).toEqual([]);
  }, 120_000);
});
