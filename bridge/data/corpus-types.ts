import type { DrumGenre } from '../../src/conditioning/genres';

export type Split = 'train' | 'validation';

/** One Groove MIDI performance on the 16th grid (4/4 only). */
export interface DrumTrack {
  id: string;
  drummer: string;
  style: string;
  genre: DrumGenre;
  bpm: number;
  beatType: 'beat' | 'fill';
  split: Split;
  steps: number;
  /** steps x 9 velocities, 0 = no hit. */
  vel: number[];
  /** steps x 9 micro-timing offsets in hundredths of a step (-50..50). */
  off: number[];
}

export interface DrumCorpus {
  kind: 'drums';
  version: 1;
  source: string;
  tracks: DrumTrack[];
  skipped: SkippedFile[];
}

export interface SkippedFile {
  file: string;
  reason: string;
}

/** A monophonic line (melody or bass) with labels. Times in 16th steps. */
export interface MelodyTrack {
  id: string;
  corpus: 'nottingham' | 'pop909' | 'jsb';
  /** melody, or bass for POP909 bridge/piano lowest line and JSB bass. */
  role: 'melody' | 'bass';
  style: string;
  split: Split;
  key: string;
  meter: { numerator: number; denominator: number };
  bpm: number;
  /** [pitch, startStep, durationSteps] */
  notes: Array<[number, number, number]>;
  /** [startStep, durationSteps, chord symbol] where the data has chords. */
  chords?: Array<[number, number, string]>;
  steps: number;
}

export interface MelodyCorpus {
  kind: 'melody';
  version: 1;
  source: string;
  tracks: MelodyTrack[];
  skipped: SkippedFile[];
}
