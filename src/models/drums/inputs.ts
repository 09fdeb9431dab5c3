import { DRUM_GENRES } from '../../conditioning/genres';
import { NUM_DRUM_CLASSES } from '../../music/drum-map';
import type { DrumGrid } from '../../tokens/drum-grid';
import { isFillBar, type DrumRequest } from '../request';
import { DRUM_INPUT, DRUM_LOOKBACK_BARS, DRUM_LOOKBACK_FEATURES, DRUM_STEPS_PER_BAR } from './spec';

const C = NUM_DRUM_CLASSES;

/**
 * Per-bar conditioning of one groove, in the network's normalised units (0..1): the density and
 * loudness inputs of each bar. Generation draws it from the model's contour priors (contour.ts);
 * evaluation takes a real track's.
 */
export interface BarConditioning {
  density: readonly number[];
  loudness: readonly number[];
}

/** Loudness input when a groove has no contour (models from before the loudness input ignore it). */
export const NEUTRAL_LOUDNESS = 0.5;

/**
 * Writes the inputs of a step that do not depend on what was played (position in the bar,
 * density, fill flag, genre, loudness, whether the lookback bars exist) at their places in the input row starting at x[o].
 * With `bars`, density and loudness are that groove's values for the step's bar; without, the
 * request's density and a neutral loudness.
 */
export function fillGivenInputs(x: Float32Array, o: number, step: number, req: DrumRequest, bars?: BarConditioning): void {
  const bar = Math.floor(step / DRUM_STEPS_PER_BAR);
  x[o + DRUM_INPUT.position + (step % DRUM_STEPS_PER_BAR)] = 1;
  x[o + DRUM_INPUT.density] = bars ? (bars.density[bar] ?? bars.density.at(-1)!) : req.density;
  x[o + DRUM_INPUT.fill] = isFillBar(bar, req.fillEvery) ? 1 : 0;
  if (req.genre) x[o + DRUM_INPUT.genre + DRUM_GENRES.indexOf(req.genre)] = 1;
  x[o + DRUM_INPUT.loudness] = bars ? (bars.loudness[bar] ?? bars.loudness.at(-1)!) : NEUTRAL_LOUDNESS;
  DRUM_LOOKBACK_BARS.forEach((back, k) => {
    x[o + DRUM_INPUT.lookbackFlags + k] = step >= back * DRUM_STEPS_PER_BAR ? 1 : 0;
  });
}

/**
 * Writes the model input row for one variation at one step, from what the grid holds at the step
 * before and at the same step one and two bars before (the lookback).
 */
export function fillInputRow(x: Float32Array, row: number, grid: DrumGrid, step: number, req: DrumRequest, bars?: BarConditioning): void {
  const o = row * DRUM_INPUT.size;
  x.fill(0, o, o + DRUM_INPUT.size);
  if (step > 0) {
    for (let c = 0; c < C; c++) {
      const v = grid.velocity[(step - 1) * C + c];
      if (!v) continue;
      x[o + DRUM_INPUT.prevHits + c] = 1;
      x[o + DRUM_INPUT.prevVel + c] = v / 127;
      x[o + DRUM_INPUT.prevOff + c] = grid.offset[(step - 1) * C + c] * 2;
    }
  }
  DRUM_LOOKBACK_BARS.forEach((back, k) => {
    const from = step - back * DRUM_STEPS_PER_BAR;
    if (from < 0) return;
    const lo = o + DRUM_INPUT.lookback + k * DRUM_LOOKBACK_FEATURES;
    for (let c = 0; c < C; c++) {
      const v = grid.velocity[from * C + c];
      if (!v) continue;
      x[lo + c] = 1;
      x[lo + C + c] = v / 127;
      x[lo + 2 * C + c] = grid.offset[from * C + c] * 2;
    }
  });
  fillGivenInputs(x, o, step, req, bars);
}
