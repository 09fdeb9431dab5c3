import type { DrumRequest } from '../../src/models/request';
import type { DrumModel } from '../../src/models/types';
import type { DrumGrid } from '../../src/tokens/drum-grid';
import { createEngine, type EngineChoice } from '../engine/auto';
import type { BackendName, Engine } from '../engine/engine';
import { findBrowser, type BrowserFound } from '../engine/find-browser';
import { DRUM_NET_DIR, hasDrumNet, type DrumImpl } from '../models/load';
import { WorkerDrumModel } from './worker-model';

/** A DrumModel generating through an Engine (Chromium's page, GPU-backed where it can be). */
export class EngineDrumModel implements DrumModel {
  readonly id = 'drums-gru';
  constructor(readonly engine: Engine) {}

  generate(req: DrumRequest): Promise<DrumGrid[]> {
    return this.engine.generate(req);
  }

  dispose(): void {
    void this.engine.close();
  }

  /** Ends the browser and waits for it. */
  close(): Promise<void> {
    return this.engine.close();
  }
}

export interface LiveModelOptions {
  impl: DrumImpl;
  engine: EngineChoice;
  backend?: BackendName;
  log?: (line: string) => void;
  /** Browser lookup (tests replace it). */
  find?: () => BrowserFound;
}

/** The model a long-running command (play, serve) generates with, and how to say where it runs. */
export interface LiveModel {
  model: DrumModel;
  /** For the start-up line: "drums-gru in Chromium (wasm)", "drums-ngram in a worker thread". */
  where: string;
  /** Frees it (for Chromium: ends the browser) and waits until that is done. */
  close(): Promise<void>;
}

/**
 * Starts the model for play/serve. Generation never runs on the main thread: the network runs in
 * headless Chromium (engine auto with a browser, or chromium), else in a Node worker thread, as
 * does the n-gram baseline. `--engine chromium` without a browser is an error, as for generate.
 */
export async function startLiveModel(opts: LiveModelOptions): Promise<LiveModel> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const worker = async (why?: string): Promise<LiveModel> => {
    const m = await WorkerDrumModel.start(opts.impl);
    if (m.note) log(`tandem: ${m.note}`);
    if (why) log(`tandem: ${why}; running the model in a Node worker thread`);
    return { model: m, where: `${m.id} in a Node worker thread`, close: async () => m.dispose() };
  };
  if (opts.impl === 'baseline' || opts.engine === 'node' || !hasDrumNet()) {
    if (opts.engine === 'node' && opts.backend && opts.backend !== 'wasm') log(`tandem: --backend ${opts.backend} applies to the Chromium engine; the worker thread uses wasm`);
    return worker();
  }
  if (opts.engine === 'auto') {
    const found = (opts.find ?? findBrowser)();
    if (!found.path) return worker(found.reason ?? 'no Chrome/Chromium found');
  }
  const engine = await createEngine(opts.engine, { id: 'drums-gru', dir: DRUM_NET_DIR }, { backend: opts.backend, log, find: opts.find });
  const info = engine.info();
  const model = new EngineDrumModel(engine);
  return { model, where: `drums-gru in ${info.running === 'chromium' ? `Chromium (${info.backend ?? '?'})` : `this process (${info.fallbackReason ?? 'Node'})`}`, close: () => model.close() };
}
