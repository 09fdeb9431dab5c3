import { DRUM_GENRES } from '../../../src/conditioning/genres';
import { type EnumParam, type NumberParam, PARAMETERS, UNIT_STYLE } from '../parameters';

/**
 * The Live parameters of the two MIDI Tools. The tool patchers build their controls from these
 * tables and the tool client reads the values the `js` forwards with them, so both agree. Ranges
 * and defaults are the device's (from the one control table) where the control is the same.
 */

/** Seed: a number box (Live's int parameters hold 0..255, so a float shown as an int). */
const SEED: NumberParam = Object.freeze({
  longname: 'Seed',
  shortname: 'Seed',
  message: 'seed',
  type: 'float',
  min: 0,
  max: 9999,
  initial: 0,
  unitstyle: UNIT_STYLE.int,
});

/** Tandem Generate (Note Generator). Bars is used only when the clip has no time selection. */
export const GENERATE_PARAMETERS = Object.freeze({
  model: PARAMETERS.model,
  genre: PARAMETERS.genre,
  density: PARAMETERS.density,
  temperature: PARAMETERS.temperature,
  fill: PARAMETERS.fill,
  seed: SEED,
  bars: Object.freeze({ ...PARAMETERS.bars, initial: 4 }) as NumberParam,
});

/** Humanize's genres: the drum network's, then `any`. */
export const HUMANIZE_GENRES: readonly string[] = Object.freeze([...DRUM_GENRES, 'any']);

/** Tandem Humanize (Note Transformation). */
export const HUMANIZE_PARAMETERS = Object.freeze({
  genre: Object.freeze({
    longname: 'Genre',
    shortname: 'Genre',
    message: 'genre',
    type: 'enum',
    items: HUMANIZE_GENRES,
    initial: HUMANIZE_GENRES.indexOf('rock'),
  }) as EnumParam,
  amount: Object.freeze({
    longname: 'Amount',
    shortname: 'Amount',
    message: 'amount',
    type: 'float',
    min: 0,
    max: 100,
    initial: 100,
    unitstyle: UNIT_STYLE.percent,
  }) as NumberParam,
  seed: SEED,
});

export type ToolRole = 'generate' | 'humanize';
