import { InvalidValueError, TandemError } from '../../src/errors';
import type { Sequence } from '../../src/music/sequence';
import { ChromiumHost, type HostLaunchOptions } from './chromium-host';
import type { ProbeOptions } from './page/protocol';
import { hasGpuDevice, PROBE_CACHE_FILE, PROBE_DEFAULTS, probeKey, readProbe, writeProbe } from './probe-cache';
import { version_core as tfVersion } from '@tensorflow/tfjs-core';
import {
  BackendUnavailableError,
  BrowserCrashedError,
  BrowserLaunchError,
  BrowserNotFoundError,
  EngineTimeoutError,
  EngineClosedError,
  EngineError,
  ModelNotLoadedError,
  PageScriptError,
  type BackendName,
  type BackendReport,
  type Engine,
  type EngineInfo,
  type EngineModel,
  type EngineRequest,
  checkRequestModel,
} from './engine';
import { findBrowser } from './find-browser';
import { NodeEngine } from './node-engine';
import type { NodeBackend } from './node-tf';

/** Options of the Chromium engine; every field has a default (CHROMIUM_ENGINE_DEFAULTS). */
export interface ChromiumEngineOptions {
  /** Browser to launch; default findBrowser() ($TANDEM_CHROME, then the usual places). */
  executablePath?: string;
  /** Force one TF.js backend in the page (`--backend`); default: the fastest that passes parity. */
  backend?: BackendName;
  /** Backends the page tries when none is forced, in order. */
  candidates?: BackendName[];
  /** Max abs difference of network outputs against the reference (cpu) backend. Default 1e-3. */
  tolerance?: number;
  /** Steps in the page's parity run. Default 32 (two bars). */
  paritySteps?: number;
  /** Steps the page times per backend. Default 16 (one bar). */
  timedSteps?: number;
  /** WebGPU on SwiftShader (software). Default: when the machine shows no GPU device. */
  softwareGpu?: boolean;
  /** Chromium's sandbox. Default on, except as root (where Chromium refuses to start with it). */
  sandbox?: boolean;
  /** ms for the browser to start and its page to open. Default 30 s. */
  launchTimeoutMs?: number;
  /** ms for the page to fetch the model and probe the backends (a full probe takes ~12 s here). Default 60 s. */
  loadTimeoutMs?: number;
  /**
   * Base ms a generate may take before the browser counts as hung; 4x the time the probe's speeds
   * predict for the request is added. Default 20 s.
   */
  generateTimeoutMs?: number;
  /**
   * File keeping the last full backend probe between runs (see probe-cache.ts), or false to probe
   * every backend at every launch. Default .cache/engine-probe.json.
   */
  probeCache?: string | false;
  /** After a failed relaunch-and-retry, go on in-process (true) or throw (false). Default true. */
  fallback?: boolean;
  /** Backend of the fallback NodeEngine. Default 'wasm'. */
  nodeBackend?: NodeBackend;
  /** Where the engine's one-line notices go. Default stderr. */
  log?: (line: string) => void;
}

export const CHROMIUM_ENGINE_DEFAULTS = Object.freeze({
  ...PROBE_DEFAULTS,
  launchTimeoutMs: 30_000,
  loadTimeoutMs: 60_000,
  generateTimeoutMs: 20_000,
  fallback: true,
  nodeBackend: 'wasm' as NodeBackend,
  probeCache: PROBE_CACHE_FILE as string | false,
});

export { hasGpuDevice };

/**
 * The models in a headless Chromium page, on the fastest TF.js backend that gives the reference
 * outputs. If the browser crashes, is killed or hangs, the engine relaunches it and retries the
 * pending request once; if that fails too it goes on in-process (NodeEngine) and says so once.
 */
