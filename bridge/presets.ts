import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InvalidValueError, TandemError } from '../src/errors';
import { allowedText, CONTROLS } from '../src/models/controls';
import { MODEL_NAMES, modelSpec, parseRequest } from '../src/models/registry';
import { REPO_ROOT } from './data/paths';
import { readInputFile } from './fs/read-input';

/** Largest preset file read (a preset is a few hundred bytes). */
export const PRESET_MAX_BYTES = 64 * 1024;

export const PRESETS_DIR = join(REPO_ROOT, 'presets');

/** A named set of generation settings users pick with --preset. */
export interface Preset {
  name: string;
  description: string;
  /** A model of the registry. */
  model: string;
  genre: string;
  density: number;
  temperature: number;
  fillEvery: number;
  bars: number;
}

const FIELDS: Record<keyof Preset, string> = {
  name: 'a short name (letters, digits, -)',
  description: 'a sentence',
  model: `one of ${MODEL_NAMES.map((n) => JSON.stringify(n)).join(', ')}`,
  genre: "one of the model's genres (tandem genres --model NAME)",
  density: allowedText(CONTROLS.density),
  temperature: allowedText(CONTROLS.temperature),
  fillEvery: `${allowedText(CONTROLS.fillEvery)} (0 for no fills, and for models without fills)`,
  bars: allowedText(CONTROLS.bars),
};

export class PresetError extends TandemError {
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`preset ${file}: ${field ? `field "${field}" ` : ''}${detail}`);
  }

  override get exitCode(): number {
    return 2;
  }
}

/** Checks a preset's JSON text: every field present, of the right kind and range, nothing unknown. */
export function parsePreset(text: string, file: string): Preset {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    // V8's message can quote the text over several lines: keep its first line (what and where).
    throw new PresetError(file, '', `is not valid JSON (${(err as Error).message.split('\n')[0].trim()})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PresetError(file, '', 'must be a JSON object');
  const obj = raw as Record<string, unknown>;
  // Own properties only: "constructor", "toString" or "__proto__" are not fields, whatever Object.prototype holds.
  for (const k of Object.keys(obj))
    if (!Object.hasOwn(FIELDS, k)) throw new PresetError(file, k, `is not a preset field (allowed: ${Object.keys(FIELDS).join(', ')})`);
  for (const [k, allowed] of Object.entries(FIELDS)) if (!Object.hasOwn(obj, k)) throw new PresetError(file, k, `is missing: it must be ${allowed}`);
  if (typeof obj.name !== 'string' || !/^[a-z0-9-]+$/.test(obj.name))
    throw new PresetError(file, 'name', `must be ${FIELDS.name}, got ${JSON.stringify(obj.name)}`);
  if (typeof obj.description !== 'string') throw new PresetError(file, 'description', 'must be a string');
  if (typeof obj.model !== 'string' || !MODEL_NAMES.includes(obj.model))
    throw new PresetError(file, 'model', `must be ${FIELDS.model}, got ${JSON.stringify(obj.model)}`);
  const spec = modelSpec(obj.model);
  for (const k of ['density', 'temperature', 'fillEvery', 'bars'] as const) {
    if (typeof obj[k] !== 'number') throw new PresetError(file, k, `must be ${FIELDS[k]}, got ${JSON.stringify(obj[k])}`);
  }
  try {
    // Models without fills take fillEvery 0 only (left out of the request, so 0 is what they get).
    if (!spec.controls.includes('fillEvery') && obj.fillEvery !== 0) throw new InvalidValueError('fillEvery', obj.fillEvery, `0: ${spec.name} has no fills`);
    parseRequest(spec.name, {
      style: obj.genre,
      density: obj.density,
      temperature: obj.temperature,
      fillEvery: spec.controls.includes('fillEvery') ? obj.fillEvery : undefined,
      bars: obj.bars,
    });
  } catch (err) {
    if (err instanceof InvalidValueError) {
      const field = Object.values(CONTROLS).find((c) => c.flag === err.field)?.name ?? err.field;
      throw new PresetError(file, field === 'style' ? 'genre' : field, err.message.slice(err.field.length + 1));
    }
    throw err;
  }
  if (obj.genre === 'any' || typeof obj.genre !== 'string')
    throw new PresetError(file, 'genre', `must be one of ${spec.styles.join(', ')}, got ${JSON.stringify(obj.genre)}`);
  // A fresh plain object holding the checked fields only.
  return {
    name: obj.name,
    description: obj.description,
    model: spec.name,
    genre: obj.genre,
    density: obj.density as number,
    temperature: obj.temperature as number,
    fillEvery: obj.fillEvery as number,
    bars: obj.bars as number,
  };
}

export function listPresets(dir = PRESETS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

/** Loads a preset by name (from presets/) or by path to a .json file. */
export function loadPreset(nameOrPath: string, dir = PRESETS_DIR): Preset {
  const file = nameOrPath.endsWith('.json') ? nameOrPath : join(dir, `${nameOrPath}.json`);
  if (!existsSync(file)) {
    throw new InvalidValueError('preset', nameOrPath, `one of ${listPresets(dir).join(', ') || '(none found)'} or a path to a preset .json`);
  }
  return parsePreset(readInputFile(file, { what: 'preset', maxBytes: PRESET_MAX_BYTES }).toString('utf8'), file);
}
