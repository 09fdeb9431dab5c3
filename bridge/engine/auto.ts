import { InvalidValueError } from '../../src/errors';
import type { ChromiumEngineOptions } from './chromium-engine';
import { BrowserNotFoundError, isBackendName, type BackendName, type Engine, type EngineModel } from './engine';
import { findBrowser, type BrowserFound } from './find-browser';
import { NodeEngine } from './node-engine';
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
