import * as tf from '@tensorflow/tfjs-core';
import { NUM_DRUM_CLASSES } from '../../music/drum-map';
import { emptyGrid, type DrumGrid } from '../../tokens/drum-grid';
import type { Rows } from '../kernels';
import type { DrumRequest } from '../request';
import { DRUM_STEPS_PER_BAR } from './spec';

const C = NUM_DRUM_CLASSES;

/**
 * Played features of a step as the rollout keeps them on the backend, fed back: hits twice (one
 * copy per half of [velocity | offset], which it masks), velocity (1-127), offset (steps).
 */
export const STEP_FEATURES = 4 * C;

/** Pattern index of primer step s (its hit bits), the same for every variation: [1 x batch], int32. */
export function primerPattern(primer: DrumGrid, s: number, batch: number): tf.Tensor2D {
  let p = 0;
  for (let c = 0; c < C; c++) if (primer.velocity[s * C + c]) p |= 1 << c;
  return tf.tensor2d(new Int32Array(batch).fill(p), [1, batch], 'int32');
}

/** Played features of primer step s, the same for every variation: [1 x batch x STEP_FEATURES]. */
export function primerFeatures(primer: DrumGrid, s: number, batch: number): Rows {
  const rows = new Float32Array(batch * STEP_FEATURES);
  for (let c = 0; c < C; c++) {
    const v = primer.velocity[s * C + c];
    if (!v) continue;
    for (let b = 0; b < batch; b++) {
      const o = b * STEP_FEATURES;
      rows[o + c] = 1;
      rows[o + C + c] = 1;
      rows[o + 2 * C + c] = v;
      rows[o + 3 * C + c] = primer.offset[s * C + c];
    }
  }
  return tf.tensor3d(rows, [1, batch, STEP_FEATURES]);
}

/** Grids from `run`'s features read back: the primer's steps as they are, then what was sampled. */
export function featureGrids(req: DrumRequest, kept: number, features: Float32Array): DrumGrid[] {
  const B = req.count;
  const total = req.bars * DRUM_STEPS_PER_BAR;
  return Array.from({ length: B }, (_, b) => {
    const g = emptyGrid(total);
    if (kept) {
      g.velocity.set(req.primer!.velocity.subarray(0, kept * C));
      g.offset.set(req.primer!.offset.subarray(0, kept * C));
    }
    for (let s = kept; s < total; s++) {
      const o = ((s - kept) * B + b) * STEP_FEATURES;
      for (let c = 0; c < C; c++) {
        const v = features[o + 2 * C + c];
        if (!v) continue;
        g.velocity[s * C + c] = v;
        g.offset[s * C + c] = features[o + 3 * C + c];
      }
    }
    return g;
  });
}
