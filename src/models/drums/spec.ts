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
 * The hidden state starts from a learned function of step 0's inputs from `position` on.
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
  size: 46 + DRUM_GENRES.length,
} as const;
/** Bars in the density running average (the current bar and the one before). */
export const DENSITY_WINDOW_BARS = 2;
/** Percentiles of the corpus' per-bar density that user density 0 and 1 map to. */
export const DENSITY_PERCENTILES = [0.01, 0.99] as const;
/** Percentiles of the corpus' per-bar mean velocity that loudness 0 and 1 map to. */
export const LOUDNESS_PERCENTILES = [0.01, 0.99] as const;
