import { TandemError } from '../../src/errors';
import type { ClipNote, ClipPrimer } from '../../src/music/clip-primer';
import { PRIMER_LIMITS } from './address-space';

/** A /tandem/primer chunk that does not fit the others of its clip, or a clip that is not whole. */
export class PrimerError extends TandemError {
  constructor(
    readonly id: number,
    readonly detail: string,
  ) {
    super(`primer ${id}: ${detail}`);
  }
}

interface Pending {
  chunks: number;
  lengthBeats: number;
  got: Map<number, ClipNote[]>;
  at: number;
}

export interface PrimerStoreOptions {
  /** Clips kept at once, all clients together (the oldest goes first; default 32). */
  maxClips?: number;
  /** How long an unused clip is kept, ms (default PRIMER_LIMITS.keepSeconds). */
  keepMs?: number;
  /** Clock in ms (tests). */
  now?: () => number;
}

/**
 * The clips clients sent with /tandem/primer, kept by sender and request id until the
 * /tandem/generate with that id takes them (two devices both counting ids from 1 never mix).
 * Chunks come in any order; a repeated chunk replaces itself; unused clips expire, and at most
 * `maxClips` are held, so a client that never asks cannot fill the memory.
 */
export class PrimerStore {
  private readonly pending = new Map<string, Pending>();
  private readonly maxClips: number;
  private readonly keepMs: number;
  private readonly now: () => number;

  constructor(opts: PrimerStoreOptions = {}) {
    this.maxClips = opts.maxClips ?? 32;
    this.keepMs = opts.keepMs ?? PRIMER_LIMITS.keepSeconds * 1000;
    this.now = opts.now ?? (() => Date.now());
  }

  /** Clips held now (tests). */
  get size(): number {
    return this.pending.size;
  }

  /** Takes one chunk; throws PrimerError when it contradicts the clip's other chunks. */
  add(peer: string, msg: { id: number; chunk: number; chunks: number; lengthBeats: number; notes: ClipNote[] }): void {
    this.expire();
    const key = `${peer} ${msg.id}`;
    if (msg.chunk >= msg.chunks) throw new PrimerError(msg.id, `chunk ${msg.chunk} is outside 0..${msg.chunks - 1}`);
    const late = msg.notes.findIndex((n) => n.startBeats >= msg.lengthBeats);
    if (late >= 0)
      throw new PrimerError(
        msg.id,
        `note ${late + 1} of chunk ${msg.chunk} starts at beat ${msg.notes[late].startBeats}, at or after the clip's end (${msg.lengthBeats} beats)`,
      );
    let p = this.pending.get(key);
    if (p && (p.chunks !== msg.chunks || p.lengthBeats !== msg.lengthBeats)) {
      this.pending.delete(key);
      throw new PrimerError(
        msg.id,
        `chunk ${msg.chunk} says ${msg.chunks} chunks of ${msg.lengthBeats} beats, an earlier one ${p.chunks} of ${p.lengthBeats}: send the clip again`,
      );
    }
    if (!p) {
      p = { chunks: msg.chunks, lengthBeats: msg.lengthBeats, got: new Map(), at: this.now() };
      this.pending.set(key, p);
      while (this.pending.size > this.maxClips) this.pending.delete(this.pending.keys().next().value!);
    }
    p.got.set(msg.chunk, msg.notes);
  }

  /**
   * The clip for this request, removed from the store: undefined when the client sent none;
   * PrimerError naming the chunks that did not arrive (UDP may drop one: send it again).
   */
  take(peer: string, id: number): ClipPrimer | undefined {
    this.expire();
    const key = `${peer} ${id}`;
    const p = this.pending.get(key);
    if (!p) return undefined;
    this.pending.delete(key);
    if (p.got.size !== p.chunks) {
      const missing = Array.from({ length: p.chunks }, (_, k) => k).filter((k) => !p.got.has(k));
      throw new PrimerError(
        id,
        `${missing.length} of ${p.chunks} chunks did not arrive (${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', ...' : ''}): send the clip again`,
      );
    }
    const notes = [...p.got.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, n]) => n);
    return { notes, lengthBeats: p.lengthBeats };
  }

  private expire(): void {
    const old = this.now() - this.keepMs;
    for (const [k, p] of this.pending) if (p.at < old) this.pending.delete(k);
  }
}
