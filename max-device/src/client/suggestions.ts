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
  /** Beats of the musician's clip the suggestion starts with (Continue); 0 or absent without (older bridges did not say). */
  primerBeats?: number;
}

const int = (address: string, name: string, v: unknown): number => {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new BridgeReplyError(address, `${name} must be an int, got ${JSON.stringify(v)}`);
  return v;
};
const num = (address: string, name: string, v: unknown): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new BridgeReplyError(address, `${name} must be a number, got ${JSON.stringify(v)}`);
  return v;
};

/** Limits on what the bridge may send, well above real use (a suggestion is at most 64 bars of 4/4, 2,048 notes). */
export const SUGGESTION_LIMITS = Object.freeze({
  /** Longest suggestion, beats. */
  maxBeats: 1024,
  /** Most chunks in one suggestion. */
  maxChunks: 1024,
  /** Suggestions being put together at once; the oldest is dropped beyond this. */
  maxPartial: 8,
  /** A suggestion whose chunks stop coming is dropped after this long, ms. */
  partialTtlMs: 30_000,
});

/** OSC floats are 32-bit: 0.25 stays exact, 1/3 becomes 0.3333333432674408. Beats come from 960 PPQ ticks. */
const beats = (v: number): number => Math.round(v * 960) / 960;

/**
 * Collects `/tandem/suggestion i id, i chunk, i chunks, (i pitch, i velocity, f start, f length)...`
 * and completes a suggestion on `/tandem/suggestion/done i id, i notes, f beats, s file, i seed, s model`,
 * checking that every chunk and note arrived (UDP may drop a datagram).
 */
export class SuggestionAssembler {
  private readonly parts = new Map<number, { chunks: number; got: Map<number, PatternNote[]>; since: number }>();

  /** @param now the clock partial suggestions expire by (ms; injected in tests) */
  constructor(private readonly now: () => number = Date.now) {}

  /** Suggestions with chunks kept and no done message yet. */
  get partialCount(): number {
    return this.parts.size;
  }

  /** The id of a chunk or done message, or undefined when there is none (before any other check). */
  static idOf(args: readonly unknown[]): number | undefined {
    const v = args[0];
    return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
  }

  /**
   * Takes one chunk's arguments; throws BridgeReplyError if they are malformed. Partial
   * suggestions older than `partialTtlMs` are dropped, and at most `maxPartial` are kept (the
   * oldest goes): a bridge that never sends the done message cannot fill the memory.
   */
  chunk(args: readonly unknown[]): void {
    const a = '/tandem/suggestion';
    const id = int(a, 'id', args[0]);
    const k = int(a, 'chunk', args[1]);
    const chunks = int(a, 'chunks', args[2]);
    if ((args.length - 3) % 4 !== 0)
      throw new BridgeReplyError(a, `after id, chunk, chunks the notes come in fours (pitch, velocity, start, length); got ${args.length - 3} values`);
    if (chunks < 1 || chunks > SUGGESTION_LIMITS.maxChunks) throw new BridgeReplyError(a, `chunks must be 1..${SUGGESTION_LIMITS.maxChunks}, got ${chunks}`);
    if (k < 0 || k >= chunks) throw new BridgeReplyError(a, `chunk ${k} is outside 0..${chunks - 1}`);
    const notes: PatternNote[] = [];
    for (let i = 3; i < args.length; i += 4) {
      const n = {
        pitch: int(a, 'pitch', args[i]),
        velocity: int(a, 'velocity', args[i + 1]),
        startBeats: beats(num(a, 'start', args[i + 2])),
        durationBeats: beats(num(a, 'length', args[i + 3])),
      };
      if (n.pitch < 0 || n.pitch > 127 || n.velocity < 0 || n.velocity > 127)
        throw new BridgeReplyError(a, `pitch and velocity must be 0..127, got ${n.pitch} and ${n.velocity}`);
      if (Math.abs(n.startBeats) > SUGGESTION_LIMITS.maxBeats || !(n.durationBeats >= 0 && n.durationBeats <= SUGGESTION_LIMITS.maxBeats))
        throw new BridgeReplyError(
          a,
          `a note must start within ${SUGGESTION_LIMITS.maxBeats} beats and last 0..${SUGGESTION_LIMITS.maxBeats} beats, got ${n.startBeats} and ${n.durationBeats}`,
        );
      notes.push(n);
    }
    const now = this.now();
    for (const [old, e] of this.parts) if (now - e.since > SUGGESTION_LIMITS.partialTtlMs) this.parts.delete(old);
    const entry = this.parts.get(id) ?? { chunks, got: new Map<number, PatternNote[]>(), since: now };
    if (entry.chunks !== chunks) throw new BridgeReplyError(a, `suggestion ${id} was announced in ${entry.chunks} chunks, this chunk says ${chunks}`);
    entry.got.set(k, notes);
    this.parts.set(id, entry);
    // Maps keep insertion order: the first keys are the oldest suggestions.
    for (const old of this.parts.keys()) {
      if (this.parts.size <= SUGGESTION_LIMITS.maxPartial) break;
      this.parts.delete(old);
    }
  }

  /** Forgets what was kept of suggestion `id` (a request given up). */
  forget(id: number): void {
    this.parts.delete(id);
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
    // A loop of 0 beats cannot be played (it once threw out of the UDP handler and ended the client).
    if (!(lengthBeats > 0 && lengthBeats <= SUGGESTION_LIMITS.maxBeats))
      throw new BridgeReplyError(a, `beats must be more than 0 and at most ${SUGGESTION_LIMITS.maxBeats}, got ${args[2]}`);
    if (typeof args[3] !== 'string') throw new BridgeReplyError(a, `file must be a string, got ${JSON.stringify(args[3])}`);
    // The seed travels as an int32 (below 0 = seed + 2^32), as every seed over OSC does.
    const seed = args[4] === undefined ? undefined : seedFromInt32(int(a, 'seed', args[4]));
    const entry = this.parts.get(id);
    this.parts.delete(id);
    const chunks = entry?.chunks ?? 0;
    const got = entry ? [...entry.got.keys()].length : 0;
    if (!entry || got !== chunks)
      return { id, missing: `${chunks - got} of ${chunks || '?'} chunks of suggestion ${id} did not arrive`, ...(seed === undefined ? {} : { seed }) };
    const notes = [...entry.got.entries()].sort((x, y) => x[0] - y[0]).flatMap(([, n]) => n);
    if (notes.length !== count)
      return { id, missing: `suggestion ${id} has ${notes.length} notes, the bridge sent ${count}`, ...(seed === undefined ? {} : { seed }) };
    const primerBeats = typeof args[6] === 'number' && Number.isFinite(args[6]) && args[6] >= 0 && args[6] < lengthBeats ? beats(args[6]) : undefined;
    return { id, notes, lengthBeats, file: args[3], ...(seed === undefined ? {} : { seed }), ...(primerBeats === undefined ? {} : { primerBeats }) };
  }
}
