import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TandemError } from '../../src/errors';
import { DrumNgram, type DrumNgramModelJson } from '../../src/models/baseline/drum-ngram';
import { MelodyNgram, type MelodyNgramModelJson } from '../../src/models/baseline/melody-ngram';
import { GrooveRnn } from '../../src/models/drums/groove-rnn';
import type { DrumModelJson, DrumNetArtifacts } from '../../src/models/drums/network';
import type { DrumModel } from '../../src/models/types';
import { REPO_ROOT } from '../data/paths';
import { initNodeTf, type NodeBackend } from '../engine/node-tf';

export const MODELS_DIR = join(REPO_ROOT, 'models');
export const DRUM_NET_DIR = join(MODELS_DIR, 'drums');
export const DRUM_NGRAM_FILE = join(MODELS_DIR, 'baseline', 'drums-ngram.json');

export type DrumImpl = 'network' | 'baseline';

/** The drum network's files (model.json + weights), or undefined when none are committed. */
/** Whether the trained drum network is there (without reading its weights). */
export function hasDrumNet(dir = DRUM_NET_DIR): boolean {
  return existsSync(join(dir, 'model.json'));
}

export function readDrumNetArtifacts(dir = DRUM_NET_DIR): DrumNetArtifacts | undefined {
  if (!hasDrumNet(dir)) return undefined;
  const json = join(dir, 'model.json');
  const modelJson = JSON.parse(readFileSync(json, 'utf8')) as DrumModelJson;
  const buffers = modelJson.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
  const all = Buffer.concat(buffers);
  return { modelJson, weights: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer };
}

export function loadDrumNgram(file = DRUM_NGRAM_FILE): DrumNgram {
  if (!existsSync(file)) throw new TandemError(`baseline drum model not found at ${file}: run npm run train:baseline`);
  return new DrumNgram(JSON.parse(readFileSync(file, 'utf8')) as DrumNgramModelJson);
}

export interface LoadedDrumModel {
  model: DrumModel;
  impl: DrumImpl;
  backend?: NodeBackend;
  /** Why the requested implementation was not the one loaded, when so. */
  note?: string;
}

/** Loads the drum model in this process: the network by default, the n-gram when asked or when no network is present. */
export async function loadDrumModel(impl: DrumImpl = 'network', backend: NodeBackend = 'wasm'): Promise<LoadedDrumModel> {
  if (impl === 'network') {
    const art = readDrumNetArtifacts();
    if (art) {
      const used = await initNodeTf(backend);
      return { model: GrooveRnn.load(art), impl, backend: used };
    }
    return { model: loadDrumNgram(), impl: 'baseline', note: `no trained drum network in ${DRUM_NET_DIR}; using the n-gram baseline` };
  }
  return { model: loadDrumNgram(), impl: 'baseline' };
}

/** The melody or bass n-gram (no melody network yet). */
export function loadMelodyNgram(role: 'melody' | 'bass'): MelodyNgram {
  const file = join(MODELS_DIR, 'baseline', `${role}-ngram.json`);
  if (!existsSync(file)) throw new TandemError(`baseline ${role} model not found at ${file}: run npm run train:baseline`);
  return new MelodyNgram(JSON.parse(readFileSync(file, 'utf8')) as MelodyNgramModelJson);
}