export class ChromiumEngine implements Engine {
  readonly kind = 'chromium' as const;
  readonly executablePath: string;
  private readonly o: Required<Omit<ChromiumEngineOptions, 'executablePath' | 'backend' | 'candidates' | 'softwareGpu' | 'sandbox'>> & ChromiumEngineOptions;
  private host?: ChromiumHost;
  private model?: EngineModel;
  private fallbackEngine?: NodeEngine;
  private fallbackReason?: string;
  private firstReports: BackendReport[] = [];
  private probeSource?: EngineInfo['probe'];
  /** Backend the page runs on now (relaunches keep it). */
  private current?: BackendName;
  private readonly blocked: string[] = [];
  private relaunches = 0;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: ChromiumEngineOptions = {}) {
    const o = { ...CHROMIUM_ENGINE_DEFAULTS, log: (line: string) => console.error(line), ...stripUndefined(options) };
    const path = o.executablePath ?? findBrowser().path;
    if (!path) throw new BrowserNotFoundError(findBrowser().reason ?? 'no Chrome/Chromium found');
    this.executablePath = path;
    this.o = o;
  }

  /** The browser's process id, while one runs. */
  get browserPid(): number | undefined {
    return this.host?.pid;
  }

  async load(model: EngineModel): Promise<void> {
    await this.serial(async () => {
      if (this.closed) throw new EngineClosedError(this.kind);
      this.model = model;
      if (this.fallbackEngine) return this.fallbackEngine.load(model);
      await this.dropHost();
      this.firstReports = [];
      this.current = undefined;
      await this.resilient(
        async () => {
          this.host = await this.launchProbed();
        },
        async () => undefined,
      );
    });
  }

  async generate(request: EngineRequest): Promise<Sequence[]> {
    return this.serial(async () => {
      if (this.closed) throw new EngineClosedError(this.kind);
      if (!this.model) throw new ModelNotLoadedError(this.kind);
      checkRequestModel(this.model, request);
      if (this.fallbackEngine) return this.fallbackEngine.generate(request);
      return this.resilient(
        async () => {
          this.host ??= await (this.current ? this.launch(this.current) : this.launchProbed());
          return this.host.generate(request, this.timeoutFor(request));
        },
        (node) => node.generate(request),
      );
    });
  }

  /**
   * Runs `attempt` on the browser. If the browser fails (crash, kill, hang, launch), relaunches
   * and runs it once more; if that fails too, goes on in-process with `inProcess` (or throws,
   * when fallback is off). One log line for each.
   */
  private async resilient<T>(attempt: () => Promise<T>, inProcess: (node: NodeEngine) => Promise<T>): Promise<T> {
    let first: Error;
    try {
      return await attempt();
    } catch (err) {
      if (!this.recoverable(err)) throw err;
      first = err as Error;
    }
    this.o.log(`tandem: engine browser failed (${first.message}); relaunching it and retrying once`);
    await this.dropHost(false);
    this.relaunches++;
    try {
      return await attempt();
    } catch (err) {
      if (!this.recoverable(err)) throw err;
      await this.dropHost(false);
      if (!this.o.fallback) throw err;
      this.fallbackReason = `${first.message}; after a relaunch: ${(err as Error).message}`;
      const node = new NodeEngine({ backend: this.o.nodeBackend });
      await node.load(this.model!);
      this.fallbackEngine = node;
      this.o.log(
        `tandem: the Chromium engine failed twice, so models run in-process from now on (NodeEngine on ${node.info().backend}): ${this.fallbackReason}`,
      );
      return inProcess(node);
    }
  }

  /** Worth a relaunch: the browser failed, not the request or the set-up. */
  private recoverable(err: unknown): boolean {
    if (this.closed) return false;
    if (err instanceof BackendUnavailableError) return this.o.backend === undefined; // none works: Node's wasm may
    if (err instanceof InvalidValueError || err instanceof EngineClosedError) return false;
    if (err instanceof TandemError)
      return err instanceof BrowserCrashedError || err instanceof EngineTimeoutError || err instanceof BrowserLaunchError || err instanceof PageScriptError;
    return true; // puppeteer's own errors: protocol, target closed
  }

  private async dropHost(polite = true): Promise<void> {
    const host = this.host;
    this.host = undefined;
    await host?.close(polite);
  }

  /**
   * The first launch for a model: a forced backend; else the winner of the cached full probe,
   * checked again (a full probe in the same page when it no longer passes); else a full probe,
   * which is then cached.
   */
  private async launchProbed(): Promise<ChromiumHost> {
    if (this.o.backend) {
      const host = await this.launch(this.o.backend);
      this.firstReports = host.loaded!.backends;
      this.probeSource = 'forced';
      return host;
    }
    const file = this.o.probeCache;
    const key = file ? probeKey({ executablePath: this.executablePath, modelDir: this.model!.dir, tfVersion, settings: this.probeOptions() }) : '';
    const cached = file ? readProbe(file, key) : undefined;
    const winner = cached?.find((r) => r.chosen)?.backend;
    let host: ChromiumHost | undefined;
    if (cached && winner) {
      host = await this.launch(winner).catch((err: unknown) => {
        if (err instanceof BackendUnavailableError) return undefined; // gone since: probe all below
        throw err;
      });
      const fresh = host?.loaded!.backends[0];
      if (host && fresh?.ok) {
        this.firstReports = cached.map((r) => (r.backend === winner ? fresh : { ...r, chosen: false }));
        this.probeSource = 'cached';
        return host;
      }
      if (host) {
        try {
          this.current = (await host.reload(this.probeOptions())).backend;
        } catch (err) {
          await host.close(false);
          throw err;
        }
      }
    }
    if (!host) {
      // Software WebGPU/WebGL compile their shaders on first use: a full probe takes seconds.
      this.o.log(
        `tandem: measuring the TF.js backends in Chromium (${cached ? 'the cached choice no longer passes' : 'first run with this browser and model'}; the result is cached${file ? ` in ${file}` : ''})`,
      );
      host = await this.launch(undefined);
    }
    this.firstReports = host.loaded!.backends;
    this.probeSource = 'measured';
    if (file) writeProbe(file, key, this.firstReports);
    return host;
  }

  /** Launches a browser on `force`, or with a full probe when undefined. */
  private launch(force: BackendName | undefined): Promise<ChromiumHost> {
    const opts: HostLaunchOptions = {
      executablePath: this.executablePath,
      impl: this.model!.id,
      modelDir: this.model!.dir,
      probe: this.probeOptions(force),
      softwareGpu: this.o.softwareGpu ?? !hasGpuDevice(),
      sandbox: this.o.sandbox ?? process.getuid?.() !== 0,
      launchTimeoutMs: this.o.launchTimeoutMs,
      loadTimeoutMs: this.o.loadTimeoutMs,
      onBlocked: (url) => {
        this.blocked.push(url);
        this.o.log(`tandem: blocked a request from the engine page to ${url} (the page may only load its own files)`);
      },
      onDeath: () => undefined,
    };
    // The page's BackendUnavailableError arrives as that class (page/errors.ts): no mapping here.
    return ChromiumHost.launch(opts).then(async (host) => {
      if (this.closed) {
        // close() ran while this browser was starting: it must not outlive the engine.
        await host.close();
        throw new EngineClosedError(this.kind);
      }
      this.current = host.loaded!.backend;
      return host;
    });
  }

  private probeOptions(force?: BackendName): ProbeOptions {
    return { force, candidates: this.o.candidates, tolerance: this.o.tolerance, paritySteps: this.o.paritySteps, timedSteps: this.o.timedSteps };
  }

  /**
   * Moves the running page onto `backend` (parity-checked and timed like in the first probe; used
   * even when off the tolerance, as with the backend option). For benches, doctor and tests.
   */
  async useBackend(backend: BackendName): Promise<BackendReport> {
    return this.serial(async () => {
      if (!this.host) throw this.noPage();
      const loaded = await this.host.reload(this.probeOptions(backend));
      this.current = loaded.backend;
      return loaded.backends[0];
    });
  }

  /** Deadline of one generate: the base plus 4x what the probe's speed predicts. */
  private timeoutFor(req: EngineRequest): number {
    const r = this.host?.loaded?.backends.find((b) => b.chosen);
    const perBar = Math.max(r?.msPerBar ?? 50, ((r?.msPerBar16 ?? 800) * req.count) / 16);
    return this.o.generateTimeoutMs + 4 * perBar * req.bars;
  }

  /** Runs calls one after another; a failed call does not block the next. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  info(): EngineInfo {
    if (this.fallbackEngine) {
      return {
        ...this.fallbackEngine.info(),
        kind: this.kind,
        running: 'node',
        relaunches: this.relaunches,
        fallbackReason: this.fallbackReason,
        blockedRequests: [...this.blocked],
        browser: { path: this.executablePath },
      };
    }
    const h = this.host;
    return {
      kind: this.kind,
      running: this.kind,
      backend: h?.loaded?.backend,
      backends: this.firstReports,
      probe: this.probeSource,
      tfVersion: h?.loaded?.tfVersion,
      model: this.model && { id: this.model.id, dir: this.model.dir, hidden: h?.loaded?.hidden },
      browser: { path: this.executablePath, version: h?.version, pid: h?.pid },
      timings: h && { ...h.timings },
      relaunches: this.relaunches,
      blockedRequests: [...this.blocked],
    };
  }

  /** Makes the page fetch `url`, to show the network block at work: 'refused: ...' is the expected answer. */
  async tryFetch(url: string): Promise<string> {
    if (!this.host) throw this.noPage();
    return this.host.tryFetch(url);
  }

  /** ms of an empty round trip through the page (benches). */
  async ping(): Promise<number> {
    if (!this.host) throw this.noPage();
    return this.host.ping();
  }

  /** Why there is no page to talk to. */
  private noPage(): EngineError {
    if (this.closed) return new EngineClosedError(this.kind);
    if (this.fallbackEngine) return new EngineError(`the Chromium engine runs in-process since it failed (${this.fallbackReason}); there is no page`);
    return new ModelNotLoadedError(this.kind);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.dropHost();
    await this.fallbackEngine?.close();
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
