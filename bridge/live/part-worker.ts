/**
 * Runs one registry model in a worker thread, so generating the next phrase never blocks the
 * main thread's dispatcher (a 2-bar phrase takes tens of ms: long enough to make notes late).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Sequence } from '../../src/music/sequence';
import { modelSpec, parseRequest } from '../../src/models/registry';
import type { PartRequest } from '../../src/models/spec';
import { loadPart, type DrumImpl } from '../models/load';

interface Job {
  id: number;
  req: PartRequest;
}

const { model, impl } = workerData as { model: string; impl: DrumImpl };
const loaded = await loadPart(modelSpec(model), impl);
parentPort!.postMessage({ ready: true, id: loaded.model.id, note: loaded.note });
parentPort!.on('message', async (job: Job) => {
  try {
    const sequences: Sequence[] = await loaded.model.generate(job.req);
    parentPort!.postMessage({ id: job.id, sequences });
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: (err as Error).message, name: (err as Error).name });
  }
});
// One bar with the model's defaults, thrown away: a model's first run compiles TF.js's and the
// model's code paths (the first 8 bars take 2-5x the steady time), so the musician's first groove
// does not. Requests that come meanwhile wait for it (a bar takes milliseconds once compiled). It
// changes nothing the next requests give: every request seeds its own sampling. An error here
// is the model's and comes again, reported, with the first real request.
try {
  await loaded.model.generate(parseRequest(model, { bars: 1 }));
} catch {
  // see above
}
