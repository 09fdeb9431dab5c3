import { CONTROLS, type ControlName } from '../../src/models/controls';
import { MODEL_NAMES, MODEL_SPECS } from '../../src/models/registry';

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

/**
 * Genre menu items: every model's styles, in registry order (the 18 drum genres, `any`, then the
 * melody and bass styles not already listed), so indices saved in a Live Set stay put as models
 * are added. The bridge says when a genre does not belong to the chosen model.
 */
export const GENRE_ITEMS: readonly string[] = Object.freeze([...new Set(MODEL_SPECS.flatMap((m) => [...m.styles, ...(m.anyStyle ? ['any'] : [])]))]);
/** Model menu items: the registry's models (the bridge's /tandem/model accepts these). */
export const MODEL_ITEMS: readonly string[] = MODEL_NAMES;

/**
 * Key menu items: the Set's scale first (while Live's Scale Mode is on; else the style's usual
 * keys), then every major and minor key as the harmony parser reads it. Melody and bass only.
 */
export const KEY_ITEMS: readonly string[] = Object.freeze([
  'from Set',
  ...['C', 'Db', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'].flatMap((r) => [`${r} major`, `${r} minor`]),
]);

/** Range and default of a number control, from the one control table. */
function fromTable(name: ControlName): { min: number; max: number; initial: number } {
  const c = CONTROLS[name];
  if (c.kind !== 'number') throw new Error(`${name} is not a number control`);
  return { min: c.min, max: c.max, initial: c.default };
}

/**
 * The device's Live parameters. The patcher builds its controls from this table and the
 * node.script client reads menu indices with it, so both always agree. Ranges and defaults come
 * from the control table (src/models/controls.ts), as the OSC address table's do (Density is
 * shown in %, sent to the bridge as 0..1).
 */
export const PARAMETERS = Object.freeze({
  model: { longname: 'Model', shortname: 'Model', message: 'model', type: 'enum', items: MODEL_ITEMS, initial: 0 },
  genre: {
    longname: 'Genre',
    shortname: 'Genre',
    message: 'genre',
    type: 'enum',
    items: GENRE_ITEMS,
    initial: GENRE_ITEMS.indexOf(MODEL_SPECS[0].defaultStyle),
  },
  density: {
    longname: 'Density',
    shortname: 'Density',
    message: 'density',
    type: 'float',
    min: fromTable('density').min * 100,
    max: fromTable('density').max * 100,
    initial: fromTable('density').initial * 100,
    unitstyle: UNIT_STYLE.percent,
  },
  temperature: { longname: 'Temperature', shortname: 'Temp', message: 'temperature', type: 'float', ...fromTable('temperature'), unitstyle: UNIT_STYLE.float },
  bars: { longname: 'Bars', shortname: 'Bars', message: 'bars', type: 'int', ...fromTable('bars'), unitstyle: UNIT_STYLE.int },
  fill: { longname: 'Fill every', shortname: 'Fill', message: 'fill', type: 'int', ...fromTable('fillEvery'), unitstyle: UNIT_STYLE.int },
  key: { longname: 'Key', shortname: 'Key', message: 'key', type: 'enum', items: KEY_ITEMS, initial: 0 },
  follow: { longname: 'Follow transport', shortname: 'Follow', message: 'follow', type: 'enum', items: ['off', 'on'], initial: 0 },
  generate: { longname: 'Generate', shortname: 'Generate', message: 'generate', type: 'enum', items: ['off', 'on'], initial: 0 },
  write: { longname: 'Write clip', shortname: 'Write', message: 'write', type: 'enum', items: ['off', 'on'], initial: 0 },
  continue: { longname: 'Continue', shortname: 'Continue', message: 'readclip', type: 'enum', items: ['off', 'on'], initial: 0 },
} as const satisfies Record<string, ParamSpec>);

export type ParamName = keyof typeof PARAMETERS;
