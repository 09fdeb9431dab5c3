import { Worker } from 'node:worker_threads';
import { TandemError } from '../../src/errors';
import type { Sequence } from '../../src/music/sequence';
import type { PartModel, PartRequest } from '../../src/models/spec';
import type { DrumImpl } from '../models/load';

interface Answer {
  id: number;
  sequences?: Sequence[];
  error?: string;
  name?: string;
}

/** A registry model whose work happens in a worker thread (sequences cross by structured clone). */
export class WorkerPartModel implements PartModel {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (s: Sequence[]) => void; reject: (e: Error) => void }>();

  private constructor(
    private readonly worker: Worker,
    readonly id: string,
    readonly note?: string,
  ) {
    worker.on('message', (m: Answer) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      // Requests are checked before they are sent, so an error here is the model failing.
      if (m.error !== undefined) w.reject(new TandemError(`${m.name ?? 'Error'}: ${m.error}`));
      else w.resolve(m.sequences!);
    });
    worker.on('error', (err: Error) => this.failAll(err));
    worker.on('exit', (code) => this.failAll(new TandemError(`model worker exited (code ${code})`)));
  }

  /** Starts the worker with `model` from the registry and waits until it is loaded. */
  static start(model: string, impl: DrumImpl): Promise<WorkerPartModel> {
    const worker = new Worker(new URL('./part-worker-entry.mjs', import.meta.url), { workerData: { model, impl } });
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(new TandemError(`the model worker failed to start: ${err.message}`));
      worker.once('error', onError);
      worker.once('message', (m: { ready: boolean; id: string; note?: string }) => {
        worker.off('error', onError);
        resolve(new WorkerPartModel(worker, m.id, m.note));
      });
    });
  }

  generate(req: PartRequest): Promise<Sequence[]> {
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
