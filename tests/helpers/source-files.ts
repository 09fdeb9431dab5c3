import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../../bridge/data/paths';

/** One source file of the repo: its path from the repo root and its lines. */
export interface SourceFile {
  path: string;
  lines: string[];
}

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.cache', 'checkpoints']);

/** Every file under `dirs` (repo-relative) whose name ends with one of `exts`, read as text. */
export function sourceFiles(dirs: readonly string[], exts: readonly string[] = ['.ts', '.js', '.mjs']): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(full);
      } else if (e.isFile() && exts.some((x) => e.name.endsWith(x))) {
        out.push({ path: relative(REPO_ROOT, full), lines: readFileSync(full, 'utf8').split('\n') });
      }
    }
  };
  for (const d of dirs) walk(join(REPO_ROOT, d));
  return out;
}

/** `path:line: text` for every line of `files` that matches `re`, unless `unless` matches it or the `unlessWithin` lines after it. */
export function linesMatching(files: readonly SourceFile[], re: RegExp, unless?: RegExp, unlessWithin = 0): string[] {
  const hits: string[] = [];
  for (const f of files)
    f.lines.forEach((l, i) => {
      if (!re.test(l)) return;
      if (unless?.test(f.lines.slice(i, i + 1 + unlessWithin).join('\n'))) return;
      hits.push(`${f.path}:${i + 1}: ${l.trim().slice(0, 160)}`);
    });
  return hits;
}
