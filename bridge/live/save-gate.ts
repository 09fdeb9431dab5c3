import type { Note } from '../../src/music/sequence';

/** A phrase whose notes wait for its save. */
interface Held {
  /** Where the phrase starts (song ticks). */
  at: number;
  notes: Note[];
  released: boolean;
  /** When it was held (ms on the session's clock). */
  sinceMs: number;
}

/** A save still running after this long (ms) is a slow disk; most take 3-80 ms here. */
const SLOW_SAVE_MS = 250;

/**
 * Holds each phrase of a live session until its save has finished, then hands its notes on to be
 * played: a suggestion is on disk before it is heard, and the save (two atomic writes with fsync,
 * off the event loop) runs while the music goes on. Meanwhile the scheduler hands out nothing from
 * the earliest held phrase on (`heldFrom`). A full disk fails fast: the store says so and the phrase
 * is released at once, played from memory. A save still running when the phrase's first note is
 * about to be due releases the phrase from memory too and finishes after: said once when the disk
 * is slow (the save ran over SLOW_SAVE_MS), not for a phrase made for right now (after a jump of
 * the song position, the first notes are due while it is saved).
 */
export class SaveGate {
  private held: Held[] = [];
  private saidSlow = false;

  constructor(
    /** Queues notes for playing (the scheduler). */
    private readonly play: (notes: Note[]) => void,
    private readonly log: (line: string) => void,
    private readonly now: () => number,
  ) {}

  /** Holds `notes` (a phrase starting at `at` ticks) until `saving` settles. */
  hold(at: number, notes: Note[], saving: Promise<unknown>): void {
    const h: Held = { at, notes, released: false, sinceMs: this.now() };
    this.held.push(h);
    const release = () => this.release(h);
    saving.then(release, release);
  }

  /** Phrases waiting for their save. */
  get waiting(): number {
    return this.held.length;
  }

  /** Where the earliest held phrase starts (ticks); Infinity when none is held. */
  get heldFrom(): number {
    return this.held.reduce((m, h) => Math.min(m, h.at), Infinity);
  }

  /**
   * Releases, from memory, every held phrase that starts before `ticks` (its first note would be
   * late by the next look at the gate otherwise): the disk is slower than the music.
   */
  due(ticks: number): void {
    for (const h of this.held) {
      if (h.at >= ticks) continue;
      if (!this.saidSlow && this.now() - h.sinceMs > SLOW_SAVE_MS) {
        this.saidSlow = true;
        this.log(`tandem: saving a phrase takes longer than the music allows (a slow disk); playing it before it is on disk (it is saved after)`);
      }
      this.release(h);
    }
  }

  /** Forgets held notes from `ticks` on (the session generates again from there). */
  dropFrom(ticks: number): void {
    for (const h of this.held) h.notes = h.notes.filter((n) => n.startTicks < ticks);
  }

  private release(h: Held): void {
    if (h.released) return;
    h.released = true;
    this.held = this.held.filter((x) => x !== h);
    if (h.notes.length) this.play(h.notes);
  }
}
