import { InvalidValueError } from '../errors';
import { PPQ, TEMPO } from '../time/units';
import { EventTimeline } from './timeline';
import type { TransportClock, TransportEvent } from './transport';

/** Tandem's own transport when no external clock is present: start/stop/continue, tempo, locate. */
export class InternalClock implements TransportClock {
  private readonly events = new EventTimeline();
  private anchorMs = 0;
  private anchorTicks = 0;
  private rolling = false;
  private tempo: number;

  constructor(bpm = 120) {
    this.tempo = checkBpm(bpm);
  }

  get playing(): boolean {
    return this.rolling;
  }

  get bpm(): number {
    return this.tempo;
  }

  get eventCount(): number {
    return this.events.count;
  }

  eventsSince(since: number): TransportEvent[] {
    return this.events.since(since);
  }

  ticksAt(timeMs: number): number {
    if (!this.rolling) return this.anchorTicks;
    return this.anchorTicks + ((timeMs - this.anchorMs) * this.tempo * PPQ) / 60_000;
  }

  timeAtTicks(ticks: number): number | undefined {
    if (!this.rolling) return undefined;
    return this.anchorMs + ((ticks - this.anchorTicks) * 60_000) / (this.tempo * PPQ);
  }

  /** Starts from the top (tick 0). */
  start(timeMs: number): void {
    this.anchor(timeMs, 0);
    this.rolling = true;
    this.events.push({ type: 'start', timeMs, ticks: 0 });
  }

  /** Starts again from where it stopped. */
  continue(timeMs: number): void {
    if (this.rolling) return;
    this.anchorMs = timeMs;
    this.rolling = true;
    this.events.push({ type: 'continue', timeMs, ticks: this.anchorTicks });
  }

  stop(timeMs: number): void {
    if (!this.rolling) return;
    this.anchor(timeMs, this.ticksAt(timeMs));
    this.rolling = false;
    this.events.push({ type: 'stop', timeMs, ticks: this.anchorTicks, reason: 'stop' });
  }

  /** Jumps to a song position (ticks). */
  locate(ticks: number, timeMs: number): void {
    this.anchor(timeMs, ticks);
    this.events.push({ type: 'position', timeMs, ticks });
  }

  setTempo(bpm: number, timeMs: number): void {
    this.anchor(timeMs, this.ticksAt(timeMs));
    this.tempo = checkBpm(bpm);
    this.events.push({ type: 'tempo', timeMs, bpm: this.tempo });
  }

  private anchor(timeMs: number, ticks: number): void {
    this.anchorMs = timeMs;
    this.anchorTicks = ticks;
  }
}

function checkBpm(bpm: number): number {
  if (!(bpm >= TEMPO.min && bpm <= TEMPO.max)) throw new InvalidValueError('bpm', bpm, `a tempo from ${TEMPO.min} to ${TEMPO.max} BPM`);
  return bpm;
}
