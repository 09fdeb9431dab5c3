import { InvalidValueError } from '../../errors';
import { chordAtStepOfBar, checkProgressionMeter, parseKey, type Key } from '../../music/chords';
import { makeRng } from '../../random';
import { decodeTokens, encodeLine, fillStepInput, toneMask } from './encode';
import { chordSymbol, drawProgression, progressionTable, type ChordBar } from './progression';
import { FEEDBACK, GIVEN, MelodyRollout, type RolloutPlan } from './rollout';
import { STYLE_KEYS, type MelodyRequest } from './request';
import {
  keyShift,
  MELODY_INPUT,
  PITCH_LOW,
  PITCHES,
  STEPS_PER_BAR,
  STYLE_METER,
  STYLE_NO_REPEATS,
  TOKEN_HOLD,
  TOKEN_OFF,
  VOCAB,
  type MelodyMeter,
  type MelodyStyle,
  type Voice,
} from './spec';
import { MelodyWeights, type MelodyNetArtifacts } from './weights';

/** One generated line: notes on the 16th grid in absolute pitch, with the key, meter and chords it was made over. */
export interface MelodyLine {
  voice: Voice;
  style?: MelodyStyle;
  key: Key;
  meter: MelodyMeter;
  stepsPerBar: number;
  steps: number;
  /** [MIDI pitch, start step, duration steps], sorted, monophonic. */
  notes: Array<[number, number, number]>;
  /** The chords of every bar (symbols; 1 to 4 splitting the bar evenly), as given or as drawn. */
  chords: string[][];
  /** Whether the chords were drawn from the style's progressions rather than given. */
  chordsDrawn: boolean;
}

type Bar = ChordBar;

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

/** Beats of a bar (6/8: two dotted quarters): a bar's chords split it by beats (see chordsPerBarAllowed). */
const BEATS_PER_BAR: Record<MelodyMeter, number> = { '4/4': 4, '3/4': 3, '6/8': 2 };

/** The step of a bar's middle beat (3/4 has none). */
const MIDDLE_BEAT_STEP: Record<MelodyMeter, number | undefined> = { '4/4': 8, '6/8': 6, '3/4': undefined };

/**
 * The trained melody/bass network: all variations of a request in one batch, the whole
 * generation on the TF.js backend (MelodyRollout) with one read-back at the end, each variation's
 * randomness from its own seeded generator (`seed:index`).
 */
export class MelodyRnn {
  readonly id = 'melody-gru';
  readonly spec: MelodyWeights['spec'];
  /** Added to the scores of the chord root's pitches on a bass line's downbeats (0 = as learned); see BASS_DOWNBEAT_ROOT_BIAS. */
  downbeatRootBias = BASS_DOWNBEAT_ROOT_BIAS;
  /** Added to the chord root's scores on a bass line's middle beat (4/4 beat 3, 6/8's second dotted beat); see BASS_MIDDLE_BEAT_ROOT_BIAS. */
  middleBeatRootBias = BASS_MIDDLE_BEAT_ROOT_BIAS;
  /** Whether lines are kept in the voice's absolute register (model.json's registerRanges); off only to measure it. */
  foldRegister = true;
  /** Min-p truncation of every draw per voice (0 = off; see MIN_P and RolloutPlan.minP). */
  minP: Record<Voice, number> = { ...MIN_P };
  /** Per voice: how far the density asked for moves every note's log-odds (0 = as learned); see DENSITY_GAIN. */
  densityGain: Record<Voice, number> = { ...DENSITY_GAIN };
  /**
   * Added to the scores of the chord's tones on a melody's strong beats in bars whose chords are given split (0 = as
   * learned); undefined = model.json's per-style `chordToneBias` (fitted on the training split), else none.
   */
  chordToneBias: number | undefined = undefined;
  /**
   * Whether the middle-beat root bonus applies in every bar (session 6) rather than only in bars whose chords were
   * given split (`| C G |`, or `| C C |`: the harmony spelled out on the middle beat). See BASS_MIDDLE_BEAT_ROOT_BIAS.
   */
  middleRootEveryBar = false;
  /**
   * Whether model.json's `onsetBias` (per voice, style and step of the bar: added to every note's log-odds there, fitted
   * on the training split by models/training/calibrate-melody.ts) is used.
   */
  onsetCalibration = true;
  /** Whether a line keeps to the intervals its voice plays in the style's training lines; see MelodyRnn.intervalMask. */
  intervalPrior = true;
  /** Whether a melody plays an opening N.C. bar as a pickup; off only to measure it. See MELODY_PICKUP_ON_NO_CHORD. */
  pickupOnNoChord = MELODY_PICKUP_ON_NO_CHORD;
  /** Whether a bass line rests on the bars (or beats) the given chords mark N.C.; off only to measure it. See BASS_RESTS_ON_NO_CHORD. */
  bassRestsOnNoChord = BASS_RESTS_ON_NO_CHORD;
  /** Added to the log-odds of a rest beginning (the note-off token) at every step (0 = as learned). */
  restBias = 0;

