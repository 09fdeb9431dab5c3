/**
 * Runs a drum model in a worker thread, so generating the next phrase never blocks the
 * main thread's dispatcher (a 2-bar phrase takes tens of ms: long enough to make notes late).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { DrumRequest } from '../../src/models/request';
import type { DrumGrid } from '../../src/tokens/drum-grid';
import { loadDrumModel, type DrumImpl } from '../models/load';

interface Job {
  id: number;
  req: DrumRequest;
}

const { impl } = workerData as { impl: DrumImpl };
const loaded = await loadDrumModel(impl);
parentPort!.postMessage({ ready: true, id: loaded.model.id, impl: loaded.impl, backend: loaded.backend, note: loaded.note });
parentPort!.on('message', async (job: Job) => {
  try {
    const grids: DrumGrid[] = await loaded.model.generate(job.req);
    parentPort!.postMessage({ id: job.id, grids });
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: (err as Error).message });
  }
});
