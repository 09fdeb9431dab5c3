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

/** Workers started ahead of need (WorkerPartModel.prestart), by `model/impl`. */
const prestarted = new Map<string, Promise<WorkerPartModel>>();

/** A registry model whose work happens in a worker thread (sequences cross by structured clone). */
export class WorkerPartModel implements PartModel {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (s: Sequence[]) => void; reject: (e: Error) => void }>();
  /** Why the worker is gone, once it exited: later requests fail at once instead of waiting forever. */
  private gone?: Error;

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
    worker.on('exit', (code) => {
      this.gone = new TandemError(`model worker exited (code ${code})`);
      this.failAll(this.gone);
    });
  }

  /**
   * Starts the worker with `model` from the registry and waits until it is loaded. A worker
   * prestarted for the same model and implementation is taken instead of starting another.
   */
  static start(model: string, impl: DrumImpl): Promise<WorkerPartModel> {
    const key = `${model}/${impl}`;
    const early = prestarted.get(key);
    if (!early) return WorkerPartModel.launch(model, impl);
    prestarted.delete(key);
    return early.then((w) => {
      w.worker.ref();
      return w;
    });
  }

  /**
   * Starts a model's worker thread ahead of need: `serve` calls it before the rest of the server
   * loads, so TF.js starts and warms up on the other core meanwhile (issue 15). The next `start`
   * with the same model and implementation takes it; until then it does not keep the process
   * alive, and {@link dropPrestarted} ends it. Returns the worker as `start` will.
   */
  static prestart(model: string, impl: DrumImpl): Promise<WorkerPartModel> {
    const key = `${model}/${impl}`;
    let p = prestarted.get(key);
    if (!p) {
      p = WorkerPartModel.launch(model, impl, true);
      p.catch(() => undefined); // said by the `start` that takes it
      prestarted.set(key, p);
    }
    return p;
  }

  /** Ends the prestarted workers no `start` took. */
  static dropPrestarted(): void {
    for (const p of prestarted.values())
      p.then(
        (w) => w.dispose(),
        () => undefined,
      );
    prestarted.clear();
  }

  private static launch(model: string, impl: DrumImpl, unref = false): Promise<WorkerPartModel> {
    const worker = new Worker(new URL('./part-worker-entry.mjs', import.meta.url), { workerData: { model, impl } });
    if (unref) worker.unref();
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
    if (this.gone) return Promise.reject(this.gone);
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
