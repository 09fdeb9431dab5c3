import { TandemError } from '../../src/errors';
import type { ControlName } from '../../src/models/controls';
import { modelSpec, parseRequest } from '../../src/models/registry';
import type { ModelImpl, PartModel, PartRequest } from '../../src/models/spec';
import type { Sequence } from '../../src/music/sequence';
import { artifactPath } from '../models/artifacts';
import type { Engine, EngineModel, EngineRequest } from './engine';

/**
 * A registry model generating through an Engine (Chromium's page, GPU-backed where it can be, or
 * NodeEngine): part requests in, sequences out, each request naming the implementation it is for.
 */
export class EnginePartModel implements PartModel {
  constructor(
    readonly engine: Engine,
    /** The implementation the engine has loaded (ModelImpl.id). */
    readonly id: string,
  ) {}

  generate(req: PartRequest): Promise<Sequence[]> {
    return this.engine.generate({ ...req, model: this.id });
  }

  dispose(): void {
    void this.engine.close();
  }
}

/**
 * Whether an implementation runs in the engine: every trained network of the registry does (the
 * page and NodeEngine build it with its factory and probe it with its probe); the n-gram
 * baselines are plain JS and run in this process or a worker thread. Decided from the spec alone,
 * so serve's main thread need not import TF.js to know.
 */
export const runsInEngine = (impl: ModelImpl): boolean => impl.kind === 'network';

/** What an engine loads for an implementation whose files are in `dir`. */
export const engineModel = (impl: ModelImpl, dir: string): EngineModel => ({ id: impl.id, dir });

/**
 * A registry model's network as an engine loads it, and checked requests for it (benches, doctor,
 * tests): `networkOf('melody').request({ style: 'pop', bars: 8 })`. A TandemError when the model
 * has no network implementation.
 */
export function networkOf(name: string): { model: EngineModel; request(raw: Partial<Record<ControlName, unknown>> & { primer?: Sequence }): EngineRequest } {
  const impl = modelSpec(name).implementations.find(runsInEngine);
  if (!impl) throw new TandemError(`the ${name} model has no network for the engine to run`);
  return { model: engineModel(impl, artifactPath(impl)), request: (raw) => ({ ...parseRequest(name, raw), model: impl.id }) };
}
