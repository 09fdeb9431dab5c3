import type * as tf from '@tensorflow/tfjs-core';
import { TandemError } from '../errors';

/** One decoded weight: its shape and its values, row-major. */
export interface DecodedWeight {
  shape: number[];
  values: Float32Array;
}

/**
 * Decodes the weights a TF.js weights manifest describes from the joined bytes of its files, in JS
 * (plain float32 only, what the trainers write). `what` names the model in errors ("drum model").
 * Each array is an aligned copy wherever the weight sits in the file.
 */
export function decodeWeights(manifest: tf.io.WeightsManifestConfig, bytes: ArrayBuffer, what: string): Map<string, DecodedWeight> {
  const out = new Map<string, DecodedWeight>();
  let at = 0;
  for (const w of manifest.flatMap((g) => g.weights)) {
    if (w.dtype !== 'float32' || w.quantization)
      throw new TandemError(`${what} weight ${w.name} is ${w.quantization ? 'quantised' : w.dtype}; only plain float32 is supported`);
    const size = w.shape.reduce((a, b) => a * b, 1);
    if (at + size * 4 > bytes.byteLength) throw new TandemError(`${what} weights file is too short for ${w.name} (${bytes.byteLength} bytes)`);
    out.set(w.name, { shape: w.shape, values: new Float32Array(bytes.slice(at, at + size * 4)) });
    at += size * 4;
  }
  return out;
}
