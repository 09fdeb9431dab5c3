import { TandemError } from '../../../src/errors';
import { seedFromInt32 } from '../../../src/models/controls';
import type { PatternNote } from './player';

/** A reply from the bridge that does not have the shape bridge/osc/address-space.ts REPLIES promises. */
export class BridgeReplyError extends TandemError {
  constructor(
    readonly address: string,
    readonly detail: string,
  ) {
    super(`${address}: ${detail}`);
  }
}

/** A whole suggestion, put back together from its /tandem/suggestion chunks. */
export interface Suggestion {
  id: number;
  notes: PatternNote[];
  lengthBeats: number;
  /** The .mid the bridge saved before sending anything. */
  file: string;
  /** The seed the bridge used (0..2^32-1), when it said (bridges from before request ids did not). */
  seed?: number;
}

const int = (address: string, name: string, v: unknown): number => {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new BridgeReplyError(address, `${name} must be an int, got ${JSON.stringify(v)}`);
  return v;
};
const num = (address: string, name: string, v: unknown): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new BridgeReplyError(address, `${name} must be a number, got ${JSON.stringify(v)}`);
  return v;
};

/** OSC floats are 32-bit: 0.25 stays exact, 1/3 becomes 0.3333333432674408. Beats come from 960 PPQ ticks. */
const beats = (v: number): number => Math.round(v * 960) / 960;

/**
 * Collects `/tandem/suggestion i id, i chunk, i chunks, (i pitch, i velocity, f start, f length)...`
 * and completes a suggestion on `/tandem/suggestion/done i id, i notes, f beats, s file, i seed, s model`,
 * checking that every chunk and note arrived (UDP may drop a datagram).
 */
export class SuggestionAssembler {
  private readonly parts = new Map<number, { chunks: number; got: Map<number, PatternNote[]> }>();

  /** Takes one chunk's arguments; throws BridgeReplyError if they are malformed. */
  chunk(args: readonly unknown[]): void {
    const a = '/tandem/suggestion';
    const id = int(a, 'id', args[0]);
    const k = int(a, 'chunk', args[1]);
    const chunks = int(a, 'chunks', args[2]);
    if ((args.length - 3) % 4 !== 0) throw new BridgeReplyError(a, `after id, chunk, chunks the notes come in fours (pitch, velocity, start, length); got ${args.length - 3} values`);
    if (k < 0 || k >= chunks) throw new BridgeReplyError(a, `chunk ${k} is outside 0..${chunks - 1}`);
    const notes: PatternNote[] = [];
    for (let i = 3; i < args.length; i += 4) {
      notes.push({ pitch: int(a, 'pitch', args[i]), velocity: int(a, 'velocity', args[i + 1]), startBeats: beats(num(a, 'start', args[i + 2])), durationBeats: beats(num(a, 'length', args[i + 3])) });
    }
    const entry = this.parts.get(id) ?? { chunks, got: new Map<number, PatternNote[]>() };
    entry.got.set(k, notes);
    this.parts.set(id, entry);
  }

  /**
   * Completes suggestion `id` from its done message. Returns the suggestion, or `missing` saying
   * what did not arrive (the caller can ask again with the same seed: same notes).
   */
  done(args: readonly unknown[]): Suggestion | { id: number; missing: string; seed?: number } {
    const a = '/tandem/suggestion/done';
    const id = int(a, 'id', args[0]);
    const count = int(a, 'notes', args[1]);
    const lengthBeats = beats(num(a, 'beats', args[2]));
    if (typeof args[3] !== 'string') throw new BridgeReplyError(a, `file must be a string, got ${JSON.stringify(args[3])}`);
    // The seed travels as an int32 (below 0 = seed + 2^32), as every seed over OSC does.
    const seed = args[4] === undefined ? undefined : seedFromInt32(int(a, 'seed', args[4]));
    const entry = this.parts.get(id);
    this.parts.delete(id);
    const chunks = entry?.chunks ?? 0;
    const got = entry ? [...entry.got.keys()].length : 0;
    if (!entry || got !== chunks) return { id, missing: `${chunks - got} of ${chunks || '?'} chunks of suggestion ${id} did not arrive`, ...(seed === undefined ? {} : { seed }) };
    const notes = [...entry.got.entries()].sort((x, y) => x[0] - y[0]).flatMap(([, n]) => n);
    if (notes.length !== count) return { id, missing: `suggestion ${id} has ${notes.length} notes, the bridge sent ${count}`, ...(seed === undefined ? {} : { seed }) };
    return { id, notes, lengthBeats, file: args[3], ...(seed === undefined ? {} : { seed }) };
  }
}
