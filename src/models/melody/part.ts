import type { Sequence } from '../../music/sequence';
import type { LayersArtifact, ModelFactory, PartModel, PartRequest } from '../spec';
import { MelodyRnn } from './melody-rnn';
import { parseMelodyRequest, type MelodyRequest } from './request';
import type { Voice } from './spec';
import { lineToSequence, primerFromSequence } from './to-sequence';
import type { MelodyNetArtifacts } from './weights';

/** The melody request a part request stands for (key and chords as typed are parsed here). */
export function toMelodyRequest(req: PartRequest, voice: Voice): MelodyRequest {
  return parseMelodyRequest({
    voice,
    style: req.style,
    key: req.key,
    chords: req.chords,
    density: req.density,
    bars: req.bars,
    temperature: req.temperature,
    seed: req.seed,
    count: req.count,
    primer: req.primer ? primerFromSequence(req.primer, voice) : undefined,
  });
}

/**
 * The melody/bass network behind the one generate entry: part requests in, sequences on the
 * voice's channel out, each with its key signature and the chords of every bar as markers.
 */
export class LinePart implements PartModel {
  constructor(
    readonly net: MelodyRnn,
    readonly voice: Voice,
    readonly channel: number,
  ) {}

  get id(): string {
    return `${this.voice}-gru`;
  }

  async generate(req: PartRequest): Promise<Sequence[]> {
    const mreq = toMelodyRequest(req, this.voice);
    // Read back asynchronously: right on every backend (WebGPU's synchronous read-back is not), and
    // on wasm/cpu it costs nothing more. The same part runs in Node and in the Chromium page.
    const lines = await this.net.generate(mreq);
    return lines.map((l) => lineToSequence(l, { channel: this.channel }));
  }

  dispose(): void {
    this.net.dispose();
  }
}

/** Melody and bass network implementations by id (see line-specs.ts): one network, two voices. */
export const MELODY_NET_FACTORIES: Readonly<Record<string, ModelFactory>> = Object.freeze({
  'melody-gru': (a) => new LinePart(MelodyRnn.load(a as LayersArtifact as MelodyNetArtifacts), 'melody', 0),
  'bass-gru': (a) => new LinePart(MelodyRnn.load(a as LayersArtifact as MelodyNetArtifacts), 'bass', 1),
});
