/**
 * The melody/bass network's sampling rules that act on single draws: log-odds bonuses (and bans) added to the seeded
 * Gumbel noise before the network's scores, so every backend draws the same. Each rule says why, with the figures it
 * was chosen on (the validation split, npm run eval:melody; the fitted ones on the training split).
 */
import { PITCH_LOW, STEPS_PER_BAR, TOKEN_HOLD, VOCAB, type MelodyMeter, type Voice } from './spec';
import type { ChordBar } from './progression';

/**
 * How much more a bass line's downbeat leans to the root of the given chord than the network alone
 * (a log-odds bonus on those tokens at the Gumbel-max draw, so the draw stays seeded and the same on
 * every backend). Why: the network is trained partly with one chord per bar, as users give chords, so
 * it has learned that real bass lines often move to the next harmony within the bar; on the downbeat
 * real basses play the given chord's root 92 % of the time (POP909, Nottingham, JSB validation), and
 * the network alone 85 %, with this bonus 91 % (its interval, pitch-class and beat-position histograms
 * within 0.01 of the network alone). Chosen on the validation split (npm run eval:melody, "downbeat on chord root").
 */
export const BASS_DOWNBEAT_ROOT_BIAS = 1;

/**
 * The same bonus on a bass line's middle beat (4/4 beat 3, 6/8's second dotted beat), smaller: given one chord per
 * bar, real basses often leave it for the next harmony there (POP909 bar chords: 25 % of beat-3 notes on the root),
 * while a producer who wrote one chord for the bar expects the root back on beat 3 more often than that. Chosen on
 * the validation split (npm run eval:melody -- --middle-root-bias B): 0 / 1.5 / 3 gave strong beats on the root
 * 71 / 75 / 83 % (real 63 %) and the real-vs-generated classifier 76.6 / 76.3 / 79.8 %: 1.5 costs no realism, 3 does.
 */
export const BASS_MIDDLE_BEAT_ROOT_BIAS = 1.5;

/**
 * Min-p truncation per voice (see RolloutPlan.minP): a token less than this share as likely as the step's most likely
 * one is never drawn. At temperature 1 a melody otherwise reaches into the tail now and then (leaps of a tenth and
 * more where real lines have none: chorale melodies 1.1 % of intervals against 0 %). Measured on the validation split
 * (npm run eval:melody -- --min-p P --seed S), real-vs-generated classifier over seeds 1000 / 2000 / 3000: melody
 * 73.7 / 70.3 / 74.7 % at 0 and 70.8 / 70.4 / 72.3 % at 0.02 (0.05: 73.3 %, 0.1: 72.1 % at seed 1000); bass 75.9 /
 * 77.5 / 74.7 % at 0 and 76.7 / 75.9 / 76.0 % at 0.02: no gain for the bass, so it draws as learned.
 */
export const MIN_P: Readonly<Record<Voice, number>> = Object.freeze({ melody: 0.02, bass: 0 });

/**
 * A bass line rests where the chords a user gives say N.C. (no chord): a bass plays the harmony's root, and the data's
 * basses do not play there (Nottingham's never: the bass is the accompaniment's lowest note; POP909's 0.43 notes a bar
 * against 3.5 under a chord). The network alone played on: N.C. is also what it saw in the training windows whose chords
 * were dropped. Measured on the validation split (npm run eval:melody -- --voice bass --seed S, S = 1000 / 2000 / 3000):
 * see the model card.
 */
export const BASS_RESTS_ON_NO_CHORD = true;

/**
 * A melody whose chords open on an N.C. bar (a chord follows) plays that bar as a pickup: nothing begins before its
 * last beat. That is what an opening bar without a chord is in the data (Nottingham's tunes open with an anacrusis
 * before the first chord: 1.3-2 notes in those bars against 5-6 under a chord), while the network, which also saw N.C.
 * where training dropped the chords, filled the bar. Measured on the validation split: see the model card.
 */
