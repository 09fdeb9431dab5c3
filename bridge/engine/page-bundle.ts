import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { staleReason } from '../../bin/dist-fresh.js';
import { cacheDir, REPO_ROOT } from '../data/paths';
import { writeFileAtomic } from '../fs/atomic-write';
import { TandemError } from '../../src/errors';
import { PAGE_PATHS } from './page/protocol';

/** A file the engine answers for the page. */
export interface PageAsset {
  body: Buffer;
  contentType: string;
}

/** The page's script: dist/page.js when fresh, else read from the disk cache or built (esbuild, ~2 s here) once per process. */
let bundle: Promise<Buffer> | undefined;

/** Entry of the page bundle. */
export const PAGE_ENTRY = join(REPO_ROOT, 'bridge', 'engine', 'page', 'main.ts');

/** Where `npm run build` (run by npm install) puts the page, with its stamp (bin/dist-fresh.js). */
export const DIST_DIR = join(REPO_ROOT, 'dist');
export const DIST_PAGE = 'page.js';

/** esbuild options of the page bundle, shared by the install-time build and the run-time fallback. */
export function pageBuildOptions(): BuildOptions & { entryPoints: string[] } {
  return {
    entryPoints: [PAGE_ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    // No keepNames: it wraps every named closure in a call that redefines its `name`, and TF.js
    // makes several per kernel (runKernelFunc, the wasm kernels' wrappers), which cost the page
    // ~8 ms of its ~33 ms main-thread CPU for 8 bars of melody (measured, load 8-10). Errors
    // cross the page boundary by class (page/errors.ts), so minified class names lose nothing there.
    keepNames: false,
    legalComments: 'none',
    logLevel: 'silent',
    absWorkingDir: REPO_ROOT,
    // tfjs-backend-wasm's Emscripten glue mentions Node modules on paths a browser never takes.
    external: ['fs', 'path', 'worker_threads', 'perf_hooks', 'os', 'crypto', 'util'],
    define: { 'process.env.NODE_ENV': '"production"' },
  };
}

/** dist/page.js when it was built from the sources as they are, else undefined. */
function readDistPage(): Buffer | undefined {
  if (staleReason(REPO_ROOT, DIST_DIR, 'page') !== undefined) return undefined;
  try {
    return readFileSync(join(DIST_DIR, DIST_PAGE));
  } catch {
    return undefined;
  }
}

/** Where the built page is kept between runs, with the size and mtime of every file it was built from. */
export const PAGE_CACHE_DIR = join(cacheDir(), 'engine-page');

/** esbuild's version, without loading esbuild (~0.2 s) on the paths that do not build. */
const esbuildVersion = (): string => (createRequire(import.meta.url)('esbuild/package.json') as { version: string }).version;

interface BundleStamp {
  esbuild: string;
  inputs: Array<[path: string, size: number, mtimeMs: number]>;
}

/** This file: its build options shape the bundle as much as the sources do, so it is an input of every build of the page. */
export const PAGE_OPTIONS_FILE = join(REPO_ROOT, 'bridge', 'engine', 'page-bundle.ts');

const stampOf = (paths: string[], esbuildVersion: string): BundleStamp => ({
  esbuild: esbuildVersion,
  inputs: [...new Set([...paths, PAGE_OPTIONS_FILE])].map((p) => {
    const st = statSync(p);
    return [p, st.size, st.mtimeMs];
  }),
});

/** The cached bundle, if every input is unchanged since it was built. */
function readCachedBundle(): Buffer | undefined {
  try {
    const stamp = JSON.parse(readFileSync(join(PAGE_CACHE_DIR, 'inputs.json'), 'utf8')) as BundleStamp;
    const now = stampOf(
      stamp.inputs.map(([p]) => p),
      esbuildVersion(),
    );
    if (JSON.stringify(now) !== JSON.stringify(stamp)) return undefined;
    return readFileSync(join(PAGE_CACHE_DIR, 'page.js'));
  } catch {
    return undefined; // no cache, or an input is gone: build afresh
  }
}

async function buildBundle(): Promise<Buffer> {
  const shipped = readDistPage();
  if (shipped) return shipped;
  const cached = readCachedBundle();
  if (cached) return cached;
  // Only a checkout whose sources changed since `npm run build` (or that never ran it) gets here.
  const { build } = await import('esbuild');
  const r = await build({ ...pageBuildOptions(), write: false, metafile: true });
  const js = Buffer.from(r.outputFiles[0].contents);
  try {
    mkdirSync(PAGE_CACHE_DIR, { recursive: true });
    writeFileAtomic(join(PAGE_CACHE_DIR, 'page.js'), js, { replace: true });
    // Inputs such as "(disabled):fs" are not files.
    const files = Object.keys(r.metafile.inputs)
      .map((p) => resolve(REPO_ROOT, p))
      .filter((p) => existsSync(p));
    writeFileAtomic(join(PAGE_CACHE_DIR, 'inputs.json'), JSON.stringify(stampOf(files, esbuildVersion())), { replace: true });
  } catch {
    // A read-only checkout still works; it just bundles on every run.
  }
  return js;
}

/**
 * The page's script: bridge/engine/page/main.ts with everything it imports from src/ and
 * node_modules as one browser ES module, so the page always runs the checked-out core. Shipped as
 * dist/page.js (built at install); a checkout edited since then bundles at run time, kept in
 * .cache/engine-page and rebuilt when any input file changes.
 */
export function pageScript(): Promise<Buffer> {
  bundle ??= buildBundle().catch((err: Error) => {
    bundle = undefined;
    throw new TandemError(`could not bundle the engine page (${PAGE_ENTRY}): ${err.message}`);
  });
  return bundle;
}

const HTML = Buffer.from(
  `<!doctype html><html><head><meta charset="utf-8"><title>Tandem engine</title><link rel="icon" href="data:,"></head><body><script type="module" src="${PAGE_PATHS.script}"></script></body></html>`,
);

/** The folder holding tfjs-backend-wasm's .wasm binaries. */
export function wasmDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
}

const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/**
 * Every path the page may load, and where it comes from: the page itself, the tfjs wasm binaries,
 * and the model folder's model.json plus the weight files its manifest names. Nothing else is served.
 */
export async function pageAssets(modelDir: string): Promise<Map<string, PageAsset>> {
  const assets = new Map<string, PageAsset>();
  assets.set(PAGE_PATHS.html, { body: HTML, contentType: 'text/html; charset=utf-8' });
  assets.set(PAGE_PATHS.script, { body: await pageScript(), contentType: 'text/javascript; charset=utf-8' });
  const wasm = wasmDir();
  for (const f of WASM_FILES) assets.set(PAGE_PATHS.wasmDir + f, { body: readFileSync(join(wasm, f)), contentType: 'application/wasm' });
  const jsonPath = join(modelDir, 'model.json');
  let json: Buffer;
  try {
    json = readFileSync(jsonPath);
  } catch (err) {
    throw new TandemError(`no model at ${jsonPath} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  assets.set(`${PAGE_PATHS.modelDir}model.json`, { body: json, contentType: 'application/json' });
  const manifest = (JSON.parse(json.toString('utf8')) as { weightsManifest: Array<{ paths: string[] }> }).weightsManifest;
  for (const p of manifest.flatMap((g) => g.paths)) {
    assets.set(PAGE_PATHS.modelDir + p, { body: readFileSync(join(modelDir, p)), contentType: 'application/octet-stream' });
  }
  return assets;
}
