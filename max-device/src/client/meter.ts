import { modelSpec } from '../../../src/models/registry';
import { COMMON_TIME, type ModelMeter } from '../../../src/models/spec';

/** A time signature, as Live's Song.signature_numerator / signature_denominator give it. */
export interface Meter {
  numerator: number;
  denominator: number;
}

/** Denominators Live's time signature takes (its time signature field: 1, 2, 4, 8, 16). */
export const LIVE_DENOMINATORS: readonly number[] = Object.freeze([1, 2, 4, 8, 16]);

/** `6/8`. */
export const meterName = (m: Meter): string => `${m.numerator}/${m.denominator}`;

/** A bar of `m` in beats (quarter notes): 4/4 -> 4, 6/8 -> 3, 7/8 -> 3.5. */
export const barBeatsOf = (m: Meter): number => (m.numerator * 4) / m.denominator;

/** The meter a model plays a style in (4/4 for a model without one, or for `any`). */
export function modelMeter(model: string, style: string): ModelMeter {
  return modelSpec(model).meter?.(style === 'any' ? undefined : style) ?? COMMON_TIME;
}

/**
 * `meter <numerator> <denominator>` from the Live reader: the Set's time signature, or a line
 * naming what was wrong (Live's numerators are 1-99, its denominators 1, 2, 4, 8 or 16).
 */
export function readMeter(args: readonly unknown[]): Meter | { problem: string } {
  const [numerator, denominator] = args;
  const ok =
    args.length === 2 &&
    typeof numerator === 'number' &&
    Number.isInteger(numerator) &&
    numerator >= 1 &&
    numerator <= 99 &&
    typeof denominator === 'number' &&
    LIVE_DENOMINATORS.includes(denominator);
  if (!ok)
    return {
      problem: `the Set's time signature must be a numerator 1-99 and a denominator of ${LIVE_DENOMINATORS.join(', ')}, got ${JSON.stringify(args)}`,
    };
  return { numerator, denominator };
}

/** How a model's style fits the Set's time signature. */
export interface MeterFit {
  /** The bar new suggestions take over on, beats: the Set's when the two bars line up, else the model's own. */
  barBeats: number;
  /** Whether the model's bars line up with the Set's (same bar length: 4/4 and 2/2, 6/8 and 3/4). */
  fits: boolean;
  /** When they do not: one line for the status, naming both meters and what the model plays. */
  note?: string;
  /** A short tag for the suggestion's status line when they do not (`4/4 over the Set's 3/4`). */
  tag?: string;
}

/**
 * Whether `model` in `style` can follow the Set's meter. The models play a meter of their own
 * per style (drums 4/4; melody and bass: jig 6/8, waltz 3/4, the rest 4/4): where its bar is the
 * Set's bar, the Set's bar lines are used; otherwise the model plays its own bars, and the line
 * says so and names the styles of this model that would fit.
 */
export function fitMeter(set: Meter, model: string, style: string): MeterFit {
  const own = modelMeter(model, style);
  const ownBar = barBeatsOf(own);
  const setBar = barBeatsOf(set);
  if (Math.abs(ownBar - setBar) < 1e-9) return { barBeats: setBar, fits: true };
  const styles = modelSpec(model).styles.filter((s) => Math.abs(barBeatsOf(modelMeter(model, s)) - setBar) < 1e-9);
  const instead = styles.length
    ? `pick a style in ${meterName(set)} (${styles.join(', ')}) or set Live to ${meterName(own)}`
    : `set Live to ${meterName(own)} for bars that line up`;
  return {
    barBeats: ownBar,
    fits: false,
    note: `Live's time signature is ${meterName(set)} but ${model} ${style} plays ${meterName(own)}: its ${ownBar}-beat bars run across the Set's ${setBar}-beat bars (${instead})`,
    tag: `${meterName(own)} over the Set's ${meterName(set)}`,
  };
}
