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
import {
  BASS_DOWNBEAT_ROOT_BIAS,
  BASS_MIDDLE_BEAT_ROOT_BIAS,
  BASS_RESTS_ON_NO_CHORD,
  biasDraws,
  DENSITY_GAIN,
  MELODY_PICKUP_ON_NO_CHORD,
  MIN_P,
  DENSITY_STRETCH,
  toneBonus,
} from './sampling-rules';

export { BASS_DOWNBEAT_ROOT_BIAS, BASS_MIDDLE_BEAT_ROOT_BIAS, BASS_RESTS_ON_NO_CHORD, DENSITY_GAIN, MELODY_PICKUP_ON_NO_CHORD, MIN_P, DENSITY_STRETCH };

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

/** Beats of a bar (6/8: two dotted quarters): a bar's chords split it by beats (see chordsPerBarAllowed). */
const BEATS_PER_BAR: Record<MelodyMeter, number> = { '4/4': 4, '3/4': 3, '6/8': 2 };

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
  /** Per `voice/style`: the density stretch beyond the data's (0 gain = none); see DENSITY_STRETCH. */
  densityStretch: Record<string, { gain: number; from: number; to: number }> = { ...DENSITY_STRETCH };
  /**
   * Added to the scores of the chord's tones on a melody's strong beats in bars whose chords are given split (0 = as
   * learned; a number: the tones' bonus alone); undefined = model.json's per-style `chordToneBias` (fitted on the training
   * split: a bonus and a penalty on the other pitches, see chordToneSplit), else none.
   */
  chordToneBias: number | undefined = undefined;
  /**
   * The same bonus in bars given one chord (0 = as learned); undefined = model.json's per-style `chordToneBarBias`
   * (fitted on the training split given one chord per bar), else none.
   */
  chordToneBarBias: number | undefined = undefined;
  /** Whether model.json's `registerTilt` (the register calibration, see DrawBiasContext.registerTilt) is used. */
  registerCalibration = true;
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
    const tilt = this.registerCalibration ? this.spec.registerTilt?.[`${req.voice}/${req.style ?? 'any'}`] : undefined;
    const reg = this.foldRegister ? this.register(req.voice, req.style) : undefined;
    biasDraws(gumbel, {
      voice: req.voice,
      meter,
      kept,
      total,
      batch: B,
      bars,
      chordAt,
      chordsGiven: req.chords !== undefined,
      downbeatRootBias: this.downbeatRootBias,
      middleBeatRootBias: this.middleBeatRootBias,
      middleRootEveryBar: this.middleRootEveryBar,
      onsetBias: this.onsetCalibration ? this.spec.onsetBias?.[`${req.voice}/${req.style ?? 'any'}`] : undefined,
      chordToneBias: toneBonus(this.chordToneBias ?? this.spec.chordToneBias?.[`melody/${req.style ?? 'any'}`]),
      chordToneBarBias: toneBonus(this.chordToneBarBias ?? this.spec.chordToneBarBias?.[`melody/${req.style ?? 'any'}`]),
      registerTilt: tilt && reg ? { perOctave: tilt, low: reg[0], high: Math.max(reg[1], reg[0] + 11) } : undefined,
      tonicShift: keyShift(key.tonic),
      pickupOnNoChord: this.pickupOnNoChord,
      bassRestsOnNoChord: this.bassRestsOnNoChord,
    });
    const noRepeat = req.style !== undefined && STYLE_NO_REPEATS.has(req.style);
    const [lo, hi] = this.voiceRange(req.voice, req.style);
    const tokenMask = new Float32Array(VOCAB);
    for (let t = 2; t < VOCAB; t++) {
      const p = t - 2 + PITCH_LOW;
      if (p < lo || p > hi) tokenMask[t] = -1e9;
    }
    tokenMask[TOKEN_OFF] += this.restBias;
    // The density asked for, stretched: every note's log-odds moved by densityGain x (density - 0.5) (see DENSITY_GAIN),
    // and beyond the style's usual densities by its stretch (see DENSITY_STRETCH).
    const edge = this.densityStretch[`${req.voice}/${req.style ?? 'any'}`];
    const beyond = edge ? req.density - Math.min(edge.to, Math.max(edge.from, req.density)) : 0;
    const stretch = this.densityGain[req.voice] * (req.density - 0.5) + (edge ? edge.gain * beyond : 0);
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
