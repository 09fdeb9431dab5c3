import { DRUM_GENRES } from '../../conditioning/genres';
import { makeRng } from '../../random';
import { emptyGrid, type DrumGrid } from '../../tokens/drum-grid';
import { needsAsyncReadback } from '../readback';
import type { DrumRequest } from '../request';
import type { LayersArtifact, NetProbe, PartRequest } from '../spec';
import { fillInputRow } from './inputs';
import { DrumNetwork, type DrumNetArtifacts } from './network';
import { DRUM_INPUT } from './spec';

const PROBE_BATCH = 2;

/** Fixed probe inputs: two variations with different genre/density, random previous hits. */
function probeInputs(steps: number): Float32Array[] {
  const rng = makeRng('tandem-parity');
  const reqs: DrumRequest[] = [
    { genre: 'funk', density: 0.7, bars: 1, temperature: 1, seed: 0, count: 1, fillEvery: 2 },
    { genre: DRUM_GENRES[5], density: 0.2, bars: 1, temperature: 1, seed: 0, count: 1, fillEvery: 0 },
  ];
  const grids: DrumGrid[] = reqs.map(() => emptyGrid(steps));
  for (const g of grids) {
    for (let i = 0; i < g.velocity.length; i++) {
      if (rng() < 0.25) {
        g.velocity[i] = 1 + Math.floor(rng() * 127);
        g.offset[i] = rng() - 0.5;
      }
    }
  }
  return Array.from({ length: steps }, (_, s) => {
    const x = new Float32Array(PROBE_BATCH * DRUM_INPUT.size);
    reqs.forEach((r, b) => fillInputRow(x, b, grids[b], s, r));
    return x;
  });
}

/** The drum network's probe: the reference network (DrumNetwork) step by step over fixed inputs. */
export const DRUM_PROBE: NetProbe = {
  async outputs(artifact: LayersArtifact, steps: number): Promise<Float32Array[]> {
    const net = DrumNetwork.load(artifact as DrumNetArtifacts);
    let h = net.zeroState(PROBE_BATCH);
    const outs: Float32Array[] = [];
    try {
      for (const x of probeInputs(steps)) {
        const r = needsAsyncReadback() ? await net.stepAsync(x, PROBE_BATCH, h) : net.step(x, PROBE_BATCH, h);
        h.dispose();
        h = r.h;
        outs.push(r.out.slice());
      }
      return outs;
    } finally {
      h.dispose();
      net.dispose();
    }
  },
  timingRequest: (bars: number, count: number): PartRequest => ({ style: 'rock', density: 0.5, bars, temperature: 1, seed: 1, count, fillEvery: 0 }),
};

/** Drum network probes by implementation id (see DRUMS_SPEC). */
export const DRUM_PROBES: Readonly<Record<string, NetProbe>> = Object.freeze({ 'drums-gru': DRUM_PROBE });
