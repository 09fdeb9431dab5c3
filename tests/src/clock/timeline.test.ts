import { describe, expect, it } from 'vitest';
import { InternalClock } from '../../../src/clock/internal-clock';
import { MidiClockFollower } from '../../../src/clock/midi-clock-follower';
import { EventTimeline } from '../../../src/clock/timeline';
import { InvalidValueError } from '../../../src/errors';

describe('bounded clock histories', () => {
  it('keeps at most its capacity of events while counting all of them', () => {
    const t = new EventTimeline(8);
    for (let i = 0; i < 1000; i++) t.push({ type: 'tempo', timeMs: i, bpm: 100 + (i % 50) });
    expect(t.count).toBe(1000);
    expect(t.retained).toBeLessThanOrEqual(8);
    expect(t.since(997).map((e) => e.timeMs)).toEqual([997, 998, 999]);
    expect(t.since(1000)).toEqual([]);
    // A reader far behind gets what is left, newest last.
    expect(t.since(0).at(-1)!.timeMs).toBe(999);
  });

  it('an internal clock changing tempo for hours keeps a fixed memory; new events still arrive in order', () => {
    const c = new InternalClock(120);
    c.start(0);
    let seen = 0;
    for (let i = 1; i <= 20_000; i++) {
      c.setTempo(100 + (i % 100), i);
      if (i % 100 === 0) {
        const news = c.eventsSince(seen);
        expect(news).toHaveLength(c.eventCount - seen);
        seen = c.eventCount;
      }
    }
    expect(c.eventCount).toBe(20_001);
    expect(c.eventsSince(0).length).toBeLessThanOrEqual(256);
  });

  it('a followed clock whose tempo wanders keeps a fixed memory too', () => {
    const f = new MidiClockFollower({ initialBpm: 120 });
    f.feed(0xfa, 0);
    let t = 0;
    for (let i = 0; i < 24 * 4 * 400; i++) {
      t += 60_000 / (24 * (110 + 20 * Math.sin(i / 500)));
      f.feed(0xf8, t);
    }
    expect(f.eventCount).toBeGreaterThan(256); // it did report many tempo changes
    expect(f.eventsSince(0).length).toBeLessThanOrEqual(256);
  });

  it('a tempo out of range is a project error naming the range, not a RangeError', () => {
    expect(() => new InternalClock(401)).toThrow(InvalidValueError);
    expect(() => new InternalClock(10)).toThrow('bpm must be a tempo from 20 to 400 BPM, got 10');
  });
});
