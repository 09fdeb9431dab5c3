import { InvalidValueError } from '../../src/errors';
import { parseRequest } from '../../src/models/registry';
import type { ModelSpec, PartModel } from '../../src/models/spec';
import { chooseBatchEngine, createEngine, type BatchEngineProbe, type EngineChoice } from '../engine/auto';
import type { BackendName } from '../engine/engine';
import { EnginePartModel, engineModel, runsInEngine } from '../engine/engine-parts';
import { findBrowser, type BrowserFound } from '../engine/find-browser';
import { WarmStartPart, type StartedEngineModel, type WarmStartOptions } from '../engine/warm-start';
import { FallbackPartModel } from '../live/fallback-part';
import { WorkerPartModel } from '../live/worker-part';
import { artifactPath, chooseImpl, type DrumImpl } from './artifacts';

export interface StartPartOptions {
  /** network (default) or baseline; falls back to what is present, saying why. */
  impl: DrumImpl;
  engine: EngineChoice;
  backend?: BackendName;
  /**
   * 'batch' (generate): in this process, or the engine for networks it runs.
   * 'live' (play, serve): never on the main thread: the engine's Chromium page, else a worker thread.
   */
  mode: 'batch' | 'live';
  log?: (line: string) => void;
  /** Browser lookup (tests replace it). */
  find?: () => BrowserFound;
  /** Worker-thread start for live mode (tests replace it). */
  startWorker?: (model: string, impl: DrumImpl) => Promise<PartModel & { note?: string }>;
  /** Engine start behind a live `auto` model (tests replace it); default ChromiumEngine on the browser found. */
  startEngine?: WarmStartOptions['startEngine'];
  /** Live `auto`: ms before the engine starts if no request has come first (see WarmStartPart). */
  idleStartMs?: number;
  /** Batch `auto`: variations the request asks for (chooses the engine, see chooseBatchEngine). Default 1. */
  count?: number;
  /** Batch `auto`: the machine's answers for chooseBatchEngine (tests replace them). */
  batchProbe?: BatchEngineProbe;
}

/** A started model and what to say about it. */
export interface StartedPart {
  model: PartModel;
  /** Implementation id ('drums-gru', 'melody-ngram'). */
  id: string;
  /** 'chromium' or 'node'. */
  engine: string;
  backend?: string;
  /** "drums-gru in Chromium (wasm)", "melody-ngram in a Node worker thread". */
  where: string;
  /** Where it runs now, when that can change after start (a warm start moving to Chromium); default `where`. */
  now?(): string;
  /** Why the implementation or engine is not the one asked for, when so. */
  note?: string;
  /** Frees it (for Chromium: ends the browser) and waits until that is done. */
  close(): Promise<void>;
}

/**
 * Starts any registry model the same way: the implementation asked for (else what is present),
 * in the engine when it is a network the engine runs, else in this process (batch) or a worker
 * thread (live). No model is named here: the spec says everything (every network runs in the engine).
 */
export async function startPart(spec: ModelSpec, opts: StartPartOptions): Promise<StartedPart> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const { impl, note } = chooseImpl(spec, opts.impl);
  const viaEngine = runsInEngine(impl);
  const model = engineModel(impl, artifactPath(impl));
  const startWorker = opts.startWorker ?? ((model: string, kind: DrumImpl) => WorkerPartModel.start(model, kind));
  const worker = async (why?: string): Promise<StartedPart> => {
    const m = await startWorker(spec.name, impl.kind);
    if (why) log(`tandem: ${why}; running ${m.id} in a Node worker thread`);
    return { model: m, id: m.id, engine: 'node', where: `${m.id} in a Node worker thread`, note: note ?? m.note, close: async () => m.dispose() };
  };
  const inProcess = async (): Promise<StartedPart> => {
    // Loaded here: TF.js is imported only by the paths that run a model in this thread.
    const { loadPart } = await import('./load');
    const l = await loadPart(spec, impl.kind, opts.backend === 'cpu' ? 'cpu' : 'wasm');
    return {
      model: l.model,
      id: l.model.id,
      engine: 'node',
      backend: l.backend,
      where: `${l.model.id} in this process`,
      note: note ?? l.note,
      close: async () => l.model.dispose(),
    };
  };
  if (!viaEngine || opts.engine === 'node') {
    if (opts.mode === 'live' && opts.engine === 'node' && opts.backend && opts.backend !== 'wasm')
      log(`tandem: --backend ${opts.backend} applies to the Chromium engine; the worker thread uses wasm`);
    return opts.mode === 'live' ? worker() : inProcess();
  }
  if (opts.mode === 'live' && opts.engine === 'auto') {
    const found = (opts.find ?? findBrowser)();
    if (!found.path) return worker(found.reason ?? 'no Chrome/Chromium found');
    // Grooves from the worker thread at once; the browser starts behind it and takes over when it
    // gives the same notes (see warm-start.ts).
    const startEngine =
      opts.startEngine ??
      (async (): Promise<StartedEngineModel> => {
        const { ChromiumEngine } = await import('../engine/chromium-engine');
        const engine = new ChromiumEngine({ executablePath: found.path, backend: opts.backend, log, fallback: false });
        return {
          model: new EnginePartModel(engine, impl.id),
          ready: engine.load(model),
          where: () => `Chromium (${engine.info().backend ?? '?'})`,
          close: () => engine.close(),
        };
      });
    const first = await worker();
    const warm = new WarmStartPart(first.model, {
      startEngine,
      parityRequest: parseRequest(spec.name, { bars: 4, seed: 7 }),
      idleStartMs: opts.idleStartMs,
      log,
    });
    return { ...first, model: warm, where: warm.describe(), now: () => warm.describe(), close: () => warm.close() };
  }
  if (opts.mode === 'live') {
    // No in-process fallback in live mode: that would run the network on the main thread. A browser
    // that cannot start, or fails for good later, hands over to a worker thread instead.
    let engine: Awaited<ReturnType<typeof createEngine>>;
    try {
      engine = await createEngine(opts.engine, model, { backend: opts.backend, log, find: opts.find, fallback: false });
    } catch (err) {
      if (err instanceof InvalidValueError || (err as Error).name === 'BrowserNotFoundError') throw err;
      return worker(`the Chromium engine could not start (${(err as Error).message})`);
    }
    const info = engine.info();
    const live = new FallbackPartModel(
      new EnginePartModel(engine, impl.id),
      () => engine.close(),
      () => startWorker(spec.name, impl.kind),
      log,
    );
    return {
      model: live,
      id: impl.id,
      engine: info.running,
      backend: info.backend,
      where: `${impl.id} in Chromium (${info.backend ?? '?'})`,
      note,
      close: () => live.close(),
    };
  }
  if (opts.engine === 'auto') {
    const choice = await chooseBatchEngine(opts.count ?? 1, opts.backend, artifactPath(impl), { find: opts.find, ...opts.batchProbe });
    if (choice.engine === 'node') {
      const started = await inProcess();
      return { ...started, where: `${started.where} (${choice.why})` };
    }
  }
  const engine = await createEngine(opts.engine, model, { backend: opts.backend, log, find: opts.find });
  const info = engine.info();
  return {
    model: new EnginePartModel(engine, impl.id),
    id: impl.id,
    engine: info.running,
    backend: info.backend,
    where: `${impl.id} in ${info.running === 'chromium' ? `Chromium (${info.backend ?? '?'})` : `this process (${info.fallbackReason ?? 'Node'})`}`,
    note: note ?? info.fallbackReason,
    close: () => engine.close(),
  };
}
