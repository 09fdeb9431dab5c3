/**
 * The Chromium page's entry: loads a network of the registry from the engine's origin (built by
 * its factory, as in Node), picks a TF.js backend by measurement, and generates on request: part
 * requests in, sequences out. Bundled by esbuild (see ../page-bundle.ts); the model code is the
 * pure core from src/, unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { modelFactory } from '../../../src/models/factories';
import type { LayersArtifact, PartModel } from '../../../src/models/spec';
import { chooseBackend, REFERENCE_BACKEND } from './backends';
import { toPageError } from './errors';
import { networkHidden, PAGE_PATHS, type PageAnswer, type PageApi } from './protocol';

setWasmPaths(PAGE_PATHS.wasmDir);

let model: { impl: string; part: PartModel } | undefined;

async function fetchBytes(path: string): Promise<ArrayBuffer> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

/** model.json plus its weight files, concatenated in manifest order (as tf.io.decodeWeights wants). */
async function fetchModel(): Promise<LayersArtifact & { modelJson: { weightsManifest: Array<{ paths: string[] }> } }> {
  const modelJson = JSON.parse(new TextDecoder().decode(await fetchBytes(`${PAGE_PATHS.modelDir}model.json`))) as {
    weightsManifest: Array<{ paths: string[] }>;
  };
  const parts = await Promise.all(modelJson.weightsManifest.flatMap((g) => g.paths).map((p) => fetchBytes(PAGE_PATHS.modelDir + p)));
  const all = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    all.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return { modelJson, weights: all.buffer };
}

async function answer<T>(fn: () => Promise<T> | T): Promise<PageAnswer<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: toPageError(err) };
  }
}

const api: PageApi = {
  load: (opts) =>
    answer(async () => {
      model?.part.dispose();
      model = undefined;
      const { impl, ...probe } = opts;
      const build = modelFactory(impl);
      const art = await fetchModel();
      const { chosen, reports } = await chooseBackend(impl, art, probe);
      model = { impl, part: build(art) };
      return {
        backend: chosen,
        backends: reports,
        reference: REFERENCE_BACKEND,
        tfVersion: tf.version.tfjs,
        impl,
        hidden: networkHidden(art.modelJson),
        userAgent: navigator.userAgent,
      };
    }),
  generate: (req) =>
    answer(async () => {
      if (!model) throw new Error('no model loaded in the page');
      const { model: impl, ...r } = req;
      if (impl !== model.impl) throw new Error(`the page has ${model.impl} loaded, not ${String(impl)}`);
      return model.part.generate(r);
    }),
  tryFetch: (url) =>
    fetch(url).then(
      (r) => `loaded (HTTP ${r.status})`,
      (e: unknown) => `refused: ${String(e)}`,
    ),
};

(window as unknown as { tandem: PageApi }).tandem = api;
