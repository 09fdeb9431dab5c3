/**
 * The Chromium page's entry: loads the drum network from the engine's origin, picks a TF.js
 * backend by measurement, and generates on request. Bundled by esbuild (see ../page-bundle.ts);
 * the model code is the pure core from src/, unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { InvalidValueError, TandemError } from '../../../src/errors';
import { GrooveRnn } from '../../../src/models/drums/groove-rnn';
import type { DrumModelJson, DrumNetArtifacts } from '../../../src/models/drums/network';
import { chooseBackend, needsAsyncReadback, REFERENCE_BACKEND } from './backends';
import { gridToPlain, PAGE_PATHS, requestFromPlain, type PageAnswer, type PageApi, type PageError } from './protocol';

setWasmPaths(PAGE_PATHS.wasmDir);

let model: GrooveRnn | undefined;

async function fetchBytes(path: string): Promise<ArrayBuffer> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

/** model.json plus its weight files, concatenated in manifest order (as tf.io.decodeWeights wants). */
async function fetchModel(): Promise<DrumNetArtifacts> {
  const modelJson = JSON.parse(new TextDecoder().decode(await fetchBytes(`${PAGE_PATHS.modelDir}model.json`))) as DrumModelJson;
  const parts = await Promise.all(modelJson.weightsManifest.flatMap((g) => g.paths).map((p) => fetchBytes(PAGE_PATHS.modelDir + p)));
  const all = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    all.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return { modelJson, weights: all.buffer };
}

function pageError(err: unknown): PageError {
  const e = err instanceof Error ? err : new Error(String(err));
  const out: PageError = { name: e.name, message: e.message, tandem: e instanceof TandemError };
  if (e instanceof InvalidValueError) Object.assign(out, { field: e.field, value: e.value, allowed: e.allowed });
  return out;
}

async function answer<T>(fn: () => Promise<T> | T): Promise<PageAnswer<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: pageError(err) };
  }
}

const api: PageApi = {
  load: (opts) =>
    answer(async () => {
      model?.dispose();
      model = undefined;
      const art = await fetchModel();
      const { chosen, reports } = await chooseBackend(art, opts);
      model = GrooveRnn.load(art);
      return { backend: chosen, backends: reports, reference: REFERENCE_BACKEND, tfVersion: tf.version.tfjs, hidden: model.net.hidden, userAgent: navigator.userAgent };
    }),
  generate: (req) =>
    answer(async () => {
      if (!model) throw new Error('no model loaded in the page');
      const r = requestFromPlain(req);
      const grids = needsAsyncReadback() ? await model.generate(r) : model.generateSync(r);
      return grids.map(gridToPlain);
    }),
  tryFetch: (url) => fetch(url).then((r) => `loaded (HTTP ${r.status})`, (e: unknown) => `refused: ${String(e)}`),
};

(window as unknown as { tandem: PageApi }).tandem = api;
