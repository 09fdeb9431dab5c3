import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelImpl, ModelSpec } from '../../src/models/spec';
import { REPO_ROOT } from '../data/paths';

/**
 * Where the models' files are and which implementation runs, without loading any of them (so
 * `serve` and `play` decide without importing TF.js on the main thread; load.ts loads).
 */
export const MODELS_DIR = join(REPO_ROOT, 'models');
/** The trained drum network's folder. */
export const DRUM_NET_DIR = join(MODELS_DIR, 'drums');

export type DrumImpl = 'network' | 'baseline';

/** Where an implementation's files are (absolute). */
export function artifactPath(impl: ModelImpl): string {
  return impl.artifact.kind === 'layers' ? join(MODELS_DIR, impl.artifact.dir) : join(MODELS_DIR, impl.artifact.file);
}

/** Whether an implementation's files are there (without reading weights). */
export function hasArtifact(impl: ModelImpl): boolean {
  return existsSync(impl.artifact.kind === 'layers' ? join(artifactPath(impl), 'model.json') : artifactPath(impl));
}

/** The implementation to run: the first of the kind asked for whose files are there, else the first present (with why). */
export function chooseImpl(spec: ModelSpec, want: DrumImpl): { impl: ModelImpl; note?: string } {
  const present = spec.implementations.filter(hasArtifact);
  const asked = present.find((i) => i.kind === want);
  if (asked) return { impl: asked };
  const other = present[0] ?? spec.implementations[spec.implementations.length - 1];
  const wanted = spec.implementations.find((i) => i.kind === want);
  return {
    impl: other,
    note: wanted ? `no trained ${wanted.id} in ${artifactPath(wanted)}; using ${other.id}` : `no ${spec.name} ${want} yet; using ${other.id}`,
  };
}
