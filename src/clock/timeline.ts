import type { TransportEvent } from './transport';

/**
 * A clock's transport events with a fixed memory (as Tone's Timeline keeps one): indices count
 * every event ever pushed, but only the last `capacity` are kept. A reader that falls further
 * behind than that gets what is left (the oldest events are the ones it can do without: a live
 * session reads the new ones every tick).
 */
export class EventTimeline {
  private items: TransportEvent[] = [];
  private dropped = 0;

  /** @param capacity events kept (default 256) */
  constructor(readonly capacity = 256) {}

  push(e: TransportEvent): void {
    this.items.push(e);
    // Trim in halves, so a long run costs one splice per capacity/2 events.
    if (this.items.length > this.capacity) {
      const cut = this.items.length - Math.floor(this.capacity / 2);
      this.items.splice(0, cut);
      this.dropped += cut;
    }
  }

  /** Events pushed so far (kept or not). */
  get count(): number {
    return this.dropped + this.items.length;
  }

  /** Events kept now. */
  get retained(): number {
    return this.items.length;
  }

  /** Events from index `since` on (those still kept). */
  since(since: number): TransportEvent[] {
    return this.items.slice(Math.max(0, since - this.dropped));
  }
}