export const MELODY_PICKUP_ON_NO_CHORD = true;

/** Where a pickup bar's notes may begin: its last beat (6/8: its second dotted beat). */
const PICKUP_STEP: Record<MelodyMeter, number> = { '4/4': 12, '3/4': 8, '6/8': 6 };

/**
 * How far the density asked for stretches every note's log-odds, per voice: + gain x (density - 0.5), so density 0
 * plays sparser and 1 busier than the network alone. Why: folk basses in the data play 0.5-2.5 notes a bar, and the
 * network alone spanned 0.7-2.6 (busiest/sparsest 2.2-3.0 for reel, jig, hornpipe, waltz; the issue asks >= 3).
 * Measured on the validation split (npm run eval:melody -- --density-gain G): bass 0 / 2 / 3 gave jig 2.40 / 2.64 / 3.36,
 * waltz 2.40 / 2.75 / 3.62 (seed 1000) and the real-vs-generated classifier no worse (see the model card).
 */
export const DENSITY_GAIN: Readonly<Record<Voice, number>> = Object.freeze({ melody: 0, bass: 3 });

/**
 * Where a voice in a style stretches its density beyond the data's (`voice/style`): a density asked for below `from` or
 * above `to` (the middle 90 % of the style's training segments) moves every note's log-odds by `gain` x its distance
 * past that edge; inside, the network follows the data. Why: jig melodies in the data are even 8ths at nearly every
 * density (the training jigs' 5th-98th percentile span 3 to 6 notes a bar), so the network alone spanned 2.7-5.9 notes
 * a bar from density 0 to 1 (busiest/sparsest 2.2; the issue asks >= 3), and a gain over the whole range (2: 2.5)
 * moved the lines of ordinary densities too. Measured on the validation split: see the model card.
 */
export const DENSITY_STRETCH: Readonly<Record<string, { gain: number; from: number; to: number }>> = Object.freeze({
  'melody/jig': { gain: 8, from: 0.25, to: 0.8 },
});

/** The step of a bar's middle beat (3/4 has none). */
const MIDDLE_BEAT_STEP: Record<MelodyMeter, number | undefined> = { '4/4': 8, '6/8': 6, '3/4': undefined };

/**
 * A chord-tone bonus as model.json stores it: a number (added to the chord's tones: calibrations before session 8), or
 * [bonus, penalty]: the bonus added to the chord's tones and the penalty taken off the other pitches, split so that the
 * share of strong beats on which a note begins stays what the network alone plays (see chordToneSplit).
 */
export type ChordToneBonus = number | readonly [bonus: number, penalty: number];

/** [bonus, penalty] of a stored chord-tone bonus (none: [0, 0]). */
export function toneBonus(v: ChordToneBonus | undefined): readonly [number, number] {
  return v === undefined ? [0, 0] : typeof v === 'number' ? [v, 0] : v;
}

/**
 * Splits a shift of the odds of a chord tone against another pitch (`shift`, log-odds) into a bonus on the chord's
 * tones and a penalty on the other pitches that keep the chance of a note beginning on the beat, where the network alone
 * plays a chord tone in `share` of its strong-beat notes: bonus = ln(q'/q), penalty = ln((1-q)/(1-q')), q' = the share
 * after the shift. Why: a bonus on the chord's tones alone also raises the chance that a note begins on the strong beat
 * rather than a note sounding on (chorale melodies under half-bar chords: 30 % of notes began on the downbeat against
 * 25 % real, with the bonus at 2.5), which the real-vs-generated classifier sees.
 */
export function chordToneSplit(shift: number, share: number): [bonus: number, penalty: number] {
  const q = Math.min(0.99, Math.max(0.01, share));
  const q1 = 1 / (1 + Math.exp(-(Math.log(q / (1 - q)) + shift)));
  return [Math.log(q1 / q), Math.log((1 - q) / (1 - q1))];
}

