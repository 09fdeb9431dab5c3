import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeTf } from '../../../bridge/engine/node-tf';
import { loadPart } from '../../../bridge/models/load';
import { k, linear, weightMatrix } from '../../../src/models/kernels';
import { modelSpec, parseRequest } from '../../../src/models/registry';

/**
 * The rollouts' direct kernel calls (issue 15): the same numbers as the tf ops they stand for,
 * and a budget of kernels per generated step, so a step that goes back to the op wrappers (each
 * fused matMul three reshapes and a gradient scope more: 66 kernels a drum step and 46 a melody
 * step before, without min-p, which adds 6) fails here rather than only in the start-up bench.
 */
const bits = (t: tf.Tensor) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));

describe('direct kernel calls', () => {
  beforeAll(async () => {
    await initNodeTf('wasm');
  });

  it('give bit for bit what tf.fused.matMul and the element-wise ops give', () => {
    tf.tidy(() => {
      const a = tf.randomNormal([1, 3, 40], 0, 1, 'float32', 1) as tf.Tensor3D;
      const w = tf.randomNormal([40, 24], 0, 1, 'float32', 2) as tf.Tensor2D;
      const bias = tf.randomNormal([24], 0, 1, 'float32', 3) as tf.Tensor1D;
      const a2 = a.reshape([3, 40]) as tf.Tensor2D;
      const w3 = weightMatrix(w.dataSync() as Float32Array, 40, 24);
      for (const activation of ['linear', 'sigmoid'] as const) {
        expect(bits(linear(a, w3, bias, activation))).toEqual(bits(tf.fused.matMul({ a: a2, b: w, bias, activation })));
      }
      expect(bits(linear(a, w3))).toEqual(bits(tf.matMul(a2, w)));
      const x = tf.randomUniform([1, 3, 24], 0.01, 0.99, 'float32', 4);
      const y = tf.randomNormal([24], 0, 1, 'float32', 5);
      expect(bits(k.add(x, y))).toEqual(bits(tf.add(x, y)));
      expect(bits(k.sub(x, y))).toEqual(bits(tf.sub(x, y)));
      expect(bits(k.mul(x, y))).toEqual(bits(tf.mul(x, y)));
      expect(bits(k.maximum(x, y))).toEqual(bits(tf.maximum(x, y)));
      expect(bits(k.minimum(x, y))).toEqual(bits(tf.minimum(x, y)));
      expect(bits(k.mod(tf.mul(x, 50), tf.scalar(1)))).toEqual(bits(tf.mod(tf.mul(x, 50), 1)));
      expect(bits(k.log(k.neg(k.log(x))))).toEqual(bits(tf.log(tf.neg(tf.log(x)))));
      expect(bits(k.exp(x))).toEqual(bits(tf.exp(x)));
      expect(bits(k.tanh(y))).toEqual(bits(tf.tanh(y)));
      expect(bits(k.concat([x, x], 2))).toEqual(bits(tf.concat([x, x], 2)));
      expect(bits(k.slice(x, [0, 1, 0], [1, 1, 24]))).toEqual(bits(tf.slice(x, [0, 1, 0], [1, 1, 24])));
      const idx = k.argMax(x, 2);
      expect(Array.from(idx.dataSync())).toEqual(Array.from(tf.argMax(x, 2).dataSync()));
      expect(idx.shape).toEqual([1, 3]);
      expect(bits(k.gather(w, idx))).toEqual(bits(tf.gather(w, idx)));
    });
  });

  for (const [name, perStep] of [
    // 37 with the Gaussian velocity head and no sampling biases; the velocity-bin head (issue 13)
    // adds 7 a step (a concat, two matMuls, the bin's velocity) and the shipped sampling's rest
    // bias, repeat bonus and groove clamp about 5: measured 48.8. The patterns' Gumbel noise made
    // once per generation (3 a step fewer), the repeat bonus a one-hot row (one more from the
    // second bar) and the Gaussian's velocity scaling skipped with the bins: measured 45.7. The
    // rest bias taken off the empty pattern's noise instead of added to the scores: 44.7.
    ['drums', 45],
    ['melody', 31],
  ] as const) {
    it(`${name}: one 8-bar generation runs at most ${perStep} kernels a step`, async () => {
      const { model, impl } = await loadPart(modelSpec(name), 'network', 'wasm');
      expect(impl.kind, `the ${name} network is committed`).toBe('network');
      const req = parseRequest(name, { bars: 8, count: 1, seed: 3 });
      await model.generate(req);
      const profile = await tf.profile(async () => {
        await model.generate(req);
      });
      const steps = 8 * 16;
      expect(
        profile.kernels.length,
        profile.kernels
          .map((x) => x.name)
          .join(' ')
          .slice(0, 400),
      ).toBeLessThanOrEqual(perStep * steps);
      expect(profile.kernels.length).toBeGreaterThan(steps); // it did count the generation
      model.dispose();
    });
  }
});
