import type * as tf from '@tensorflow/tfjs-core';
import { MODES } from '../../music/chords';
import { TandemError } from '../../errors';
import { decodeWeights, type DecodedWeight } from '../weights-manifest';
import { MELODY_INPUT, METERS, STYLES, VOCAB, VOICES } from './spec';
import type { ChordToneBonus } from './sampling-rules';

/** A 4-bar progression the data plays often: chord roots and tones (12-bit masks), key-relative, one per bar. */
export interface Progression {
  roots: number[];
  tones: number[];
  count: number;
}

/** model.json of the melody/bass network (TF.js weights-manifest format plus our spec). */
export interface MelodyModelJson {
  format: 'tandem-melody-gru';
  version: 1;
  spec: {
    inputSize: number;
    hidden: number;
    vocab: number;
    pitchLow: number;
    pitchHigh: number;
    meters: string[];
    styles: string[];
    voices: string[];
    modes: string[];
    densityWindowBars: number;
    /** `voice/style` (or `voice/any`) -> notes per bar at density 0 and 1. */
    densityRanges: Record<string, { low: number; high: number }>;
    /** `voice/style` -> lowest and highest key-relative pitch played (0.2nd-99.8th percentile of the training split). */
    voiceRanges: Record<string, [number, number]>;
    /**
     * `voice/style` (or `voice/any`) -> lowest and highest ABSOLUTE MIDI pitch of the training split's lines
     * (0.2nd-99.8th percentile): the register a voice sits in whatever the key (Nottingham's basses, the lowest
     * note of the accompaniment's chords, stay in MIDI 36-47 in every key). Absent in models exported before it.
     */
    registerRanges?: Record<string, [number, number]>;
    /** `style/mode` -> the most common 4-bar progressions of the training split. */
    progressions: Record<string, Progression[]>;
    /**
     * `voice/style` (or `voice/any`) -> the intervals in semitones (from one note begun to the next) that at least 1 in
     * 2,000 of the training split's intervals are; others are never drawn (MelodyRnn.intervalPrior). Absent in models
     * exported before it.
     */
    intervals?: Record<string, number[]>;
    /**
     * `voice/style` -> per step of the bar, what is added to the log-odds of beginning a note there at sampling (the
     * logit of the training lines' onset rate at that step minus the generated lines'), fitted on the training split by
     * models/training/calibrate-melody.ts. Absent in models exported before it.
     */
    onsetBias?: Record<string, number[]>;
    /**
     * `melody/style` -> the strong-beat chord-tone bonus of that style's melodies where a bar's chords are given split
     * (MelodyRnn.chordToneBias), fitted on the training split by models/training/calibrate-melody.ts.
     */
    chordToneBias?: Record<string, ChordToneBonus>;
    /**
     * `melody/style` -> the same bonus in bars given one chord (MelodyRnn.chordToneBarBias), fitted on the training split
     * given one chord per bar. Absent in models calibrated before it.
     */
    chordToneBarBias?: Record<string, ChordToneBonus>;
    /**
     * `voice/style` -> log-odds per octave by which a pitch class's higher places in the register are favoured
     * (MelodyRnn.registerCalibration), fitted on the training split so that the lines' mean pitch is the training
     * lines'. Absent in models calibrated before it.
     */
    registerTilt?: Record<string, number>;
  };
  training?: Record<string, unknown>;
  weightsManifest: tf.io.WeightsManifestConfig;
}

export interface MelodyNetArtifacts {
  modelJson: MelodyModelJson;
  weights: ArrayBuffer;
}

/** The network's weights as float32 arrays, decoded in JS from the manifest after checking the model fits the code. */
export class MelodyWeights {
  readonly spec: MelodyModelJson['spec'];
  private readonly arrays: Map<string, DecodedWeight>;

  constructor(art: MelodyNetArtifacts) {
    const { modelJson } = art;
    if (modelJson.format !== 'tandem-melody-gru') throw new TandemError(`not a Tandem melody model (format ${String(modelJson.format)})`);
    const s = modelJson.spec;
    const lists = s && [s.meters, s.styles, s.voices, s.modes].every(Array.isArray);
    if (!s || !lists || typeof s.hidden !== 'number' || !s.voiceRanges || !s.densityRanges || !s.progressions || !Array.isArray(modelJson.weightsManifest)) {
      throw new TandemError('melody model.json lacks its spec (sizes, styles, ranges, progressions) or weights manifest: export it again with train_melody.py');
    }
    const same = (a: readonly string[], b: readonly string[]) => a.join() === b.join();
    if (
      s.inputSize !== MELODY_INPUT.size ||
      s.vocab !== VOCAB ||
      !same(s.meters, METERS) ||
      !same(s.styles, STYLES) ||
      !same(s.voices, VOICES) ||
      !same(s.modes, MODES)
    ) {
      throw new TandemError(
        `melody model spec mismatch: model has input ${s.inputSize}, vocabulary ${s.vocab}, styles ${s.styles.join(' ')}; code expects ${MELODY_INPUT.size}, ${VOCAB}, ${STYLES.join(' ')}`,
      );
    }
    this.spec = s;
    this.arrays = decodeWeights(modelJson.weightsManifest, art.weights, 'melody model');
  }

  get(name: string): Float32Array {
    const w = this.arrays.get(name);
    if (!w) throw new TandemError(`melody model weights lack ${name}`);
    return w.values;
  }
}
