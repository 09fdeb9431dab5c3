import * as tf from '@tensorflow/tfjs-core';
import { TandemError } from '../../src/errors';
import { modelFactory } from '../../src/models/factories';
import type { PartModel } from '../../src/models/spec';
import type { Sequence } from '../../src/music/sequence';
import { readLayersFolder } from '../models/load';
import { checkRequestModel, EngineClosedError, ModelNotLoadedError, type Engine, type EngineInfo, type EngineModel, type EngineRequest } from './engine';
import { networkHidden } from './page/protocol';
import { initNodeTf, useNodeBackend, type NodeBackend } from './node-tf';

/** Options of the in-process engine. */
export interface NodeEngineOptions {
  /** TF.js backend to prefer; wasm falls back to cpu when it cannot start. Default 'wasm'. */
  backend?: NodeBackend;
}

/**
 * The models in this process on tfjs wasm (else cpu): no browser, no GPU. The fallback of
 * ChromiumEngine and the engine on machines without a browser. Any network of the registry runs
 * here, built by its factory as in the Chromium page. Generation blocks the event loop for its
 * duration (tens of ms for 8 bars on wasm). TF.js has one backend per process at a time; each
 * NodeEngine switches to its own before it generates.
 */
export class NodeEngine implements Engine {
  readonly kind = 'node' as const;
  private model?: PartModel;
  private loaded?: EngineModel;
  private hidden?: number;
  private backend?: NodeBackend;
  private closed = false;

  constructor(private readonly options: NodeEngineOptions = {}) {}

  async load(model: EngineModel): Promise<void> {
    if (this.closed) throw new EngineClosedError(this.kind);
    const prefer = this.options.backend ?? 'wasm';
    const started = await initNodeTf(prefer);
    // initNodeTf settles once per process, so a second engine may want the other backend.
    this.backend = prefer === 'cpu' ? 'cpu' : started;
    if (!(await useNodeBackend(this.backend))) {
      throw new TandemError(`TF.js backend ${this.backend} did not start in this process`);
    }
    const build = modelFactory(model.id);
    const art = readLayersFolder(model.dir);
    this.model?.dispose();
    this.model = build(art);
    this.hidden = networkHidden(art.modelJson);
    this.loaded = model;
  }

  async generate(request: EngineRequest): Promise<Sequence[]> {
    if (this.closed) throw new EngineClosedError(this.kind);
    if (!this.model || !this.loaded) throw new ModelNotLoadedError(this.kind);
    checkRequestModel(this.loaded, request);
    if (this.backend && tf.getBackend() !== this.backend) await useNodeBackend(this.backend);
    const { model: _, ...req } = request;
    return this.model.generate(req);
  }

  info(): EngineInfo {
    return {
      kind: this.kind,
      running: this.kind,
      backend: this.backend,
      backends: this.backend ? [{ backend: this.backend, ok: true, parityError: 0, chosen: true }] : [],
      tfVersion: tf.version_core,
      model: this.loaded && { id: this.loaded.id, dir: this.loaded.dir, hidden: this.hidden },
      relaunches: 0,
      blockedRequests: [],
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.model?.dispose();
    this.model = undefined;
  }
}
