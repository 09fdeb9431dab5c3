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
export function linear(a: Rows, w: tf.Tensor3D, bias?: tf.Tensor1D, activation: 'linear' | 'sigmoid' | 'relu' = 'linear'): Rows {
  const inputs: tf.NamedTensorMap = { a, b: w };
  if (bias) inputs.bias = bias;
  return tf.engine().runKernel('_FusedMatMul', inputs, { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0.2 }) as Rows;
}

const run = <T extends tf.Tensor = Rows>(kernel: string, inputs: tf.NamedTensorMap | tf.Tensor[], attrs?: tf.NamedAttrMap): T =>
  tf.engine().runKernel(kernel, inputs as tf.NamedTensorMap, attrs) as T;

/**
 * The element-wise and joining ops of a rollout step as single kernel calls: the kernels tf.add
 * and the rest run, on the same values (so the same numbers), without the op wrapper's scope,
 * argument conversion and checks around each. For float32 tensors of broadcastable shapes, as
 * the rollouts pass them (tf.* is the checked path for anything else); `concat` takes two or more.
 */
export const k = {
  add: (a: tf.Tensor, b: tf.Tensor) => run(tf.Add, { a, b }),
  sub: (a: tf.Tensor, b: tf.Tensor) => run(tf.Sub, { a, b }),
  mul: (a: tf.Tensor, b: tf.Tensor) => run(tf.Multiply, { a, b }),
  maximum: (a: tf.Tensor, b: tf.Tensor) => run(tf.Maximum, { a, b }),
  minimum: (a: tf.Tensor, b: tf.Tensor) => run(tf.Minimum, { a, b }),
  mod: (a: tf.Tensor, b: tf.Tensor) => run(tf.Mod, { a, b }),
  exp: (x: tf.Tensor) => run(tf.Exp, { x }),
  log: (x: tf.Tensor) => run(tf.Log, { x }),
  neg: (x: tf.Tensor) => run(tf.Neg, { x }),
  tanh: (x: tf.Tensor) => run(tf.Tanh, { x }),
  sigmoid: (x: tf.Tensor) => run(tf.Sigmoid, { x }),
  concat: (xs: tf.Tensor[], axis: number) => run(tf.Concat, xs, { axis }),
  /** The block of `x` from `begin`, `size` long in each dimension. */
  slice: (x: tf.Tensor, begin: number[], size: number[]) => run(tf.Slice, { x }, { begin, size }),
  /** Index of the largest value along `axis`, int32. */
  argMax: (x: tf.Tensor, axis: number) => run<tf.Tensor2D>(tf.ArgMax, { x }, { axis }),
  /** Rows of `x` at `indices` (int32): shape indices.shape + x.shape[1:]. */
  gather: (x: tf.Tensor, indices: tf.Tensor) => run(tf.GatherV2, { x, indices }, { axis: 0, batchDims: 0 }),
};
