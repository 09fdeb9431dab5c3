import { sortNotes, type Sequence } from '../../music/sequence';
import { barsToTicks } from '../../time/units';
import type { ModelFactory, PartModel, PartRequest } from '../spec';
import { MelodyNgram, type MelodyNgramModelJson } from './melody-ngram';

/**
 * A melody or bass n-gram behind the one generate entry. The n-grams know no key or chords (they
 * are accepted and ignored until the networks land) and do not continue a primer: a primer is
 * kept at the start, as the request contract says, and fresh bars follow it.
 */
export class LineNgramPart implements PartModel {
  constructor(readonly ngram: MelodyNgram) {}

  get id(): string {
    return this.ngram.id;
  }

  async generate(req: PartRequest): Promise<Sequence[]> {
    const primerTicks = req.primer?.totalTicks ?? 0;
    const primerBars = Math.round(primerTicks / barsToTicks(1));
    const seqs = this.ngram.generate({
      style: req.style ?? '',
      density: req.density,
      bars: Math.max(1, req.bars - primerBars),
      temperature: req.temperature,
      seed: req.seed,
      count: req.count,
    });
    if (!req.primer) return seqs;
    const primer = req.primer;
    return seqs.map((s) => ({
      ...s,
      notes: sortNotes([...primer.notes.map((n) => ({ ...n })), ...s.notes.map((n) => ({ ...n, startTicks: n.startTicks + primerTicks }))]),
      totalTicks: primerTicks + s.totalTicks,
    }));
  }

  dispose(): void {}
}

/** Melody and bass implementations by id (see line-specs.ts). */
export const LINE_FACTORIES: Readonly<Record<string, ModelFactory>> = Object.freeze({
  'melody-ngram': (j) => new LineNgramPart(new MelodyNgram(j as MelodyNgramModelJson)),
  'bass-ngram': (j) => new LineNgramPart(new MelodyNgram(j as MelodyNgramModelJson)),
});
