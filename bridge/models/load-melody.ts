import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MelodyModelJson, MelodyNetArtifacts } from '../../src/models/melody/weights';
import { REPO_ROOT } from '../data/paths';

export const MELODY_NET_DIR = join(REPO_ROOT, 'models', 'melody');

/** Whether the trained melody/bass network is there (without reading its weights). */
export function hasMelodyNet(dir = MELODY_NET_DIR): boolean {
  return existsSync(join(dir, 'model.json'));
}

/** The melody/bass network's files (model.json + weights), or undefined when none are committed. */
export function readMelodyNetArtifacts(dir = MELODY_NET_DIR): MelodyNetArtifacts | undefined {
  if (!hasMelodyNet(dir)) return undefined;
  const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as MelodyModelJson;
  const all = Buffer.concat(modelJson.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p)))));
  return { modelJson, weights: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer };
}