  constructor(
    readonly rollout: MelodyRollout,
    weights: MelodyWeights,
  ) {
    this.spec = weights.spec;
  }

  static load(art: MelodyNetArtifacts): MelodyRnn {
    const w = new MelodyWeights(art);
    return new MelodyRnn(new MelodyRollout(w), w);
  }

  /** The key-relative pitch range a voice plays in a style. */
  voiceRange(voice: Voice, style?: MelodyStyle): [number, number] {
    return this.spec.voiceRanges[`${voice}/${style ?? 'any'}`] ?? this.spec.voiceRanges[`${voice}/any`];
  }

  /** The absolute register (MIDI pitches) a voice sits in in a style, if the model knows it. */
  register(voice: Voice, style?: MelodyStyle): [number, number] | undefined {
    const r = this.spec.registerRanges;
    return r?.[`${voice}/${style ?? 'any'}`] ?? r?.[`${voice}/any`];
  }

  /**
   * [VOCAB x VOCAB]: where each token's probability goes so that the line stays in the voice's absolute register
   * in the asked key (tokens are key-relative: a model trained on lines moved to C cannot know where a key's
   * register ends). Hold, note off and in-register pitches keep theirs; others move by octaves to the nearest
   * in-register pitch of the same pitch class. Undefined when the model has no registers or `foldRegister` is off.
   */
  registerFold(voice: Voice, style: MelodyStyle | undefined, tonic: number): Float32Array | undefined {
    const reg = this.foldRegister ? this.register(voice, style) : undefined;
    if (!reg) return undefined;
    const shift = keyShift(tonic);
    let [lo, hi] = [reg[0] - shift, reg[1] - shift];
    if (hi - lo < 11) hi = lo + 11; // room for every pitch class
    const fold = new Float32Array(VOCAB * VOCAB);
    for (let t = 0; t < VOCAB; t++) {
      let to = t;
      if (t >= 2) {
        let p = t - 2 + PITCH_LOW;
        while (p < lo) p += 12;
        while (p > hi) p -= 12;
        to = Math.max(2, Math.min(VOCAB - 1, p - PITCH_LOW + 2));
      }
      fold[t * VOCAB + to] = 1;
    }
    return fold;
  }

  /**
   * [PITCHES x VOCAB]: -1e9 on every token that would begin a note at an interval from the last pitch begun that the
   * voice's training lines in that style do not play (model.json's `intervals`; with `noRepeat`, the unison too).
   * Undefined when the model has no intervals or `intervalPrior` is off.
   */
  intervalMask(voice: Voice, style: MelodyStyle | undefined, noRepeat: boolean): Float32Array | undefined {
    const table = this.spec.intervals;
    const allowed = this.intervalPrior ? (table?.[`${voice}/${style ?? 'any'}`] ?? table?.[`${voice}/any`]) : undefined;
    if (!allowed) return undefined;
    const ok = new Set(allowed);
    if (noRepeat) ok.delete(0);
    const mask = new Float32Array(PITCHES * VOCAB);
    for (let p = 0; p < PITCHES; p++) for (let t = 2; t < VOCAB; t++) if (!ok.has(t - 2 - p)) mask[p * VOCAB + t] = -1e9;
    return mask;
  }