/** What biasDraws needs: the request's shape, its chords and the rules' settings (MelodyRnn's fields). */
export interface DrawBiasContext {
  voice: Voice;
  meter: MelodyMeter;
  /** Steps taken from a primer (whole bars) and steps in all. */
  kept: number;
  total: number;
  batch: number;
  /** Every variation's bars, each its chords (1 to 4 splitting the bar evenly). */
  bars: ChordBar[][][];
  /** The chord sounding at a step of a variation. */
  chordAt: (variation: number, step: number) => ChordBar;
  /** Whether the chords were given (not drawn from the style's progressions). */
  chordsGiven: boolean;
  downbeatRootBias: number;
  middleBeatRootBias: number;
  middleRootEveryBar: boolean;
  /** Per step of the bar: added to every note's log-odds (model.json's onsetBias), or none. */
  onsetBias?: readonly number[];
  /** [added to the chord's tones, taken off the other pitches] on a melody's strong beats in bars whose chords are given split. */
  chordToneBias: readonly [number, number];
  /** The same on the downbeats of bars given one chord (model.json's chordToneBarBias; [0, 0] = none). */
  chordToneBarBias: readonly [number, number];
  /**
   * Register calibration (model.json's registerTilt): log-odds per octave by which, among the places a pitch class has
   * in the register (MIDI `low`..`high`), a higher one is favoured over a lower one (a pitch class with one place keeps
   * its odds), after the register fold: the octave a pitch class is played in moves, not which pitch classes are played.
   */
  registerTilt?: { perOctave: number; low: number; high: number };
  /** What the key adds to a key-relative pitch token's pitch (spec.keyShift of the tonic). */
  tonicShift: number;
  pickupOnNoChord: boolean;
  bassRestsOnNoChord: boolean;
}

/**
 * Adds the rules' bonuses to `gumbel` ([total - kept][batch][VOCAB], the noise of the Gumbel-max draws) and bans (-1e9)
 * what a rule forbids.
 */
