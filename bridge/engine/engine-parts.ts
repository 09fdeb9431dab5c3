import type { DrumRequest } from '../../src/models/request';
import type { PartModel } from '../../src/models/spec';
import type { DrumModel } from '../../src/models/types';
import type { DrumGrid } from '../../src/tokens/drum-grid';
import type { Engine, EngineModel } from './engine';

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
}

/** How an engine-run network implementation is loaded and turned into the one generate entry. */
export interface EnginePart {
  /** What the engine loads, given the implementation's folder. */
  model(dir: string): EngineModel;
  /** The engine's output as part sequences (the converters load on first use: they import TF.js). */
  wrap(engine: Engine): Promise<PartModel>;
}

/**
 * Network implementations (ModelImpl.id) the engine can run. Others run in this process or a
 * worker thread through src/models/factories.ts. A network the page learns to run adds a line here.
 */
export const ENGINE_PARTS: Readonly<Record<string, EnginePart>> = Object.freeze({
  'drums-gru': {
    model: (dir: string) => ({ id: 'drums-gru' as const, dir }),
    wrap: async (e: Engine) => new (await import('../../src/models/drums/part')).DrumPart(new EngineDrumModel(e)),
  },
});
