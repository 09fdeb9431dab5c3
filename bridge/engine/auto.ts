import { InvalidValueError } from '../../src/errors';
import type { ChromiumEngineOptions } from './chromium-engine';
import { BrowserNotFoundError, isBackendName, type BackendName, type BackendReport, type Engine, type EngineModel } from './engine';
import { findBrowser, type BrowserFound } from './find-browser';
import { hasGpuDevice } from './probe-cache';
import type { NodeBackend } from './node-tf';

/** What `--engine` accepts: auto = Chromium when a browser is found, else in-process. */
export const ENGINE_CHOICES = ['auto', 'chromium', 'node'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

/** Parses `--engine`; the error names what is allowed. */
export function parseEngineChoice(raw: unknown): EngineChoice {
  const v = raw === undefined ? 'auto' : String(raw).toLowerCase();
  if (!(ENGINE_CHOICES as readonly string[]).includes(v)) throw new InvalidValueError('engine', raw, `one of ${ENGINE_CHOICES.join(', ')}`);
  return v as EngineChoice;
}

/** Parses `--backend` (a TF.js backend for the Chromium page; wasm or cpu also for NodeEngine). */
export function parseBackendName(raw: unknown): BackendName {
  const v = String(raw).toLowerCase();
  if (!isBackendName(v)) throw new InvalidValueError('backend', raw, 'webgpu, webgl, wasm or cpu');
  return v;
}

/** Options of createEngine. */
export interface CreateEngineOptions extends ChromiumEngineOptions {
  /** Browser lookup (tests replace it). Default findBrowser(). */
  find?: () => BrowserFound;
}

/**
 * Makes the engine a user asked for, loaded with `model`:
 * - 'chromium': ChromiumEngine; throws BrowserNotFoundError when there is no browser.
 * - 'node': NodeEngine (`backend` wasm or cpu; webgl/webgpu exist only in a browser).
 * - 'auto': ChromiumEngine when a browser is found, else NodeEngine, saying so once through `log`.
 *   A browser that will not start at all also leads to NodeEngine (ChromiumEngine's own fallback).
 */
export async function createEngine(choice: EngineChoice, model: EngineModel, opts: CreateEngineOptions = {}): Promise<Engine> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const nodeBackend = (): NodeBackend => (opts.backend === 'cpu' ? 'cpu' : (opts.nodeBackend ?? 'wasm'));
  const node = async () => {
    const { NodeEngine } = await import('./node-engine');
    const e = new NodeEngine({ backend: nodeBackend() });
    await e.load(model);
    return e;
  };
  switch (choice) {
    case 'node':
      if (opts.backend && opts.backend !== 'wasm' && opts.backend !== 'cpu') {
        throw new InvalidValueError('backend', opts.backend, 'wasm or cpu with --engine node (webgpu and webgl need the browser engine)');
      }
      return node();
    case 'chromium':
    case 'auto': {
      const found = opts.executablePath ? { path: opts.executablePath } : (opts.find ?? findBrowser)();
      if (!found.path) {
        const reason = found.reason ?? 'no Chrome/Chromium found';
        if (choice === 'chromium') throw new BrowserNotFoundError(reason);
        log(`tandem: ${reason}; running models in-process (NodeEngine)`);
        return node();
      }
      // Loaded here, not at the top: puppeteer takes ~0.4 s to import, which the Node engine never needs.
      const { ChromiumEngine } = await import('./chromium-engine');
      const e = new ChromiumEngine({ ...opts, executablePath: found.path, log });
      try {
        await e.load(model);
      } catch (err) {
        await e.close();
        throw err;
      }
      return e;
    }
    default: {
      const never: never = choice;
      throw new InvalidValueError('engine', never, ENGINE_CHOICES.join(', '));
    }
  }
}

/** Variations in one request from which `generate --engine auto` considers a GPU browser worth its launch. */
export const GPU_BATCH_MIN = 16;

/** Where `generate --engine auto` runs a network, and why (said in the output). */
export interface BatchEngineChoice {
  engine: 'node' | 'chromium';
  why: string;
}

/** What chooseBatchEngine looks at; tests replace the machine's answers. */
export interface BatchEngineProbe {
  find?: () => BrowserFound;
  gpu?: () => boolean;
  /** The cached Chromium probe for this machine, browser and model (probe-cache.ts). */
  cached?: (executablePath: string, modelDir: string) => Promise<BackendReport[] | undefined>;
}

/**
 * `generate --engine auto`: the Node engine (in this process) unless the request is a batch of at
 * least {@link GPU_BATCH_MIN} on a machine with a GPU whose Chromium probe, cached by `serve`,
 * `play` or `doctor`, chose a GPU backend. Measured here (2 cores, no GPU): Node starts and makes
 * 8 bars in 0.6-1.0 s against 3.7 s warm / 15 s cold for a browser launch, and Node wasm is as fast
 * or faster than Chromium's best backend at batch 1 and 16 (runtime notes), so only a GPU can pay
 * for the launch. A backend only a browser has (webgl, webgpu) asks for Chromium.
 */
export async function chooseBatchEngine(
  count: number,
  backend: BackendName | undefined,
  modelDir: string,
  probe: BatchEngineProbe = {},
): Promise<BatchEngineChoice> {
  if (backend === 'webgl' || backend === 'webgpu') return { engine: 'chromium', why: `--backend ${backend} runs only in the browser` };
  if (backend) return { engine: 'node', why: `--backend ${backend} runs in this process` };
  if (!(probe.gpu ?? hasGpuDevice)())
    return { engine: 'node', why: 'no GPU here: the Node engine starts in under a second and is as fast as Chromium on the CPU' };
  if (count < GPU_BATCH_MIN) return { engine: 'node', why: `${count} variation(s): too few to pay for a browser launch (2-4 s)` };
  const found = (probe.find ?? findBrowser)();
  if (!found.path) return { engine: 'node', why: found.reason ?? 'no Chrome/Chromium found' };
  const reports = await (probe.cached ?? defaultCached)(found.path, modelDir);
  const chosen = reports?.find((r) => r.chosen);
  if (!chosen) return { engine: 'node', why: "Chromium's backends are not measured on this machine yet (tandem serve, play or doctor measure them)" };
  if (chosen.backend !== 'webgl' && chosen.backend !== 'webgpu')
    return { engine: 'node', why: `Chromium's fastest backend here is ${chosen.backend}, no faster than Node's` };
  return { engine: 'chromium', why: `a batch of ${count} on the GPU (${chosen.backend} measured fastest in Chromium)` };
}

async function defaultCached(executablePath: string, modelDir: string): Promise<BackendReport[] | undefined> {
  const [{ version_core }, { readDefaultProbe }] = await Promise.all([import('@tensorflow/tfjs-core'), import('./probe-cache')]);
  return readDefaultProbe(executablePath, modelDir, version_core);
}
