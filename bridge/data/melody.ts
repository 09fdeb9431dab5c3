import type { MelodyCorpus } from './corpus-types';
import type { Progress } from './groove';

export function buildMelodyCorpus(root: string, onProgress: Progress = () => {}): MelodyCorpus {
  onProgress(0, 0, root);
  return { kind: 'melody', version: 1, source: root, tracks: [], skipped: [] };
}
