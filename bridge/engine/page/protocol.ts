/**
 * What crosses between Node and the Chromium page: plain, JSON-safe data only (no typed arrays,
 * no class instances). Imported by both sides, so it must stay free of Node and DOM APIs.
 */
import type { Sequence } from '../../../src/music/sequence';
import type { EngineRequest } from '../engine';

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

/**
 * A request as it crosses into the page: the part request (plain data, a primer as a Sequence)
 * with the implementation it is for. The page answers with plain Sequences.
 */
export type PageRequest = EngineRequest;

/** What the page is asked to load: a network implementation of the registry, and how to probe backends. */
export interface PageLoadOptions extends ProbeOptions {
  /** ModelImpl.id: the page builds it with its factory and probes it with its probe. */
  impl: string;
}

/** The hidden size a network's model.json states (both trainers write spec.hidden), for reports. */
export function networkHidden(modelJson: unknown): number | undefined {
  const h = (modelJson as { spec?: { hidden?: unknown } } | undefined)?.spec?.hidden;
  return typeof h === 'number' ? h : undefined;
}

const isInt = (v: unknown, lo: number, hi: number): boolean => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;

/**
 * Checks what the page answered to generate: `count` sequences of whole notes in MIDI ranges, so
 * a broken page cannot hand a malformed sequence to the scheduler or a .mid writer.
 */
export function sequencesFromPage(v: unknown, count: number): Sequence[] {
  const bad = (why: string) => new Error(`malformed answer from the page: ${why}`);
  if (!Array.isArray(v) || v.length !== count) throw bad(`${Array.isArray(v) ? v.length : typeof v} sequences for ${count} variations`);
  for (const s of v as Sequence[]) {
    if (!s || !Array.isArray(s.notes) || !Array.isArray(s.tempos) || !Array.isArray(s.meters) || !isInt(s.totalTicks, 0, 2 ** 31))
      throw bad('a sequence without notes, tempos, meters or length');
    const n = s.notes.find(
      (x) =>
        !x ||
        !isInt(x.pitch, 0, 127) ||
        !isInt(x.velocity, 0, 127) ||
        !isInt(x.channel, 0, 15) ||
        !isInt(x.startTicks, 0, 2 ** 31) ||
        !isInt(x.durationTicks, 0, 2 ** 31),
    );
    if (n) throw bad(`a note out of range (${JSON.stringify(n).slice(0, 120)})`);
  }
  return v as Sequence[];
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
  /** ms per generated bar (16 steps of the model's timing request) for one variation, measured after a warm-up. */
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
  /** The implementation loaded (ModelImpl.id). */
  impl: string;
  hidden?: number;
  userAgent: string;
}

/** An error thrown in the page, flattened so Node can rebuild its class (see ./errors.ts). */
export interface PageError {
  name: string;
  message: string;
  /** A TandemError (a deliberate, explained failure, not a crash of the page). */
  tandem: boolean;
  /** The class Node rebuilds, when it is one that crosses with its fields. */
  kind?: 'InvalidValueError' | 'BackendUnavailableError';
  /** InvalidValueError's fields, when it was one. */
  field?: string;
  value?: unknown;
  allowed?: string;
  /** BackendUnavailableError's fields, when it was one. */
  backend?: string;
  reason?: string;
}

export type PageAnswer<T> = { ok: true; value: T } | { ok: false; error: PageError };

/** The API the page puts on `window.tandem`. */
export interface PageApi {
  load(opts: PageLoadOptions): Promise<PageAnswer<PageLoadResult>>;
  generate(req: PageRequest): Promise<PageAnswer<Sequence[]>>;
  /** Tries to fetch `url` from the page (for the network-blocking check): 'loaded' or the error. */
  tryFetch(url: string): Promise<string>;
}
