import * as tf from '@tensorflow/tfjs-core';

/**
 * Rows as the rollouts keep them on the backend: [1 x batch x features]. The fused matMul kernel
 * takes rank-3 operands; keeping every per-step tensor rank 3 lets a step call it straight
 * (`linear`), with no reshape on the way in or out.
 */
export type Rows = tf.Tensor3D;

/** A weight matrix [rows x cols] (row-major values) as the fused kernel takes it: [1 x rows x cols]. */
export function weightMatrix(values: Float32Array | number[], rows: number, cols: number): tf.Tensor3D {
  return tf.tensor3d(values, [1, rows, cols]);
}

/**
 * `a @ w + bias`, activated, by the backend's fused matMul kernel called directly. The same
 * kernel as tf.fused.matMul on the same values (so the same numbers), without its three reshapes
 * and custom-gradient scope per call, which were most of a rollout step's op dispatch on wasm
 * (measured: 2,691 reshapes and 897 gradient scopes in one 8-bar drum generation of 8,455
 * kernels). Generation only: no gradient is recorded.
 */
export function linear(a: Rows, w: tf.Tensor3D, bias?: tf.Tensor1D, activation: 'linear' | 'sigmoid' = 'linear'): Rows {
  const inputs: tf.NamedTensorMap = { a, b: w };
  if (bias) inputs.bias = bias;
  return tf.engine().runKernel('_FusedMatMul', inputs, { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0.2 }) as Rows;
}
