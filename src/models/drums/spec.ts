import { DRUM_GENRES } from '../../conditioning/genres';
import { NUM_DRUM_CLASSES } from '../../music/drum-map';

/**
 * The drum network's contract: what enters at every 16th step and what comes out.
 * The training script (models/training/train_drums.py) builds exactly this layout,
 * and model.json records it so a mismatch is caught at load.
 *
 * Input at step t (predicting the hits of step t):
 *   [0,9)    hits at step t-1 (0/1 per class)
 *   [9,18)   velocities at step t-1 (v/127)
 *   [18,27)  micro-timing at t-1 (offset in steps x 2, so -1..1)
 *   [27,43)  position of step t in the bar (one-hot of 16)
 *   43       density: running average of onsets per bar, normalised 0..1 over the corpus
 *   44       fill flag (1 inside a fill bar)
 *   [45,63)  genre one-hot (18; all zero = "any genre", used in training as genre dropout)
 *   63       loudness: running average of the bars' mean velocity, normalised 0..1 over the corpus
 *   [64,91)  lookback one bar: hits, velocities (v/127), offsets (x 2) at step t-16 (9 each)
 *   [91,118) lookback two bars: the same at step t-32
 *   118, 119 lookback flags: 1 when step t-16 (t-32) exists (primer or played), else 0
 * The lookback (Magenta's Lookback RNN) shows the network what it played at this place in the bar
 * one and two bars ago, so it can repeat a bar as drummers do and keep a hit's loudness.
 * The hidden state starts from a learned function of step 0's inputs from `position` to `loudness`
 * (the exported matrix has zero rows for the lookback).
 * Outputs: 512 logits over the step's hit pattern (bitmask of the 9 classes), and per class
 * a Gaussian over velocity/127 and over offset (mean, log-std), given the sampled pattern.
 */
export const DRUM_STEPS_PER_BAR = 16;
export const DRUM_PATTERNS = 1 << NUM_DRUM_CLASSES;
export const DRUM_INPUT = {
  prevHits: 0,
  prevVel: 9,
  prevOff: 18,
  position: 27,
  density: 43,
  fill: 44,
  genre: 45,
  loudness: 45 + DRUM_GENRES.length,
  lookback: 46 + DRUM_GENRES.length,
  lookbackFlags: 46 + DRUM_GENRES.length + 6 * NUM_DRUM_CLASSES,
  size: 48 + DRUM_GENRES.length + 6 * NUM_DRUM_CLASSES,
} as const;
/** Bars back that the lookback inputs show, in their order (Lookback RNN: one and two bars). */
export const DRUM_LOOKBACK_BARS = [1, 2] as const;
/** Lookback inputs per bar back: hits, velocities, offsets of the nine classes. */
export const DRUM_LOOKBACK_FEATURES = 3 * NUM_DRUM_CLASSES;
/** Bars in the density running average (the current bar and the one before). */
export const DENSITY_WINDOW_BARS = 2;
/** Percentiles of the corpus' per-bar density that user density 0 and 1 map to. */
export const DENSITY_PERCENTILES = [0.01, 0.99] as const;
/** Percentiles of the corpus' per-bar mean velocity that loudness 0 and 1 map to. */
export const LOUDNESS_PERCENTILES = [0.01, 0.99] as const;
