import { DRUM_GENRES } from '../../conditioning/genres';
import { NUM_DRUM_CLASSES } from '../../music/drum-map';
import type { DrumGrid } from '../../tokens/drum-grid';
import { isFillBar, type DrumRequest } from '../request';
import { DRUM_INPUT, DRUM_STEPS_PER_BAR } from './spec';

const C = NUM_DRUM_CLASSES;

/**
 * Writes the inputs of a step that do not depend on what was played (position in the bar,
 * density, fill flag, genre) at their places in the input row starting at x[o].
 */
export function fillGivenInputs(x: Float32Array, o: number, step: number, req: DrumRequest): void {
  x[o + DRUM_INPUT.position + (step % DRUM_STEPS_PER_BAR)] = 1;
  x[o + DRUM_INPUT.density] = req.density;
  x[o + DRUM_INPUT.fill] = isFillBar(Math.floor(step / DRUM_STEPS_PER_BAR), req.fillEvery) ? 1 : 0;
  if (req.genre) x[o + DRUM_INPUT.genre + DRUM_GENRES.indexOf(req.genre)] = 1;
}

/** Writes the model input row for one variation at one step, from what the grid holds at the step before. */
export function fillInputRow(x: Float32Array, row: number, grid: DrumGrid, step: number, req: DrumRequest): void {
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
  fillGivenInputs(x, o, step, req);
}
