// Whether dist/ (built by `npm run build`, which `npm install` and `npm ci` run as `prepare`) was
// built from the sources as they are now. Plain JavaScript: bin/tandem.js asks this before it has
// any TypeScript loader. Costs a stat per source file (~2 ms here); a file whose mtime changed
// (a fresh clone, a checkout) is hashed, so only a real edit makes dist stale.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The stamp's name in dist/ and its format version (2: the page group lists the file holding the
 * page's build options, bridge/engine/page-bundle.ts, among its inputs; a dist built before is rebuilt).
 */
export const STAMP_FILE = 'stamp.json';
export const STAMP_VERSION = 2;

/** sha-1 of a file's bytes, hex. */
export function fileHash(path) {
  return createHash('sha1').update(readFileSync(path)).digest('hex');
}

/**
 * Why `group` of dist/ cannot be used ('cli' or 'page'), or undefined when it can: every source it
 * was built from has the size and content it had, and every file it wrote is there.
 * @param {string} root the repository root
 * @param {string} dist the dist folder
 * @param {string} group
 * @returns {string | undefined}
 */
export function staleReason(root, dist, group) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(dist, STAMP_FILE), 'utf8'));
  } catch {
    return 'not built (npm run build)';
  }
  const g = stamp && stamp.version === STAMP_VERSION && stamp.groups ? stamp.groups[group] : undefined;
  if (!g || !Array.isArray(g.inputs) || !Array.isArray(g.outputs)) return 'built by another version of the build (npm run build)';
  for (const [rel, size] of g.outputs) {
    try {
      if (statSync(join(dist, rel)).size !== size) return `dist/${rel} changed since the build`;
    } catch {
      return `dist/${rel} is missing`;
    }
  }
  for (const [rel, size, mtimeMs, sha] of g.inputs) {
    const path = join(root, rel);
    let st;
    try {
      st = statSync(path);
    } catch {
      return `${rel} is gone since the build`;
    }
    if (st.size !== size) return `${rel} changed since the build`;
    if (st.mtimeMs === mtimeMs) continue;
    if (fileHash(path) !== sha) return `${rel} changed since the build`;
  }
  return undefined;
}
