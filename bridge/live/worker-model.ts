import { Worker } from 'node:worker_threads';
import { TandemError } from '../../src/errors';
import type { DrumRequest } from '../../src/models/request';
import type { DrumModel } from '../../src/models/types';
import type { DrumGrid } from '../../src/tokens/drum-grid';
import type { DrumImpl } from '../models/load';

/** A DrumModel whose work happens in a worker thread (typed arrays cross by structured clone). */
export class WorkerDrumModel implements DrumModel {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (g: DrumGrid[]) => void; reject: (e: Error) => void }>();

  private constructor(
    private readonly worker: Worker,
    readonly id: string,
    readonly impl: DrumImpl,
    readonly note?: string,
  ) {
    worker.on('message', (m: { id: number; grids?: DrumGrid[]; error?: string }) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.error) w.reject(new TandemError(m.error));
      else w.resolve(m.grids!);
    });
    worker.on('error', (err: Error) => this.failAll(err));
    worker.on('exit', (code) => this.failAll(new TandemError(`model worker exited (code ${code})`)));
  }

  /** Starts the worker and waits until its model is loaded. */
  static start(impl: DrumImpl): Promise<WorkerDrumModel> {
    const worker = new Worker(new URL('./model-worker-entry.mjs', import.meta.url), { workerData: { impl } });
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(new TandemError(`the model worker failed to start: ${err.message}`));
      worker.once('error', onError);
      worker.once('message', (m: { ready: boolean; id: string; impl: DrumImpl; note?: string }) => {
        worker.off('error', onError);
        resolve(new WorkerDrumModel(worker, m.id, m.impl, m.note));
      });
    });
  }

  generate(req: DrumRequest): Promise<DrumGrid[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, req });
    });
  }

  dispose(): void {
    void this.worker.terminate();
  }

  private failAll(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}
