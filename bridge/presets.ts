import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DRUM_GENRES } from '../src/conditioning/genres';
import { InvalidValueError, TandemError } from '../src/errors';
import { parseDrumRequest } from '../src/models/request';
import { REPO_ROOT } from './data/paths';
import { readInputFile } from './fs/read-input';

/** Largest preset file read (a preset is a few hundred bytes). */
export const PRESET_MAX_BYTES = 64 * 1024;

export const PRESETS_DIR = join(REPO_ROOT, 'presets');

/** A named set of generation settings users pick with --preset. */
export interface Preset {
  name: string;
  description: string;
  model: 'drums';
  genre: string;
  density: number;
  temperature: number;
  fillEvery: number;
  bars: number;
}

const FIELDS: Record<keyof Preset, string> = {
  name: 'a short name (letters, digits, -)',
  description: 'a sentence',
  model: '"drums"',
  genre: `one of ${DRUM_GENRES.join(', ')}`,
  density: 'a number from 0 to 1',
  temperature: 'a number from 0.05 to 3',
  fillEvery: 'a whole number of bars, 0 for no fills',
  bars: 'a whole number from 1 to 64',
};

export class PresetError extends TandemError {
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`preset ${file}: ${field ? `field "${field}" ` : ''}${detail}`);
  }
}

/** Checks a preset's JSON text: every field present, of the right kind and range, nothing unknown. */
export function parsePreset(text: string, file: string): Preset {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new PresetError(file, '', `is not valid JSON (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PresetError(file, '', 'must be a JSON object');
  const obj = raw as Record<string, unknown>;
  // Own properties only: "constructor", "toString" or "__proto__" are not fields, whatever Object.prototype holds.
  for (const k of Object.keys(obj)) if (!Object.hasOwn(FIELDS, k)) throw new PresetError(file, k, `is not a preset field (allowed: ${Object.keys(FIELDS).join(', ')})`);
  for (const [k, allowed] of Object.entries(FIELDS)) if (!Object.hasOwn(obj, k)) throw new PresetError(file, k, `is missing: it must be ${allowed}`);
  if (typeof obj.name !== 'string' || !/^[a-z0-9-]+$/.test(obj.name)) throw new PresetError(file, 'name', `must be ${FIELDS.name}, got ${JSON.stringify(obj.name)}`);
  if (typeof obj.description !== 'string') throw new PresetError(file, 'description', 'must be a string');
  if (obj.model !== 'drums') throw new PresetError(file, 'model', `must be "drums", got ${JSON.stringify(obj.model)}`);
  for (const k of ['density', 'temperature', 'fillEvery', 'bars'] as const) {
    if (typeof obj[k] !== 'number') throw new PresetError(file, k, `must be ${FIELDS[k]}, got ${JSON.stringify(obj[k])}`);
  }
  try {
    parseDrumRequest({ genre: obj.genre, density: obj.density, temperature: obj.temperature, fillEvery: obj.fillEvery, bars: obj.bars });
  } catch (err) {
    if (err instanceof InvalidValueError) throw new PresetError(file, err.field === 'fill-every' ? 'fillEvery' : err.field, err.message.slice(err.field.length + 1));
    throw err;
  }
  if (obj.genre === 'any' || typeof obj.genre !== 'string') throw new PresetError(file, 'genre', `must be ${FIELDS.genre}, got ${JSON.stringify(obj.genre)}`);
  // A fresh plain object holding the checked fields only.
  return { name: obj.name, description: obj.description, model: 'drums', genre: obj.genre, density: obj.density as number, temperature: obj.temperature as number, fillEvery: obj.fillEvery as number, bars: obj.bars as number };
}

export function listPresets(dir = PRESETS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => basename(f, '.json')).sort();
}

/** Loads a preset by name (from presets/) or by path to a .json file. */
export function loadPreset(nameOrPath: string, dir = PRESETS_DIR): Preset {
  const file = nameOrPath.endsWith('.json') ? nameOrPath : join(dir, `${nameOrPath}.json`);
  if (!existsSync(file)) {
    throw new InvalidValueError('preset', nameOrPath, `one of ${listPresets(dir).join(', ') || '(none found)'} or a path to a preset .json`);
  }
  return parsePreset(readInputFile(file, { what: 'preset', maxBytes: PRESET_MAX_BYTES }).toString('utf8'), file);
}
