import type { DrumGrid } from '../tokens/drum-grid';
import type { DrumRequest } from './request';

/** What every drum model offers: the same request in, grids out (one per variation). */
export interface DrumModel {
  /** Short id: 'drums-gru' for the network, 'drums-ngram' for the baseline. */
  readonly id: string;
  generate(request: DrumRequest): Promise<DrumGrid[]>;
  dispose(): void;
}
