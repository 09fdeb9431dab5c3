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
/** Requests received so far: the warm-up stops at the first. */
let jobs = 0;
parentPort!.on('message', async (job: Job) => {
  jobs++;
  try {
    const sequences: Sequence[] = await loaded.model.generate(job.req);
    parentPort!.postMessage({ id: job.id, sequences });
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: (err as Error).message, name: (err as Error).name });
  }
});
/**
 * Bars of warm-up, thrown away, one bar at a time until the first request comes. A model's first
 * runs interpret TF.js's and the model's JavaScript and run wasm's baseline code: measured in one
 * process (drums, CPU time, load 19-21), the first 8 bars took 272 ms, 229 ms after one bar of
 * warm-up, 102 ms after 16, against 70-100 ms steady. The worker starts with serve (before the
 * server's own code loads), so this runs on the other core while the server opens its port; a
 * request waits for at most the bar being made. It changes nothing later requests give: every request seeds its own
 * sampling. An error here is the model's and comes again, reported, with the first real request.
 */
const WARM_UP_BARS = 16;
for (let bar = 0; bar < WARM_UP_BARS && jobs === 0; bar++) {
  try {
    await loaded.model.generate(parseRequest(model, { bars: 1, seed: bar }));
  } catch {
    break; // see above
  }
  // Let a request that came meanwhile in before the next bar.
  await new Promise((r) => setTimeout(r, 0));
}