export function biasDraws(gumbel: Float32Array, r: DrawBiasContext): void {
  const { meter, kept, total, batch: B, bars, chordAt } = r;
  const spb = STEPS_PER_BAR[meter];
  // A bass begins the bar on the root of the chord sounding there (see BASS_DOWNBEAT_ROOT_BIAS) and, with
  // middleBeatRootBias, plays the root of the chord sounding on the bar's middle beat (the bar's chord, or the
  // second of two).
  if (r.voice === 'bass') {
    const middle = MIDDLE_BEAT_STEP[meter];
    for (const [offset, bias] of [
      [0, r.downbeatRootBias],
      [middle, r.middleBeatRootBias],
    ] as const) {
      if (!(bias > 0) || offset === undefined) continue;
      // From the first whole bar after the primer (kept is whole bars), so s >= kept.
      for (let s = Math.ceil(kept / spb) * spb + offset; s < total; s += spb) {
        for (let b = 0; b < B; b++) {
          const root = chordAt(b, s).root;
          if (root < 0) continue;
          // The middle beat's bonus only where the bar's chords were given split (see MelodyRnn.middleRootEveryBar).
          if (offset !== 0 && !r.middleRootEveryBar && bars[b][Math.floor(s / spb)].length < 2) continue;
          const o = ((s - kept) * B + b) * VOCAB;
          for (let t = 2; t < VOCAB; t++) if ((t - 2 + PITCH_LOW) % 12 === root) gumbel[o + t] += bias;
        }
      }
    }
  }
  // Where in the bar notes begin, calibrated on the training split (model.json's onsetBias; see MelodyRnn.onsetCalibration).
  const onset = r.onsetBias;
  if (onset?.length === spb) {
    for (let s = kept; s < total; s++) {
      const bias = onset[s % spb];
      if (!bias) continue;
      for (let b = 0; b < B; b++) {
        const o = ((s - kept) * B + b) * VOCAB;
        for (let t = 2; t < VOCAB; t++) gumbel[o + t] += bias;
      }
    }
  }
  // A melody's strong beats lean to the tones of the chord sounding there (see MelodyRnn.chordToneBias) in bars whose
  // chords are given split, and its downbeats in bars given one chord (MelodyRnn.chordToneBarBias: the chord given for a
  // bar is the one at its downbeat; by the middle beat real lines have often moved on, chorales change chord every beat).
  if (r.voice === 'melody' && [...r.chordToneBias, ...r.chordToneBarBias].some((x) => x > 0)) {
    for (const offset of [0, MIDDLE_BEAT_STEP[meter]]) {
      if (offset === undefined) continue;
      for (let s = Math.ceil(kept / spb) * spb + offset; s < total; s += spb) {
        for (let b = 0; b < B; b++) {
          const c = chordAt(b, s);
          const one = bars[b][Math.floor(s / spb)].length < 2;
          if (one && offset !== 0) continue;
          const [bonus, penalty] = one ? r.chordToneBarBias : r.chordToneBias;
          if (c.root < 0 || !(bonus > 0 || penalty > 0)) continue;
          const o = ((s - kept) * B + b) * VOCAB;
          for (let t = 2; t < VOCAB; t++) gumbel[o + t] += c.tones & (1 << ((((t - 2 + PITCH_LOW) % 12) + 12) % 12)) ? bonus : -penalty;
        }
      }
    }
  }
  // The register calibration: a pitch class's higher places in the register favoured by perOctave per octave.
  const tilt = r.registerTilt;
  if (tilt && tilt.perOctave !== 0) {
    const add = new Float32Array(VOCAB);
    for (let t = 2; t < VOCAB; t++) {
      const p = t - 2 + PITCH_LOW + r.tonicShift;
      if (p < tilt.low || p > tilt.high) continue;
      // The mean of the pitch class's places in the register: the tilt is centred on it, per pitch class.
      let sum = 0;
      let n = 0;
      for (let q = tilt.low + ((((p - tilt.low) % 12) + 12) % 12); q <= tilt.high; q += 12, n++) sum += q;
      add[t] = (tilt.perOctave * (p - sum / n)) / 12;
    }
    for (let o = 0; o < (total - kept) * B * VOCAB; o += VOCAB) for (let t = 2; t < VOCAB; t++) gumbel[o + t] += add[t];
  }
  // A melody whose given chords open on an N.C. bar plays that bar as a pickup (see MELODY_PICKUP_ON_NO_CHORD).
  if (r.voice === 'melody' && r.chordsGiven && kept === 0 && r.pickupOnNoChord) {
    for (let b = 0; b < B; b++) {
      if (!bars[b].some((bar) => bar.some((c) => c.root >= 0))) continue; // no chord anywhere: nothing to lead into
      for (let s = 0; s < PICKUP_STEP[meter]; s++) {
        if (chordAt(b, s).root >= 0) break;
        for (let t = 2; t < VOCAB; t++) gumbel[(s * B + b) * VOCAB + t] = -1e9;
      }
    }
  }
  // A bass rests where the given chords say N.C.: it plays the harmony's root and there is none (Nottingham's
  // basses, the accompaniment's lowest note, never play there; POP909's 0.43 notes a bar against 3.5). The network
  // cannot tell a genuine N.C. from the chord dropout it was trained with, so it played on (see BASS_RESTS_ON_NO_CHORD).
  if (r.voice === 'bass' && r.chordsGiven && r.bassRestsOnNoChord) {
    for (let s = kept; s < total; s++) {
      for (let b = 0; b < B; b++) {
        if (chordAt(b, s).root >= 0) continue;
        const first = s === kept || chordAt(b, s - 1).root >= 0;
        const o = ((s - kept) * B + b) * VOCAB;
        // The run's first step ends a sounding note (a note-off while resting already is a rest going on).
        for (let t = 0; t < VOCAB; t++) if (t >= 2 || (first && t === TOKEN_HOLD)) gumbel[o + t] = -1e9;
      }
    }
  }
}
