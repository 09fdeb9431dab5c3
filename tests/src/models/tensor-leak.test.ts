import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initNodeTf } from '../../../bridge/engine/node-tf';
import { readMelodyNetArtifacts } from '../../../bridge/models/load-melody';
import { loadPart } from '../../../bridge/models/load';
import { MelodyRnn } from '../../../src/models/melody/melody-rnn';
import { parseMelodyRequest } from '../../../src/models/melody/request';
import { modelSpec, parseRequest } from '../../../src/models/registry';

/**
 * Tensor leaks: TF.js frees a tensor only when told to, so a generate that forgets one grows
 * memory with every suggestion (a live session makes one every two bars). Magenta's tests check
 * tf.memory() around many generations; so do these, after one warm-up generation (weights and
 * backend caches are made once).
 */
const ROUNDS = 20;

describe('TF.js memory across many generations', () => {
  it('the drum network frees every tensor it makes', async () => {
    const { model, impl } = await loadPart(modelSpec('drums'), 'network', 'cpu');
    expect(impl.kind, 'the drum network is committed in models/drums').toBe('network');
    const req = parseRequest('drums', { bars: 4, count: 2, fillEvery: 2 });
    await model.generate(req);
    const before = tf.memory();
    for (let i = 0; i < ROUNDS; i++) await model.generate({ ...req, seed: i });
    const after = tf.memory();
    expect(after.numTensors, `tensors: ${before.numTensors} before, ${after.numTensors} after ${ROUNDS} generations`).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  }, 180_000); // 21 generations on the cpu backend with the velocity-bin head: 30-90 s on a loaded 2-core machine

  it('the melody/bass network frees every tensor it makes', async () => {
    const art = readMelodyNetArtifacts();
    expect(art, 'the melody network is committed in models/melody').toBeDefined();
    await initNodeTf('cpu');
    const net = MelodyRnn.load(art!);
    const req = parseMelodyRequest({ voice: 'bass', style: 'pop', bars: 4, count: 2, chords: 'C G Am F' });
    await net.generate(req);
    const before = tf.memory();
    for (let i = 0; i < ROUNDS; i++) await net.generate({ ...req, seed: i, voice: i % 2 ? 'melody' : 'bass' });
    const after = tf.memory();
    expect(after.numTensors, `tensors: ${before.numTensors} before, ${after.numTensors} after ${ROUNDS} generations`).toBe(before.numTensors);
  });
});
