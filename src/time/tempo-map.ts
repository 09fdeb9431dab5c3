import { InvalidValueError } from '../errors';
import { PPQ, type Meter, FOUR_FOUR } from './units';

/** A tempo change at a tick. */
export interface TempoEvent {
  readonly ticks: number;
  readonly bpm: number;
}

/** A meter (time signature) change at a tick. */
export interface MeterEvent {
  readonly ticks: number;
  readonly meter: Meter;
}

/**
 * Converts between ticks and seconds across tempo changes. Events are sorted by tick;
 * the first tempo applies from tick 0 (120 bpm when there is none, as in the SMF spec).
 */
export class TempoMap {
  readonly events: readonly TempoEvent[];
  private readonly startSec: number[];

  constructor(events: readonly TempoEvent[] = []) {
    const sorted = [...events].sort((a, b) => a.ticks - b.ticks);
    if (sorted.length === 0 || sorted[0].ticks > 0) sorted.unshift({ ticks: 0, bpm: sorted[0]?.bpm ?? 120 });
    for (const e of sorted) {
      if (!(e.bpm > 0) || !Number.isFinite(e.bpm)) throw new InvalidValueError('tempo', e.bpm, 'a positive tempo in BPM');
    }
    this.events = sorted;
    this.startSec = [0];
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1];
      this.startSec.push(this.startSec[i - 1] + ((sorted[i].ticks - prev.ticks) * 60) / (prev.bpm * PPQ));
    }
  }

  private indexAtTicks(t: number): number {
    let i = 0;
    while (i + 1 < this.events.length && this.events[i + 1].ticks <= t) i++;
    return i;
  }

  bpmAt(t: number): number {
    return this.events[this.indexAtTicks(t)].bpm;
  }

  ticksToSeconds(t: number): number {
    const i = this.indexAtTicks(t);
    const e = this.events[i];
    return this.startSec[i] + ((t - e.ticks) * 60) / (e.bpm * PPQ);
  }

  secondsToTicks(sec: number): number {
    let i = 0;
    while (i + 1 < this.events.length && this.startSec[i + 1] <= sec) i++;
    const e = this.events[i];
    return e.ticks + ((sec - this.startSec[i]) * e.bpm * PPQ) / 60;
  }
}

/** The meter in force at a tick (4/4 when none is given). */
export function meterAt(meters: readonly MeterEvent[], t: number): Meter {
  let m: Meter = FOUR_FOUR;
  for (const e of meters) if (e.ticks <= t) m = e.meter;
  return m;
}
