import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { MelodyNetArtifacts } from '../../src/models/melody/weights';
import { REPO_ROOT } from '../data/paths';
import { readLayersFolder } from './load';

export const MELODY_NET_DIR = join(REPO_ROOT, 'models', 'melody');

/** Whether the trained melody/bass network is there (without reading its weights). */
export function hasMelodyNet(dir = MELODY_NET_DIR): boolean {
  return existsSync(join(dir, 'model.json'));
}

/** The melody/bass network's files (model.json + weights), or undefined when none are committed. */
export function readMelodyNetArtifacts(dir = MELODY_NET_DIR): MelodyNetArtifacts | undefined {
  if (!hasMelodyNet(dir)) return undefined;
  return readLayersFolder(dir) as MelodyNetArtifacts;
}
