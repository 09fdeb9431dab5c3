/**
 * What crosses between Node and the Chromium page: plain, JSON-safe data only (no typed arrays,
 * no class instances). Imported by both sides, so it must stay free of Node and DOM APIs.
 */
import type { DrumRequest } from '../../../src/models/request';
import type { DrumGrid } from '../../../src/tokens/drum-grid';

/** TF.js backends the page can try, in the order it tries them. */
export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export const isBackendName = (v: unknown): v is BackendName => typeof v === 'string' && (BACKEND_NAMES as readonly string[]).includes(v);

/**
 * The origin the page is served from; only the engine's request interception answers it.
 * A `.localhost` name is a secure context (WebGPU needs one) reached without DNS, and being plain
 * http it lets every other request reach the interception to be refused and reported (an https
 * page would have Chromium drop http requests as mixed content before anyone sees them).
 */
export const PAGE_ORIGIN = 'http://tandem.localhost';

/** URL paths the page loads (all answered by the engine from files in the repo). */
export const PAGE_PATHS = Object.freeze({
  html: '/index.html',
  script: '/page.js',
  /** Folder of the tfjs wasm binaries (setWasmPaths wants a trailing slash). */
  wasmDir: '/tfjs-wasm/',
  /** Folder of the loaded model: model.json plus the files its weightsManifest names. */
  modelDir: '/model/',
});

/** A DrumGrid as plain arrays. */
export interface PlainGrid {
  steps: number;
  velocity: number[];
  offset: number[];
}

/** A DrumRequest with its primer (if any) as a PlainGrid. */
export type PlainDrumRequest = Omit<DrumRequest, 'primer'> & { primer?: PlainGrid };

/** Typed arrays -> plain arrays. Float32 values survive exactly (every float32 is a float64). */
export function gridToPlain(grid: DrumGrid): PlainGrid {
  return { steps: grid.steps, velocity: Array.from(grid.velocity), offset: Array.from(grid.offset) };
}

/** Plain arrays -> typed arrays; checks the lengths so a bad message cannot make a short grid. */
export function gridFromPlain(p: PlainGrid): DrumGrid {
  if (p.velocity.length !== p.offset.length || p.velocity.length % p.steps !== 0) {
    throw new Error(`malformed grid from the page: ${p.steps} steps, ${p.velocity.length} velocities, ${p.offset.length} offsets`);
  }
  return { steps: p.steps, velocity: Uint8Array.from(p.velocity), offset: Float32Array.from(p.offset) };
}

export function requestToPlain(req: DrumRequest): PlainDrumRequest {
  const { primer, ...rest } = req;
  return primer ? { ...rest, primer: gridToPlain(primer) } : { ...rest };
}

export function requestFromPlain(p: PlainDrumRequest): DrumRequest {
  const { primer, ...rest } = p;
  return primer ? { ...rest, primer: gridFromPlain(primer) } : { ...rest };
}

/** How one backend fared in the page's probe. */
export interface BackendReport {
  backend: BackendName;
  /** Initialised and within the parity tolerance. */
  ok: boolean;
  /** Why not ok: did not initialise, threw, or parity error over the tolerance. */
  reason?: string;
  /** Max abs difference of the network outputs against the reference backend. */
  parityError?: number;
  /** ms per generated bar (16 steps) for one variation, measured after a warm-up. */
  msPerBar?: number;
  /** ms per generated bar for 16 variations in one batch. The choice minimises msPerBar + msPerBar16. */
  msPerBar16?: number;
  /** The one the page runs on. */
  chosen: boolean;
  /** Why a measurement is missing although the backend works (pruned as too slow). */
  note?: string;
  /** ms the probe spent on this backend (start, shader compiles, parity run, timing). */
  probeMs?: number;
}

/**
 * A backend this many times slower than the fastest at one variation is not timed further (its
 * batch of 16 is left unmeasured and it is never chosen): software WebGPU/WebGL would otherwise
 * add many seconds to every full probe.
 */
export const PRUNE_FACTOR = 3;

/** What the backend choice minimises: one bar alone plus one bar of 16 variations (both uses matter). */
export const choiceCost = (r: BackendReport): number => (r.msPerBar ?? Infinity) + (r.msPerBar16 ?? Infinity);

/** Options for the page's backend choice. */
export interface ProbeOptions {
  /** Use only this backend (still parity-checked and timed, so the report says how it does). */
  force?: BackendName;
  /** Backends to try, in order (default all of BACKEND_NAMES). */
  candidates?: BackendName[];
  /** Max abs difference allowed against the reference outputs. */
  tolerance: number;
  /** Steps in the parity run (also the warm-up before timing). */
  paritySteps: number;
  /** Steps timed per backend. */
  timedSteps: number;
}

/** What the page answers to load. */
export interface PageLoadResult {
  backend: BackendName;
  backends: BackendReport[];
  /** The backend the reference outputs were computed on. */
  reference: BackendName;
  tfVersion: string;
  hidden: number;
  userAgent: string;
}

/** An error thrown in the page, flattened so Node can rebuild its type. */
export interface PageError {
  name: string;
  message: string;
  /** A TandemError (a deliberate, explained failure, not a crash of the page). */
  tandem: boolean;
  /** InvalidValueError's fields, when it was one. */
  field?: string;
  value?: unknown;
  allowed?: string;
}

export type PageAnswer<T> = { ok: true; value: T } | { ok: false; error: PageError };

/** The API the page puts on `window.tandem`. */
export interface PageApi {
  load(opts: ProbeOptions): Promise<PageAnswer<PageLoadResult>>;
  generate(req: PlainDrumRequest): Promise<PageAnswer<PlainGrid[]>>;
  /** Tries to fetch `url` from the page (for the network-blocking check): 'loaded' or the error. */
  tryFetch(url: string): Promise<string>;
}
