import { MODES } from '../../music/chords';
import { makeRng } from '../../random';
import type { LayersArtifact, NetProbe, PartRequest } from '../spec';
import { fillStepInput } from './encode';
import { MelodyRollout } from './rollout';
import { MELODY_INPUT, METERS, PITCHES, STYLES, VOCAB, VOICES } from './spec';
import { MelodyWeights, type MelodyNetArtifacts } from './weights';

const PROBE_BATCH = 2;

/** Fixed probe inputs [steps][batch][size]: seeded tokens, chords, styles and voices (both voices, so melody and bass check the same). */
function probeInputs(steps: number): Float32Array {
  const rng = makeRng('tandem-parity-melody');
  const I = MELODY_INPUT.size;
  const out = new Float32Array(steps * PROBE_BATCH * I);
  const row = new Float32Array(I);
  for (let b = 0; b < PROBE_BATCH; b++) {
    const style = STYLES[Math.floor(rng() * STYLES.length)];
    let last = -1;
    for (let s = 0; s < steps; s++) {
      const token = Math.floor(rng() * VOCAB);
      if (token >= 2) last = token - 2;
      fillStepInput(row, token, Math.min(last, PITCHES - 1), {
        position: s % 16,
        meter: METERS[0],
        chordRoot: s % 16 === 0 || rng() < 0.7 ? Math.floor(rng() * 12) : -1,
        chordTones: 0b10010001,
        mode: MODES[b % MODES.length],
        style,
        voice: VOICES[b % VOICES.length],
        density: rng(),
      });
      out.set(row, (s * PROBE_BATCH + b) * I);
    }
  }
  return out;
}

/** The melody/bass network's probe: teacher-forced logits over fixed inputs (the same network for both voices). */
export const MELODY_PROBE: NetProbe = {
  async outputs(artifact: LayersArtifact, steps: number): Promise<Float32Array[]> {
    const rollout = new MelodyRollout(new MelodyWeights(artifact as MelodyNetArtifacts));
    try {
      return await rollout.teacherForcedAsync(probeInputs(steps), steps, PROBE_BATCH);
    } finally {
      rollout.dispose();
    }
  },
  // Pop: 4/4, so a bar is 16 steps like the drums'; chords drawn (seeded) from the style's progressions.
  timingRequest: (bars: number, count: number): PartRequest => ({ style: 'pop', density: 0.5, bars, temperature: 1, seed: 1, count, fillEvery: 0 }),
};

/** Melody and bass network probes by implementation id (see line-specs.ts): one network, two voices. */
export const MELODY_PROBES: Readonly<Record<string, NetProbe>> = Object.freeze({ 'melody-gru': MELODY_PROBE, 'bass-gru': MELODY_PROBE });
