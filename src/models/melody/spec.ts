import { MODES } from '../../music/chords';
import { FOUR_FOUR, stepsPerBar, type Meter } from '../../time/units';

/**
 * The melody/bass network's contract: one GRU over 16th steps for both voices (a voice input
 * says which), trained on Nottingham, POP909 and the JSB chorales. The training script
 * (models/training/train_melody.py) reads these sizes from the prepared data, and model.json
 * records them, so a mismatch is caught at load.
 *
 * Pitch is **key-relative**: every line is moved by the key's tonic (to the nearest C, so by
 * -6..+5 semitones) and the mode is an input. Why: the corpora are mostly in a handful of keys
 * (folk tunes in G and D, chorales in their own), so an absolute model would learn "which notes
 * are in G" rather than "what a melody does in a key"; key-relative lines put every tune's
 * tonic on one token, the scale degrees are learned once for all twelve keys, and the user's key
 * is then exact by construction (generate relative, move to the key). Transposition
 * augmentation would teach the same at 12x the training time.
 *
 * Token at step t: 0 = nothing new (a note keeps sounding, or a rest goes on), 1 = note off
 * (a rest begins), 2 + (p - PITCH_LOW) = a note of key-relative pitch p begins (ending any
 * note that sounds).
 *
 * Input at step t (predicting the token of step t):
 *   [0, V)                the token of step t-1 (one-hot)
 *   [V, V+P)              the last note begun before step t (one-hot key-relative pitch; zeros before the first)
 *   position              position of step t in its bar (one-hot of MAX_STEPS_PER_BAR)
 *   meter                 one-hot of METERS
 *   chord root            the chord sounding at step t: root relative to the tonic (one-hot 12)
 *   chord tones           its pitch classes relative to the tonic (12 x 0/1)
 *   no chord              1 when no chord is known (N.C., or chords dropped in training)
 *   mode                  one-hot of MODES
 *   style                 one-hot of STYLES (all zero = any style)
 *   voice                 one-hot of VOICES
 *   density               running notes per bar over this bar and the one before, 0..1 over the
 *                         voice and style's range (5th-98th percentile of the training split)
 */
export const PITCH_LOW = 24;
export const PITCH_HIGH = 100;
export const PITCHES = PITCH_HIGH - PITCH_LOW + 1;
export const TOKEN_HOLD = 0;
export const TOKEN_OFF = 1;
export const VOCAB = 2 + PITCHES;
export const tokenOfPitch = (relPitch: number): number => 2 + Math.max(0, Math.min(PITCHES - 1, relPitch - PITCH_LOW));
export const pitchOfToken = (token: number): number => token - 2 + PITCH_LOW;

/** Width of the network's position-in-bar input: the longest bar it plays (4/4). */
export const MAX_STEPS_PER_BAR = stepsPerBar(FOUR_FOUR);
/** Meters the network plays (2/4 and 2/2 tunes are read as 4/4). */
export const METERS = ['4/4', '3/4', '6/8'] as const;
export type MelodyMeter = (typeof METERS)[number];
/** Each meter's time signature. */
export const METER_OF: Readonly<Record<MelodyMeter, Meter>> = Object.freeze({
  '4/4': FOUR_FOUR,
  '3/4': { numerator: 3, denominator: 4 },
  '6/8': { numerator: 6, denominator: 8 },
});
/** 16th steps per bar of each meter (16, 12, 12), from the one grid in time/units. */
export const STEPS_PER_BAR: Readonly<Record<MelodyMeter, number>> = Object.freeze({
  '4/4': stepsPerBar(METER_OF['4/4']),
  '3/4': stepsPerBar(METER_OF['3/4']),
  '6/8': stepsPerBar(METER_OF['6/8']),
});

/** Styles the network knows; other Nottingham collections train the "any style" input. */
export const STYLES = ['reel', 'jig', 'hornpipe', 'waltz', 'pop', 'chorale'] as const;
export type MelodyStyle = (typeof STYLES)[number];
/** The meter each style is played in. */
export const STYLE_METER: Record<MelodyStyle, MelodyMeter> = { reel: '4/4', jig: '6/8', hornpipe: '4/4', waltz: '3/4', pop: '4/4', chorale: '4/4' };

/**
 * Styles whose data cannot show a repeated note: the JSB chorales come as one pitch per voice per
 * 16th, so a note struck again reads as one held note. Their lines never begin the pitch just begun.
 */
export const STYLE_NO_REPEATS: ReadonlySet<MelodyStyle> = new Set<MelodyStyle>(['chorale']);

export const VOICES = ['melody', 'bass'] as const;
export type Voice = (typeof VOICES)[number];

/** Bars in the density running average (the current bar and the one before), as for drums. */
export const MELODY_DENSITY_WINDOW_BARS = 2;
export const MELODY_DENSITY_PERCENTILES = [0.05, 0.98] as const;

export const MELODY_INPUT = (() => {
  const prevToken = 0;
  const lastPitch = prevToken + VOCAB;
  const position = lastPitch + PITCHES;
  const meter = position + MAX_STEPS_PER_BAR;
  const chordRoot = meter + METERS.length;
  const chordTones = chordRoot + 12;
  const noChord = chordTones + 12;
  const mode = noChord + 1;
  const style = mode + MODES.length;
  const voice = style + STYLES.length;
  const density = voice + VOICES.length;
  return Object.freeze({ prevToken, lastPitch, position, meter, chordRoot, chordTones, noChord, mode, style, voice, density, size: density + 1 });
})();

/** Semitones a line is moved by to make it key-relative: the tonic's nearest C (-6..+5 semitones away). */
export const keyShift = (tonic: number): number => (tonic <= 5 ? tonic : tonic - 12);
