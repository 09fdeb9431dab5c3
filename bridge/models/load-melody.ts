import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MelodyModelJson, MelodyNetArtifacts } from '../../src/models/melody/weights';
import { TandemError } from '../../src/errors';
import { REPO_ROOT } from '../data/paths';

export const MELODY_NET_DIR = join(REPO_ROOT, 'models', 'melody');

/** Whether the trained melody/bass network is there (without reading its weights). */
export function hasMelodyNet(dir = MELODY_NET_DIR): boolean {
  return existsSync(join(dir, 'model.json'));
}

/** The melody/bass network's files (model.json + weights), or undefined when none are committed. */
export function readMelodyNetArtifacts(dir = MELODY_NET_DIR): MelodyNetArtifacts | undefined {
  if (!hasMelodyNet(dir)) return undefined;
  const file = join(dir, 'model.json');
  let modelJson: MelodyModelJson;
  try {
    modelJson = JSON.parse(readFileSync(file, 'utf8')) as MelodyModelJson;
  } catch (err) {
    throw new TandemError(`${file} is not readable JSON (${(err as Error).message}): export it again with train_melody.py`);
  }
  if (!Array.isArray(modelJson?.weightsManifest) || !modelJson.weightsManifest.every((g) => Array.isArray(g?.paths) && g.paths.every((p) => typeof p === 'string' && !p.includes('/') && !p.includes('\\')))) {
    throw new TandemError(`${file} has no weights manifest naming files beside it: export it again with train_melody.py`);
  }
  const all = Buffer.concat(modelJson.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p)))));
  return { modelJson, weights: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer };
}
