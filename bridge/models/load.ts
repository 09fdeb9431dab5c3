import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TandemError } from '../../src/errors';
import { DrumNgram, type DrumNgramModelJson } from '../../src/models/baseline/drum-ngram';
import { MelodyNgram, type MelodyNgramModelJson } from '../../src/models/baseline/melody-ngram';
import { GrooveRnn } from '../../src/models/drums/groove-rnn';
import type { DrumNetArtifacts } from '../../src/models/drums/network';
import type { DrumModel } from '../../src/models/types';
import { modelFactory } from '../../src/models/factories';
import type { LayersArtifact, ModelImpl, ModelSpec, PartModel } from '../../src/models/spec';
import { artifactPath, chooseImpl, DRUM_NET_DIR, hasArtifact, MODELS_DIR, type DrumImpl } from './artifacts';
import { initNodeTf, type NodeBackend } from '../engine/node-tf';

export { artifactPath, chooseImpl, DRUM_NET_DIR, hasArtifact, MODELS_DIR, type DrumImpl };

export const DRUM_NGRAM_FILE = join(MODELS_DIR, 'baseline', 'drums-ngram.json');

/** Whether the trained drum network is there (without reading its weights). */
export function hasDrumNet(dir = DRUM_NET_DIR): boolean {
  return existsSync(join(dir, 'model.json'));
}

/** The drum network's files (model.json + weights), or undefined when none are committed. */
export function readDrumNetArtifacts(dir = DRUM_NET_DIR): DrumNetArtifacts | undefined {
  if (!hasDrumNet(dir)) return undefined;
  return readLayersFolder(dir) as DrumNetArtifacts;
}

/**
 * A network folder as the trainers export it: model.json and the weight files its manifest names
 * (beside it), joined. A broken model.json is one line naming the file, never a TypeError.
 */
export function readLayersFolder(dir: string): LayersArtifact {
  const file = join(dir, 'model.json');
  let modelJson: { weightsManifest?: Array<{ paths?: unknown }> };
  try {
    modelJson = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TandemError(`${file} is not readable JSON (${(err as Error).message}): export it again with its trainer (models/training/)`);
  }
  const manifest = modelJson?.weightsManifest;
  const paths = Array.isArray(manifest) && manifest.every((g) => Array.isArray(g?.paths)) ? manifest.flatMap((g) => g.paths as unknown[]) : undefined;
  if (!paths || !paths.every((p): p is string => typeof p === 'string' && !p.includes('/') && !p.includes('\\'))) {
    throw new TandemError(`${file} has no weights manifest naming files beside it: export it again with its trainer (models/training/)`);
  }
  // One file (as the trainers write it) is used as read; several are joined: one copy at most.
  const files = paths.map((p) => readFileSync(join(dir, p)));
  const all = files.length === 1 ? files[0] : Buffer.concat(files);
  const owned = all.byteOffset === 0 && all.buffer.byteLength === all.byteLength;
  return { modelJson, weights: (owned ? all.buffer : all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)) as ArrayBuffer };
}

export function loadDrumNgram(file = DRUM_NGRAM_FILE): DrumNgram {
  if (!existsSync(file)) throw new TandemError(`baseline drum model not found at ${file}: run npm run train:baseline`);
  return new DrumNgram(JSON.parse(readFileSync(file, 'utf8')) as DrumNgramModelJson);
}

/** The melody or bass n-gram (no melody network yet). */
export function loadMelodyNgram(role: 'melody' | 'bass'): MelodyNgram {
  const file = join(MODELS_DIR, 'baseline', `${role}-ngram.json`);
  if (!existsSync(file)) throw new TandemError(`baseline ${role} model not found at ${file}: run npm run train:baseline`);
  return new MelodyNgram(JSON.parse(readFileSync(file, 'utf8')) as MelodyNgramModelJson);
}

/** Reads an implementation's files: a TF.js layers folder (model.json + weights joined) or a JSON file. */
export function readArtifact(impl: ModelImpl): LayersArtifact | unknown {
  const path = artifactPath(impl);
  if (!hasArtifact(impl))
    throw new TandemError(
      `${impl.id} not found at ${path}: ${impl.kind === 'baseline' ? 'run npm run train:baseline' : 'train it or use --model-impl baseline'}`,
    );
  if (impl.artifact.kind === 'json') return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  return readLayersFolder(path);
}

export interface LoadedPart {
  model: PartModel;
  impl: ModelImpl;
  backend?: NodeBackend;
  note?: string;
}

/** Loads a model from the registry in this thread (networks on TF.js in Node). */
export async function loadPart(spec: ModelSpec, want: DrumImpl = 'network', backend: NodeBackend = 'wasm'): Promise<LoadedPart> {
  const { impl, note } = chooseImpl(spec, want);
  const art = readArtifact(impl);
  const used = impl.kind === 'network' ? await initNodeTf(backend) : undefined;
  return { model: modelFactory(impl.id)(art), impl, backend: used, note };
}
