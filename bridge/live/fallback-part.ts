import { InvalidValueError } from '../../src/errors';
import type { PartModel, PartRequest } from '../../src/models/spec';
import type { Sequence } from '../../src/music/sequence';
import { EngineClosedError } from '../engine/engine';

/**
 * A model running in the Chromium engine that moves to a Node worker thread when the engine fails
 * for good (the engine relaunches its browser once by itself, and is made without its in-process
 * fallback), said once. In play and serve the main thread keeps the clock, the MIDI and the OSC
 * answers, so a model never runs there.
 */
export class FallbackPartModel implements PartModel {
  private worker?: Promise<PartModel>;

  constructor(
    private readonly engineModel: PartModel,
    private readonly closeEngine: () => Promise<void>,
    private readonly startWorker: () => Promise<PartModel>,
    private readonly log: (line: string) => void,
  ) {}

  get id(): string {
    return this.engineModel.id;
  }

  /** Whether generation moved to the worker thread. */
  get onWorker(): boolean {
    return this.worker !== undefined;
  }

  async generate(request: PartRequest): Promise<Sequence[]> {
    if (!this.worker) {
      try {
        return await this.engineModel.generate(request);
      } catch (err) {
        // A bad request or a closed engine is not the browser's failure.
        if (err instanceof InvalidValueError || err instanceof EngineClosedError) throw err;
        if (!this.worker) {
          this.log(`tandem: the Chromium engine failed (${(err as Error).message}); ${this.id} runs in a Node worker thread from now on`);
          this.worker = this.startWorker();
          void this.closeEngine().catch(() => undefined);
        }
      }
    }
    return (await this.worker!).generate(request);
  }

  dispose(): void {
    void this.close();
  }

  /** Ends the browser (and the worker, if one took over) and waits for it. */
  async close(): Promise<void> {
    await this.closeEngine();
    if (this.worker) (await this.worker.catch(() => undefined))?.dispose();
  }
}
