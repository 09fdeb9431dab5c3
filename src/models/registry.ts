import { InvalidValueError } from '../errors';
import { parseChordProgression, parseKey } from '../music/chords';
import type { Sequence } from '../music/sequence';
import { BASS_SPEC, MELODY_SPEC } from './baseline/line-specs';
import type { ControlName } from './controls';
import { DRUMS_SPEC } from './drums/model-spec';
import { parsePartRequest, type HarmonyChecks, type ModelSpec, type PartRequest } from './spec';

/**
 * The one registry of models. Every front-end (CLI flags and help, OSC address table, presets,
 * the device's Model menu, play and serve) reads this list; adding a model is one line here.
 */
export const MODEL_SPECS: readonly ModelSpec[] = Object.freeze([DRUMS_SPEC, MELODY_SPEC, BASS_SPEC]);

/** Model names in menu order (the device's Model menu index = position here). */
export const MODEL_NAMES: readonly string[] = Object.freeze(MODEL_SPECS.map((s) => s.name));

/** The model users get when they name none. */
export const DEFAULT_MODEL = MODEL_NAMES[0];

/** Key and chord checks: the one chord/key parser (src/music/chords.ts), for every front-end. */
export const HARMONY: HarmonyChecks = Object.freeze({ key: (t: string) => parseKey(t), chords: (t: string) => parseChordProgression(t) });

/** The spec of a model by name; InvalidValueError naming the known models otherwise. */
export function modelSpec(name: unknown): ModelSpec {
  const n = typeof name === 'string' ? name.trim().toLowerCase() : name;
  const spec = MODEL_SPECS.find((s) => s.name === n);
  if (!spec) throw new InvalidValueError('model', name, `one of ${MODEL_NAMES.join(', ')}`);
  return spec;
}

/** Checks a request for a model by name (see parsePartRequest). */
export function parseRequest(model: string, raw: Partial<Record<ControlName, unknown>> & { primer?: Sequence }): PartRequest {
  return parsePartRequest(modelSpec(model), raw, HARMONY);
}

/** Every control some model takes, in table order, with the models taking it. */
export function controlUsers(name: ControlName): string[] {
  return MODEL_SPECS.filter((s) => name === 'style' || s.controls.includes(name)).map((s) => s.name);
}
