/**
 * The 9 canonical drum classes of the Groove MIDI paper and Magenta's MusicVAE
 * (ROLAND_DRUM_PITCH_CLASSES), with the General MIDI pitch we play for each.
 */
import { InvalidValueError } from '../errors';
export const DRUM_CLASSES = ['kick', 'snare', 'closed-hat', 'open-hat', 'low-tom', 'mid-tom', 'high-tom', 'crash', 'ride'] as const;
export type DrumClass = (typeof DRUM_CLASSES)[number];
export const NUM_DRUM_CLASSES = DRUM_CLASSES.length;

/** General MIDI pitch played for each class (index = class index). */
export const CLASS_TO_GM_PITCH: readonly number[] = Object.freeze([36, 38, 42, 46, 43, 47, 50, 49, 51]);

/** Short labels for drawing a drum grid. */
export const CLASS_LABELS: readonly string[] = Object.freeze(['KK', 'SN', 'CH', 'OH', 'LT', 'MT', 'HT', 'CR', 'RD']);

/**
 * Pitch -> class index, covering General MIDI drum pitches and the Roland TD-11's
 * non-GM pitches used in Groove MIDI (22 = closed hat edge, 26 = open hat edge).
 */
const PITCH_TO_CLASS = new Map<number, number>();
// Follows the GMD paper's reduction of the TD-11 pads (the data was labelled with it):
// Tom 1 (48, rim 50) is the high tom, Tom 2 (45, rim 47) the mid tom, Tom 3 (43, rim 58) the floor tom.
const groups: Array<[number, number[]]> = [
  [0, [35, 36]],
  [1, [37, 38, 39, 40]],
  [2, [22, 42, 44]],
  [3, [26, 46]],
  [4, [41, 43, 58]],
  [5, [45, 47]],
  [6, [48, 50]],
  [7, [49, 52, 55, 57]],
  [8, [51, 53, 59]],
];
for (const [cls, pitches] of groups) for (const p of pitches) PITCH_TO_CLASS.set(p, cls);

/** The drum class index (0-8) of a MIDI pitch, or undefined when the pitch is not a known drum. */
export function drumClassOfPitch(pitch: number): number | undefined {
  return PITCH_TO_CLASS.get(pitch);
}

/** The pitch we play for a class index. */
export function gmPitchOfClass(cls: number): number {
  const p = CLASS_TO_GM_PITCH[cls];
  if (p === undefined) throw new InvalidValueError('drum class', cls, `0..${NUM_DRUM_CLASSES - 1}`);
  return p;
}

export const knownDrumPitches = (): number[] => [...PITCH_TO_CLASS.keys()].sort((a, b) => a - b);