  /** Everything a generation needs besides the network, built in JS from the request and the seed. */
  plan(req: MelodyRequest): { plan: RolloutPlan; key: Key; meter: MelodyMeter; bars: Bar[][][]; drawn: boolean; primerTokens: number[] } {
    const meter = req.style ? STYLE_METER[req.style] : '4/4';
    const spb = STEPS_PER_BAR[meter];
    const key = req.key ?? parseKey(req.style ? STYLE_KEYS[req.style] : 'C major');
    const B = req.count;
    const total = req.bars * spb;
    let primerTokens: number[] = [];
    if (req.primer) {
      const bars = Math.floor(req.primer.steps / spb);
      if (bars < 1) throw new InvalidValueError('primer', `${req.primer.steps} steps`, `at least one whole bar of ${meter}`);
      if (bars >= req.bars) throw new InvalidValueError('primer', `${bars} bars`, `shorter than the requested length (${req.bars} bars): raise --bars`);
      primerTokens = encodeLine({
        notes: req.primer.notes.filter(([, s]) => s < bars * spb),
        steps: bars * spb,
        key,
        meter,
        voice: req.voice,
        style: req.style,
      }).tokens.slice(0, bars * spb);
    }
    const kept = primerTokens.length;
    // Chords of every bar and variation (1 to 4 per bar, splitting it evenly): as given, else drawn from the
    // style's progressions (A A B A, one per bar). chordAt gives the chord sounding at a step.
    const drawn = !req.chords;
    if (req.chords) checkProgressionMeter(req.chords, BEATS_PER_BAR[meter], meter);
    const bars: Bar[][][] = [];
    for (let b = 0; b < B; b++) {
      if (req.chords) {
        bars.push(
          Array.from({ length: req.bars }, (_, i) =>
            req.chords![i % req.chords!.length].map((c) => ({
              root: c.root < 0 ? -1 : (c.root - key.tonic + 12) % 12,
              tones: c.root < 0 ? 0 : toneMask(c, key.tonic),
            })),
          ),
        );
      } else bars.push(this.drawProgression(req, key, b).map((bar) => [bar]));
    }
    const chordAt = (b: number, s: number): Bar => chordAtStepOfBar(bars[b][Math.floor(s / spb)], s % spb, spb);
    const given = new Float32Array(total * B * GIVEN);
    const row = new Float32Array(MELODY_INPUT.size);
    for (let s = 0; s < total; s++) {
      for (let b = 0; b < B; b++) {
        const bar = chordAt(b, s);
        fillStepInput(row, TOKEN_HOLD, -1, {
          position: s % spb,
          meter,
          chordRoot: bar.root,
          chordTones: bar.tones,
          mode: key.mode,
          style: req.style,
          voice: req.voice,
          density: req.density,
        });
        given.set(row.subarray(FEEDBACK), (s * B + b) * GIVEN);
      }
    }
    const primerFeedback = new Float32Array((kept + 1) * B * FEEDBACK);
    let last = -1;
    for (let s = 0; s <= kept; s++) {
      const prev = s > 0 ? primerTokens[s - 1] : TOKEN_HOLD;
      if (prev >= 2) last = prev - 2;
      for (let b = 0; b < B; b++) {
        const o = (s * B + b) * FEEDBACK;
        primerFeedback[o + MELODY_INPUT.prevToken + prev] = 1;
        if (last >= 0) primerFeedback[o + MELODY_INPUT.lastPitch + last] = 1;
      }
    }
    const sampledSteps = total - kept;
    // Each variation's noise from its own generator (seed:index): a variation is the same alone or in a batch.
    const gumbel = new Float32Array(sampledSteps * B * VOCAB);
    for (let b = 0; b < B; b++) {
      const rng = makeRng(`${req.seed}:${b}`);
      for (let t = 0; t < sampledSteps; t++) {
        const o = (t * B + b) * VOCAB;
        for (let i = 0; i < VOCAB; i++) gumbel[o + i] = -Math.log(-Math.log(Math.min(Math.max(rng(), 1e-300), 1 - 2 ** -53)));
      }
    }
    // A bass begins the bar on the root of the chord sounding there (see BASS_DOWNBEAT_ROOT_BIAS) and, with
    // middleBeatRootBias, plays the root of the chord sounding on the bar's middle beat (the bar's chord, or the
    // second of two).
    if (req.voice === 'bass') {
      const middle = MIDDLE_BEAT_STEP[meter];
      for (const [offset, bias] of [
        [0, this.downbeatRootBias],
        [middle, this.middleBeatRootBias],
      ] as const) {
        if (!(bias > 0) || offset === undefined) continue;
        // From the first whole bar after the primer (kept is whole bars), so s >= kept.
        for (let s = Math.ceil(kept / spb) * spb + offset; s < total; s += spb) {
          for (let b = 0; b < B; b++) {
            const root = chordAt(b, s).root;
            if (root < 0) continue;
            // The middle beat's bonus only where the bar's chords were given split (see middleRootEveryBar).
            if (offset !== 0 && !this.middleRootEveryBar && bars[b][Math.floor(s / spb)].length < 2) continue;
            const o = ((s - kept) * B + b) * VOCAB;
            for (let t = 2; t < VOCAB; t++) if ((t - 2 + PITCH_LOW) % 12 === root) gumbel[o + t] += bias;
          }
        }
      }
    }
    // Where in the bar notes begin, calibrated on the training split (model.json's onsetBias; see onsetCalibration).
    const onset = this.onsetCalibration ? this.spec.onsetBias?.[`${req.voice}/${req.style ?? 'any'}`] : undefined;
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
    // A melody's strong beats lean to the tones of the chord sounding there (see chordToneBias).
    const toneBias = this.chordToneBias ?? this.spec.chordToneBias?.[`melody/${req.style ?? 'any'}`] ?? 0;
    if (req.voice === 'melody' && toneBias > 0) {
      for (const offset of [0, MIDDLE_BEAT_STEP[meter]]) {
        if (offset === undefined) continue;
        for (let s = Math.ceil(kept / spb) * spb + offset; s < total; s += spb) {
          for (let b = 0; b < B; b++) {
            const c = chordAt(b, s);
            // Only in bars whose chords were given split (see chordToneBias).
            if (c.root < 0 || bars[b][Math.floor(s / spb)].length < 2) continue;
            const o = ((s - kept) * B + b) * VOCAB;
            for (let t = 2; t < VOCAB; t++) if (c.tones & (1 << ((((t - 2 + PITCH_LOW) % 12) + 12) % 12))) gumbel[o + t] += toneBias;
          }
        }
      }
    }
    // A melody whose given chords open on an N.C. bar plays that bar as a pickup (see MELODY_PICKUP_ON_NO_CHORD).
    if (req.voice === 'melody' && req.chords && kept === 0 && this.pickupOnNoChord) {
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
    if (req.voice === 'bass' && req.chords && this.bassRestsOnNoChord) {
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
    const noRepeat = req.style !== undefined && STYLE_NO_REPEATS.has(req.style);
    const [lo, hi] = this.voiceRange(req.voice, req.style);
    const tokenMask = new Float32Array(VOCAB);
    for (let t = 2; t < VOCAB; t++) {
      const p = t - 2 + PITCH_LOW;
      if (p < lo || p > hi) tokenMask[t] = -1e9;
    }
    tokenMask[TOKEN_OFF] += this.restBias;
    // The density asked for, stretched: every note's log-odds moved by densityGain x (density - 0.5) (see DENSITY_GAIN).
    const stretch = this.densityGain[req.voice] * (req.density - 0.5);
    if (stretch !== 0) for (let t = 2; t < VOCAB; t++) tokenMask[t] += stretch;
    return {
      plan: {
        batch: B,
        total,
        kept,
        temperature: req.temperature,
        given,
        primerFeedback,
        gumbel,
        tokenMask,
        fold: this.registerFold(req.voice, req.style, key.tonic),
        noRepeat,
        intervalMask: this.intervalMask(req.voice, req.style, noRepeat),
        minP: this.minP[req.voice],
      },
      key,
      meter,
      bars,
      drawn,
      primerTokens,
    };
  }

  /** Chords of every bar for one variation, drawn (seeded) from the style's common 4-bar progressions in an A A B A form. */
  private drawProgression(req: MelodyRequest, key: Key, variation: number): Bar[] {
    return drawProgression(progressionTable(this.spec.progressions, req.style, key), req.bars, `${req.seed}:${variation}:chords`);
  }

  private lines(req: MelodyRequest, planned: ReturnType<MelodyRnn['plan']>, tokens: Int32Array): MelodyLine[] {
    const { plan, key, meter, bars, drawn, primerTokens } = planned;
    const B = plan.batch;
    return Array.from({ length: B }, (_, b) => {
      const all = [...primerTokens];
      for (let t = 0; t < plan.total - plan.kept; t++) all.push(tokens[t * B + b]);
      return {
        voice: req.voice,
        style: req.style,
        key,
        meter,
        stepsPerBar: STEPS_PER_BAR[meter],
        steps: plan.total,
        notes: decodeTokens(all, key.tonic),
        chords: bars[b].map((bar) => bar.map((c) => chordSymbol(c, key.tonic))),
        chordsDrawn: drawn,
      };
    });
  }

  /** Generates with an asynchronous read-back (the only correct one on WebGPU). */
  async generate(req: MelodyRequest): Promise<MelodyLine[]> {
    const planned = this.plan(req);
    const t = this.rollout.run(planned.plan);
    try {
      return this.lines(req, planned, (await t.data()) as Int32Array);
    } finally {
      t.dispose();
    }
  }

  /** Generates with a synchronous read-back (wasm, cpu, webgl). */
  generateSync(req: MelodyRequest): MelodyLine[] {
    const planned = this.plan(req);
    const t = this.rollout.run(planned.plan);
    try {
      return this.lines(req, planned, t.dataSync() as Int32Array);
    } finally {
      t.dispose();
    }
  }

  dispose(): void {
    this.rollout.dispose();
  }
}
