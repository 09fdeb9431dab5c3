import { lstatSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidValueError } from '../../src/errors';
import { FileAccessError } from '../fs/errors';

export interface OutputPlan {
  /** `--out`: a .mid path names the file (numbered when several), anything else is a folder. */
  out: string;
  count: number;
  /** File name stem used in folder mode; it carries every setting that changes the notes. */
  stem: string;
  /** `--force`: existing files (same names) may be replaced. */
  force: boolean;
  /** `--primer`: never one of the outputs, even with --force. */
  primer?: string;
}

/** Largest counter tried for a free folder-mode name before giving up. */
const MAX_RUNS = 9999;

/**
 * Where each variation goes, checked before any work is done:
 * a named .mid file that exists is refused unless `force`; in folder mode the stem carries every
 * setting, and when those names are taken a counter (`-run2`, `-run3`, ...) keeps the earlier files;
 * a symbolic link or a folder at an output name is refused; the primer is never an output.
 */
export function planOutputs(plan: OutputPlan): string[] {
  const abs = resolve(plan.out);
  let files: string[];
  if (abs.toLowerCase().endsWith('.mid')) {
    files = plan.count === 1 ? [abs] : Array.from({ length: plan.count }, (_, i) => `${abs.slice(0, -4)}-${i + 1}.mid`);
  } else {
    const named = (run: number) => Array.from({ length: plan.count }, (_, i) => join(abs, `${plan.stem}${run > 1 ? `-run${run}` : ''}-${i + 1}.mid`));
    files = named(1);
    if (!plan.force) {
      let run = 1;
      while (files.some((f) => lstatOrUndefined(f) !== undefined)) {
        if (++run > MAX_RUNS) throw new FileAccessError(files[0], 'write', `${MAX_RUNS} runs with these settings are already there; use another --out`, true);
        files = named(run);
      }
    }
  }
  const primer = plan.primer ? identity(plan.primer) : undefined;
  for (const f of files) {
    const st = lstatOrUndefined(f);
    if (primer && (resolve(plan.primer!) === f || (st && sameFile(primer, identity(f))))) {
      throw new InvalidValueError('out', plan.out, 'a different file from --primer (writing it would destroy the primer)');
    }
    if (!st) continue;
    if (st.isSymbolicLink())
      throw new FileAccessError(f, 'write', 'it is a symbolic link; Tandem does not write through links (remove it or choose another name)', true);
    if (st.isDirectory()) throw new FileAccessError(f, 'write', 'it is a folder, not a file', true);
    if (!st.isFile()) throw new FileAccessError(f, 'write', 'it is not a regular file', true);
    if (!plan.force) throw new FileAccessError(f, 'write', 'it already exists (use --force to replace it)', true, 'EEXIST');
  }
  return files;
}

function lstatOrUndefined(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function identity(path: string): { dev: number; ino: number } | undefined {
  try {
    const st = statSync(path);
    return { dev: st.dev, ino: st.ino };
  } catch {
    return undefined;
  }
}

function sameFile(a: { dev: number; ino: number }, b: { dev: number; ino: number } | undefined): boolean {
  return b !== undefined && a.dev === b.dev && a.ino === b.ino;
}
