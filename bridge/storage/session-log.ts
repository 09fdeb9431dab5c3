import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write';
import { readInputFile } from '../fs/read-input';

/** The log each session folder holds, one JSON line per saved suggestion (see SuggestionStore). */
export const SESSION_LOG = 'session.jsonl';

/** Largest session log read back (bytes): some 10,000 suggestions. */
export const MAX_LOG_BYTES = 4 * 1024 * 1024;

/** One line of a session log, as far as readers rely on it. */
export interface SessionLogLine {
  file: string;
  savedAt?: string;
  model?: string;
  genre?: string;
  density?: number;
  seed?: number;
  bars?: number;
  bpm?: number;
  atTicks?: number;
  kept?: boolean;
  [key: string]: unknown;
}

/**
 * Reads a session folder's log: the lines that are objects naming a file; others (a line cut by a
 * crash of an older version, a hand edit) are counted in `skipped`, not fatal.
 */
export function readSessionLog(dir: string): { lines: SessionLogLine[]; skipped: number } {
  const text = readInputFile(join(dir, SESSION_LOG), { what: 'session log', maxBytes: MAX_LOG_BYTES }).toString('utf8');
  const lines: SessionLogLine[] = [];
  let skipped = 0;
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    try {
      const v = JSON.parse(raw) as unknown;
      if (typeof v === 'object' && v !== null && typeof (v as SessionLogLine).file === 'string') lines.push(v as SessionLogLine);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { lines, skipped };
}

/**
 * Marks a suggestion of a finished session as kept: its line gains `"kept": true` and `keptAt`,
 * and the log is rewritten atomically. Returns false when no line names the file. (The running
 * session's log is its store's: use SuggestionStore.markKept there.)
 */
export function markKeptInLog(dir: string, file: string): boolean {
  const text = readInputFile(join(dir, SESSION_LOG), { what: 'session log', maxBytes: MAX_LOG_BYTES }).toString('utf8');
  let found = false;
  const out = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      try {
        const v = JSON.parse(l) as SessionLogLine;
        if (v.file !== file || found) return l;
        found = true;
        return JSON.stringify({ ...v, kept: true, keptAt: new Date().toISOString() });
      } catch {
        return l;
      }
    });
  if (found) writeFileAtomic(join(dir, SESSION_LOG), out.join('\n') + '\n', { replace: true });
  return found;
}

/** Session folders under `root` that hold a log (real folders, not links), newest name first. */
export function listSessions(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  return names
    .filter((n) => {
      try {
        return lstatSync(join(root, n)).isDirectory() && lstatSync(join(root, n, SESSION_LOG)).isFile();
      } catch {
        return false;
      }
    })
    .sort()
    .reverse();
}
