import { InvalidValueError } from '../errors';
import { TEMPO } from '../time/units';

/**
 * The one table of controls: what a musician sets (style, density, bars, ...), with its type,
 * range, default and unit. The CLI's flags and help, the OSC address table, presets, the device's
 * parameters and the README are all read from here; a front-end holds no range of its own.
 */

/** Seeds are unsigned 32-bit integers everywhere (CLI, OSC, device, presets, session logs). */
export const SEED_MAX = 0xffffffff;

export { TEMPO } from '../time/units';

/** A number control. */
export interface NumberControl {
  kind: 'number';
  /** Whole numbers only. */
  integer: boolean;
  min: number;
  max: number;
  default: number;
  /** Unit a user reads next to the value ('bars', '0..1', ''). */
  unit: string;
}

/** A string control (a style from the model, a key, a chord progression). */
export interface TextControl {
  kind: 'text';
  /** Longest accepted value (characters). */
  maxLength: number;
  /** Default, or undefined = the model decides (style: the model's default style). */
  default: string | undefined;
  unit: string;
}

export type ControlKind = NumberControl | TextControl;

/** One row of the control table. */
export type ControlSpec = ControlKind & {
  /** Field of a request (camelCase). */
  name: ControlName;
  /** CLI flag without dashes (`fill-every`). */
  flag: string;
  /** OSC address that sets it (`/tandem/fill`), or undefined for batch-only controls. */
  osc: string | undefined;
  /** What it does, in a musician's words (CLI help, OSC table, README). */
  doc: string;
};

export const CONTROL_NAMES = ['style', 'density', 'bars', 'temperature', 'seed', 'count', 'fillEvery', 'key', 'chords'] as const;
export type ControlName = (typeof CONTROL_NAMES)[number];

/** The table. Rows are frozen; front-ends read them, never copy the numbers. */
export const CONTROLS: Readonly<Record<ControlName, ControlSpec>> = Object.freeze({
  style: {
    name: 'style',
    flag: 'genre',
    osc: '/tandem/genre',
    kind: 'text',
    maxLength: 40,
    default: undefined,
    unit: '',
    doc: 'genre (drums) or style (melody, bass) of the model; see tandem genres --model NAME',
  },
  density: {
    name: 'density',
    flag: 'density',
    osc: '/tandem/density',
    kind: 'number',
    integer: false,
    min: 0,
    max: 1,
    default: 0.5,
    unit: '0..1',
    doc: 'how busy: 0 sparsest, 1 busiest',
  },
  bars: {
    name: 'bars',
    flag: 'bars',
    osc: '/tandem/bars',
    kind: 'number',
    integer: true,
    min: 1,
    max: 64,
    default: 8,
    unit: 'bars',
    doc: 'length of a suggestion in bars (primer bars included)',
  },
  temperature: {
    name: 'temperature',
    flag: 'temperature',
    osc: '/tandem/temperature',
    kind: 'number',
    integer: false,
    min: 0.05,
    max: 3,
    default: 1,
    unit: '',
    doc: 'sampling temperature: 1 as learned, lower safer, higher wilder',
  },
  seed: {
    name: 'seed',
    flag: 'seed',
    osc: '/tandem/seed',
    kind: 'number',
    integer: true,
    min: 0,
    max: SEED_MAX,
    default: 0,
    unit: '0..2^32-1',
    doc: 'same settings + same seed = same notes',
  },
  count: {
    name: 'count',
    flag: 'count',
    osc: undefined,
    kind: 'number',
    integer: true,
    min: 1,
    max: 64,
    default: 1,
    unit: '',
    doc: 'variations generated in one batch',
  },
  fillEvery: {
    name: 'fillEvery',
    flag: 'fill-every',
    osc: '/tandem/fill',
    kind: 'number',
    integer: true,
    min: 0,
    max: 64,
    default: 0,
    unit: 'bars',
    doc: 'a fill every N bars, 0 for none',
  },
  key: {
    name: 'key',
    flag: 'key',
    osc: '/tandem/key',
    kind: 'text',
    maxLength: 24,
    default: undefined,
    unit: '',
    doc: 'key, like "D major" or "A minor" (default: a usual key of the style)',
  },
  chords: {
    name: 'chords',
    flag: 'chords',
    osc: '/tandem/chords',
    kind: 'text',
    maxLength: 400,
    default: undefined,
    unit: '',
    doc: 'one chord symbol per bar, repeated to the length: "C G Am F", F#m7, Bb/D, N.C.; or bars split by | into 1, 2 or 4 chords: "| C G/B | Am F |" (3/4: 1 or 3, 6/8: 1 or 2) (default: the model chooses)',
  },
} satisfies Record<ControlName, ControlSpec>);

/** "a whole number from 1 to 64", "between 0 and 1": what a control allows, in words. */
export function allowedText(c: ControlSpec): string {
  if (c.kind === 'text') return `text of at most ${c.maxLength} characters`;
  const hi = c.max === SEED_MAX ? '2^32-1' : String(c.max);
  return c.integer ? `a whole number from ${c.min} to ${hi}` : `between ${c.min} and ${hi}`;
}

/**
 * Checks one number control's value from outside (a flag string, an OSC number, a preset field).
 * Strings are read as numbers; throws InvalidValueError naming the control's flag and range.
 */
export function checkNumber(name: ControlName, raw: unknown): number {
  const c = CONTROLS[name];
  if (c.kind !== 'number') throw new InvalidValueError(c.flag, raw, 'a number control');
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < c.min || n > c.max || (c.integer && !Number.isInteger(n)))
    throw new InvalidValueError(c.flag, raw, allowedText(c));
  return n;
}

/** Checks one text control's value (trimmed, not empty, not too long). */
export function checkText(name: ControlName, raw: unknown): string {
  const c = CONTROLS[name];
  if (c.kind !== 'text') throw new InvalidValueError(c.flag, raw, 'a text control');
  if (typeof raw !== 'string' || raw.trim() === '' || raw.length > c.maxLength)
    throw new InvalidValueError(c.flag, typeof raw === 'string' && raw.length > 60 ? `${raw.slice(0, 60)}...` : raw, allowedText(c));
  return raw.trim();
}

/** Checks a tempo from outside (BPM). */
export function checkTempo(raw: unknown, field = 'bpm'): number {
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < TEMPO.min || n > TEMPO.max)
    throw new InvalidValueError(field, raw, `a tempo from ${TEMPO.min} to ${TEMPO.max} BPM`);
  return n;
}

/**
 * A seed as a signed 32-bit integer carries it: Max's ints and OSC's `i` are int32, so seeds
 * from 2^31 to 2^32-1 travel as their two's-complement negative (seed | 0), and come back with
 * `fromInt32`. Same bits, so a CLI seed is reproducible from OSC and the device.
 */
export const seedToInt32 = (seed: number): number => seed | 0;
/** The seed an int32 carries (see seedToInt32). */
export const seedFromInt32 = (i: number): number => i >>> 0;
