/**
 * The model engine: where a model's TF.js code runs. Two kinds, one interface: ChromiumEngine
 * (a headless Chromium page, GPU-backed where the machine allows) and NodeEngine (in this process).
 * Callers hand in plain requests and get grids back; which engine runs is their only difference.
 */
import { TandemError } from '../../src/errors';
import type { PartRequest } from '../../src/models/spec';
import type { Sequence } from '../../src/music/sequence';
import type { BackendName, BackendReport } from './page/protocol';

export type { BackendName, BackendReport } from './page/protocol';
export { BACKEND_NAMES, isBackendName } from './page/protocol';

export type EngineKind = 'chromium' | 'node';

/**
 * A model an engine can load: any network implementation of the registry (a spec's ModelImpl of
 * kind 'network': 'drums-gru', 'melody-gru', 'bass-gru'). The engine builds it with the
 * implementation's factory (src/models/factories.ts) and probes backends with its probe
 * (src/models/probes.ts), in the Chromium page and in Node alike. The n-gram baselines are plain
 * JS and run anywhere, without an engine.
 */
export interface EngineModel {
  /** The implementation id (ModelImpl.id). */
  id: string;
  /** Folder with model.json and the weight files its manifest names. */
  dir: string;
}

/** What an engine is asked for: a part request that names the model (implementation id) it is for. */
export interface EngineRequest extends PartRequest {
  /** The implementation to run (ModelImpl.id); an engine refuses a model it has not loaded. */
  model: string;
}

/** Launch-to-ready timings of a Chromium engine, ms from the start of the launch. */
export interface EngineTimings {
  /** The page bundle is built (esbuild, once per process) and the model files are read. */
  assetsMs: number;
  /** The browser process is up and connected. */
  launchMs: number;
  /** The page and its bundle have loaded. */
  pageReadyMs: number;
  /** Weights loaded, backends probed, model ready to generate. */
  modelLoadedMs: number;
}

/** What an engine says about itself (for `tandem doctor`, logs and benches). */
export interface EngineInfo {
  /** The engine asked for. */
  kind: EngineKind;
  /** The engine generating now: 'node' after a Chromium engine fell back. */
  running: EngineKind;
  /** TF.js backend in use. */
  backend?: BackendName;
  /** Every backend tried, with parity error and speed (Chromium: the page's probe). */
  backends: BackendReport[];
  /**
   * Where `backends` comes from: 'measured' at this launch, or 'cached' from the last full probe
   * (the backend in use is parity-checked and timed again at every launch either way).
   */
  probe?: 'measured' | 'cached' | 'forced';
  tfVersion?: string;
  model?: { id: EngineModel['id']; dir: string; hidden?: number };
  browser?: { path: string; version?: string; pid?: number };
  timings?: EngineTimings;
  /** Times the browser was relaunched after a crash, kill or hang. */
  relaunches: number;
  /** Why a Chromium engine now runs on NodeEngine, when it does. */
  fallbackReason?: string;
  /** Requests from the page to anything but the engine's own origin (all refused). */
  blockedRequests: string[];
}

/** Runs models. Calls are serialised: one generate at a time per engine. */
export interface Engine {
  readonly kind: EngineKind;
  /** Loads (or replaces) the model; resolves when it is ready to generate. */
  load(model: EngineModel): Promise<void>;
  /**
   * One sequence per variation (`request.count`) from the loaded model, which the request names;
   * same request + seed = same notes on every engine.
   */
  generate(request: EngineRequest): Promise<Sequence[]>;
  info(): EngineInfo;
  /** Frees the model and, for Chromium, ends the browser and every process it started. Idempotent. */
  close(): Promise<void>;
}

/** Base of the engine's errors. */
export class EngineError extends TandemError {}

/** No Chrome/Chromium to launch. */
export class BrowserNotFoundError extends EngineError {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** The browser would not start or its page would not load. */
export class BrowserLaunchError extends EngineError {
  constructor(
    readonly executablePath: string,
    readonly reason: string,
  ) {
    super(`could not start the engine browser ${executablePath}: ${reason}`);
  }
}

/** The browser or its page died (crash, kill) while the engine needed it. */
export class BrowserCrashedError extends EngineError {
  constructor(
    readonly pid: number | undefined,
    readonly reason: string,
  ) {
    super(`the engine browser${pid ? ` (pid ${pid})` : ''} ${reason}`);
  }
}

/** A step took longer than its limit (the browser is taken to hang). */
export class EngineTimeoutError extends EngineError {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`${what} took longer than ${Math.round(timeoutMs)} ms`);
  }
}

/** A TF.js backend that was asked for cannot run, or none can. */
export class BackendUnavailableError extends EngineError {
  constructor(
    readonly backend: string,
    readonly reason: string,
  ) {
    super(`TF.js backend ${backend} is unavailable: ${reason}`);
  }
}

/** The page's code threw something that is not a request error. */
export class PageScriptError extends EngineError {
  constructor(
    readonly pageErrorName: string,
    readonly reason: string,
  ) {
    super(`the engine page failed: ${pageErrorName}: ${reason}`);
  }
}

/** generate() before load(). */
export class ModelNotLoadedError extends EngineError {
  constructor(kind: EngineKind) {
    super(`the ${kind} engine has no model loaded: call load() first`);
  }
}

/** A request for a model other than the one the engine has loaded. */
export class EngineModelMismatchError extends EngineError {
  constructor(
    readonly loaded: string,
    readonly asked: unknown,
  ) {
    super(`the engine has ${loaded} loaded; a request for ${String(asked)} cannot run on it`);
  }
}

/** Checks that a request is for the loaded model (see EngineModelMismatchError). */
export function checkRequestModel(loaded: EngineModel, request: EngineRequest): void {
  if (request.model !== loaded.id) throw new EngineModelMismatchError(loaded.id, request.model);
}

/** A call on an engine that was closed. */
export class EngineClosedError extends EngineError {
  constructor(kind: EngineKind) {
    super(`the ${kind} engine is closed`);
  }
}

/** Runs `work` with a deadline; the timer never keeps the process alive past the answer. */
export function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EngineTimeoutError(what, timeoutMs)), timeoutMs);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
