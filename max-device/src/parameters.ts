import { DRUM_GENRES } from '../../src/conditioning/genres';
import { LIMITS } from '../../src/models/request';

/** Live's unit styles (parameter_unitstyle) the device uses. */
export const UNIT_STYLE = Object.freeze({ int: 0, float: 1, percent: 5 });

interface ParamBase {
  /** Unique in the device; what Live shows in automation lanes. */
  longname: string;
  /** What the device face shows (5-8 characters fit). */
  shortname: string;
  /** The message the control sends to node.script (`density 50`). */
  message: string;
}

/** A number parameter (float or int), with its range, default and unit style. */
export interface NumberParam extends ParamBase {
  type: 'float' | 'int';
  min: number;
  max: number;
  initial: number;
  unitstyle: number;
}

/** A menu, toggle or button parameter: an index into `items`. */
export interface EnumParam extends ParamBase {
  type: 'enum';
  items: readonly string[];
  /** Index of the default item. */
  initial: number;
}

export type ParamSpec = NumberParam | EnumParam;

/** Genre menu items: the 18 drum genres, then `any`. Index = what the menu sends. */
export const GENRE_ITEMS: readonly string[] = Object.freeze([...DRUM_GENRES, 'any']);
/** Model menu items (the bridge's /tandem/model accepts these). */
export const MODEL_ITEMS: readonly string[] = Object.freeze(['drums']);

/**
 * The device's Live parameters. The patcher builds its controls from this table and the
 * node.script client reads menu indices with it, so both always agree. Ranges match the OSC
 * address table in bridge/osc/address-space.ts (Density is shown in %, sent to the bridge as 0..1).
 */
export const PARAMETERS = Object.freeze({
  model: { longname: 'Model', shortname: 'Model', message: 'model', type: 'enum', items: MODEL_ITEMS, initial: 0 },
  genre: { longname: 'Genre', shortname: 'Genre', message: 'genre', type: 'enum', items: GENRE_ITEMS, initial: 0 },
  density: { longname: 'Density', shortname: 'Density', message: 'density', type: 'float', min: 0, max: 100, initial: 50, unitstyle: UNIT_STYLE.percent },
  temperature: { longname: 'Temperature', shortname: 'Temp', message: 'temperature', type: 'float', min: LIMITS.minTemperature, max: LIMITS.maxTemperature, initial: 1, unitstyle: UNIT_STYLE.float },
  bars: { longname: 'Bars', shortname: 'Bars', message: 'bars', type: 'int', min: 1, max: LIMITS.maxBars, initial: 4, unitstyle: UNIT_STYLE.int },
  fill: { longname: 'Fill every', shortname: 'Fill', message: 'fill', type: 'int', min: 0, max: 64, initial: 0, unitstyle: UNIT_STYLE.int },
  follow: { longname: 'Follow transport', shortname: 'Follow', message: 'follow', type: 'enum', items: ['off', 'on'], initial: 0 },
  generate: { longname: 'Generate', shortname: 'Generate', message: 'generate', type: 'enum', items: ['off', 'on'], initial: 0 },
  write: { longname: 'Write clip', shortname: 'Write', message: 'write', type: 'enum', items: ['off', 'on'], initial: 0 },
} as const satisfies Record<string, ParamSpec>);

export type ParamName = keyof typeof PARAMETERS;
