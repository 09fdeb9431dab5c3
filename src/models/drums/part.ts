import { type Sequence } from '../../music/sequence';
import { gridToSequence, quantizeDrums, type DrumGrid } from '../../tokens/drum-grid';
import { TICKS_PER_STEP } from '../../time/units';
import { DrumNgram, type DrumNgramModelJson } from '../baseline/drum-ngram';
import type { DrumRequest } from '../request';
import type { LayersArtifact, ModelFactory, PartModel, PartRequest } from '../spec';
import type { DrumModel } from '../types';
import { GrooveRnn } from './groove-rnn';
import type { DrumNetArtifacts } from './weights';

/** A primer sequence as the drum models see it: a grid of whole 16ths (micro-timing kept). */
export function primerGrid(primer: Sequence): DrumGrid {
  return quantizeDrums(primer.notes, Math.max(1, Math.round(primer.totalTicks / TICKS_PER_STEP))).grid;
}

/** The drum request a part request stands for. */
export function toDrumRequest(req: PartRequest): DrumRequest {
  const { style, key, chords, primer, ...rest } = req;
  void key;
  void chords;
  return { ...rest, genre: style as DrumRequest['genre'], primer: primer ? primerGrid(primer) : undefined };
}

/**
 * A drum model (network in this thread, in the engine, or the n-gram) behind the one generate
 * entry: part requests in, GM drum sequences on channel 10 out.
 */
export class DrumPart implements PartModel {
  constructor(readonly drums: DrumModel) {}

  get id(): string {
    return this.drums.id;
  }

  async generate(req: PartRequest): Promise<Sequence[]> {
    const grids = await this.drums.generate(toDrumRequest(req));
    return grids.map((g) => gridToSequence(g));
  }

  dispose(): void {
    this.drums.dispose();
  }
}

/** Drum implementations by id (see DRUMS_SPEC in model-spec.ts). */
export const DRUM_FACTORIES: Readonly<Record<string, ModelFactory>> = Object.freeze({
  'drums-gru': (a) => new DrumPart(GrooveRnn.load(a as LayersArtifact as DrumNetArtifacts)),
  'drums-ngram': (j) => new DrumPart(new DrumNgram(j as DrumNgramModelJson)),
});
