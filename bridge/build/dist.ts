/**
 * `npm run build` (also run by `npm install` and `npm ci` as `prepare`): writes dist/, what a run
 * executes, so no run bundles or compiles anything:
 * - the CLI and its worker threads as JavaScript (esbuild, one ES module per entry plus shared
 *   chunks, node_modules left as imports): bin/tandem.js runs dist/cli.mjs instead of the
 *   TypeScript through tsx (~1.1 s saved per start);
 * - the engine's page (dist/page.js), which the Chromium engine otherwise bundled at its first run;
 * - stamp.json: size, mtime and sha-1 of every source each part was built from, so a checkout
 *   edited since falls back to the sources (bin/dist-fresh.js) instead of running stale code.
 * dist/ is not committed (see the README's note on start-up for why).
 */
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { fileHash, STAMP_FILE, STAMP_VERSION } from '../../bin/dist-fresh.js';
import { REPO_ROOT } from '../data/paths';
import { writeFileAtomic } from '../fs/atomic-write';
import { DIST_DIR, DIST_PAGE, PAGE_OPTIONS_FILE, pageBuildOptions } from '../engine/page-bundle';

/** Entries of the CLI build: source -> name in dist/ (.mjs). Worker files keep the names their owners load. */
export const CLI_ENTRIES: Readonly<Record<string, string>> = Object.freeze({
  'bridge/cli/main.ts': 'cli',
  // Owners start these with new URL('./<name>.mjs', import.meta.url), which in dist/ finds these.
  'bridge/live/part-worker.ts': 'part-worker-entry',
  'bridge/live/output-worker.ts': 'output-worker-entry',
});

/**
 * CommonJS packages the built CLI loads with require() rather than import: Node's ESM loader
 * first scans a CommonJS file with its export lexer, ~0.2 s for TF.js's 1.2 MB here (measured
 * with --cpu-prof). Only CommonJS packages may be listed (require() of an ES module fails on Node 20).
 */
export const REQUIRED_PACKAGES = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-cpu',
  'seedrandom',
  'midi-file',
  'commander',
  'osc-js',
];

const REQUIRE_BANNER = "import { createRequire as __tandemCreateRequire } from 'node:module'; const __tandemRequire = __tandemCreateRequire(import.meta.url);";

/** Turns imports of REQUIRED_PACKAGES into require() calls (esbuild wraps them as it wraps any CommonJS module). */
const requireCommonJs: Plugin = {
  name: 'require-commonjs',
  setup(b) {
    const filter = new RegExp(`^(${REQUIRED_PACKAGES.map((p) => p.replace(/[/.-]/g, (c) => `\\${c}`)).join('|')})$`);
    b.onResolve({ filter }, (a) => ({ path: a.path, namespace: 'require-commonjs' }));
    b.onLoad({ filter: /.*/, namespace: 'require-commonjs' }, (a) => ({
      contents: `module.exports = __tandemRequire(${JSON.stringify(a.path)});`,
      loader: 'js',
    }));
  },
};

/** Files every part depends on besides its bundled sources. */
const ALWAYS = ['package.json', 'package-lock.json'];

export type Entry = [rel: string, size: number, mtimeMs?: number, sha?: string];

/** Source files of a metafile (repo-relative, without node_modules: a new install rebuilds anyway). */
function sourcesOf(meta: Metafile, root: string): string[] {
  const rels = Object.keys(meta.inputs)
    // Virtual modules ("require-commonjs:x", "(disabled):fs") are not files.
    .filter((p) => !/^[\w-]+:/.test(p))
    .map((p) => relative(root, resolve(root, p)))
    .filter((p) => !p.startsWith('..') && !p.includes('(') && !p.split(sep).includes('node_modules'));
  return [...new Set([...rels, ...ALWAYS])].sort();
}

/** A stamp line for one source: repo-relative path, size, mtime, sha-1. */
export const stampEntry = (root: string, rel: string): Entry => {
  const st = statSync(join(root, rel));
  return [rel, st.size, st.mtimeMs, fileHash(join(root, rel))];
};

const outputEntries = (meta: Metafile, outdir: string): Entry[] =>
  Object.keys(meta.outputs).map((p) => {
    const rel = relative(outdir, resolve(REPO_ROOT, p));
    return [rel, statSync(join(outdir, rel)).size];
  });

/** What buildDist did, for the log line and the bench. */
export interface DistSummary {
  dir: string;
  ms: number;
  files: number;
  bytes: number;
}

/**
 * Builds everything into a fresh folder beside `dist` and swaps it in, so a process starting
 * meanwhile finds the old dist, none (and runs the sources), or the new one, never half of one.
 */
export async function buildDist(dist = DIST_DIR, root = REPO_ROOT): Promise<DistSummary> {
  const t0 = performance.now();
  const tmp = `${dist}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const cli = await build({
      absWorkingDir: root,
      entryPoints: Object.entries(CLI_ENTRIES).map(([src, out]) => ({ in: src, out })),
      outdir: tmp,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      // Error classes are matched by name across the page and worker boundaries.
      keepNames: true,
      sourcemap: 'linked',
      chunkNames: 'chunk-[hash]',
      banner: { js: `// Tandem, built by \`npm run build\` from bridge/ and src/; do not edit (npm install rebuilds it).\n${REQUIRE_BANNER}` },
      plugins: [requireCommonJs],
      metafile: true,
      logLevel: 'warning',
    });
    const page = await build({ ...pageBuildOptions(), absWorkingDir: root, outfile: join(tmp, DIST_PAGE), metafile: true });
    const groups = {
      cli: { inputs: sourcesOf(cli.metafile, root).map((r) => stampEntry(root, r)), outputs: outputEntries(cli.metafile, tmp) },
      page: {
        inputs: [...new Set([...sourcesOf(page.metafile, root), relative(REPO_ROOT, PAGE_OPTIONS_FILE)])].sort().map((r) => stampEntry(root, r)),
        outputs: outputEntries(page.metafile, tmp),
      },
    };
    writeFileAtomic(join(tmp, STAMP_FILE), JSON.stringify({ version: STAMP_VERSION, builtAt: new Date().toISOString(), groups }, null, 1) + '\n', {
      replace: true,
    });
    const old = `${dist}.old-${process.pid}`;
    let hadOld = true;
    try {
      renameSync(dist, old);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      hadOld = false;
    }
    renameSync(tmp, dist);
    if (hadOld) rmSync(old, { recursive: true, force: true });
    const outs = [...groups.cli.outputs, ...groups.page.outputs];
    return { dir: dist, ms: performance.now() - t0, files: outs.length, bytes: outs.reduce((n, o) => n + o[1], 0) };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const s = await buildDist();
    console.log(
      `tandem: built ${relative(process.cwd(), s.dir) || s.dir}/ (${s.files} files, ${(s.bytes / 1e6).toFixed(1)} MB) in ${(s.ms / 1000).toFixed(1)} s`,
    );
  } catch (err) {
    // The CLI still runs from the TypeScript sources (a slower start), so an install goes on.
    console.error(`tandem: could not build dist/ (${(err as Error).message}); the CLI will run from the TypeScript sources, starting ~1 s slower`);
    process.exitCode = process.env.CI === 'true' ? 1 : 0;
  }
}
