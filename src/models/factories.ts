import { TandemError } from '../errors';
import { LINE_FACTORIES } from './baseline/line-parts';
import { DRUM_FACTORIES } from './drums/part';
import { MELODY_NET_FACTORIES } from './melody/part';
import type { ModelFactory } from './spec';

/**
 * How each implementation a spec names (ModelImpl.id) is built. Apart from registry.ts because
 * building loads TF.js; the registry's readers (device client, help) must not.
 * A new implementation is one line here next to its line in the model's spec.
 */
export const MODEL_FACTORIES: Readonly<Record<string, ModelFactory>> = Object.freeze({ ...DRUM_FACTORIES, ...MELODY_NET_FACTORIES, ...LINE_FACTORIES });

/** The factory of an implementation id; a TandemError when none is registered (a spec/factory mismatch). */
export function modelFactory(id: string): ModelFactory {
  const f = MODEL_FACTORIES[id];
  if (!f) throw new TandemError(`no factory for model implementation ${id} in src/models/factories.ts`);
  return f;
}
