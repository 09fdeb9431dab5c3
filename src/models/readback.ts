import * as tf from '@tensorflow/tfjs-core';

/** WebGPU's synchronous read-back returns wrong values in tfjs 4.22: read asynchronously there. */
export const needsAsyncReadback = (): boolean => tf.getBackend() === 'webgpu';
