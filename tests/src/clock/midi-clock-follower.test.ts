import { describe, expect, it } from 'vitest';
import { MIDI_CLOCK, MIDI_CONTINUE, MIDI_SONG_POSITION, MIDI_START, MIDI_STOP, MidiClockFollower } from '../../../src/clock/midi-clock-follower';
import { InternalClock } from '../../../src/clock/internal-clock';
import { makeRng, gaussian } from '../../../src/random';
import { InvalidValueError } from '../../../src/errors';

/** Sends clocks at `bpm` from `t0` for `count` clocks, with gaussian jitter (ms std); returns the time after. */
function clocks(f: MidiClockFollower, t0: number, count: number, bpm: number | ((i: number) => number), jitterMs = 0, seed = 1): number {
  const rng = makeRng(seed);
  let t = t0;
  for (let i = 0; i < count; i++) {
    f.feed(MIDI_CLOCK, t + (jitterMs ? jitterMs * gaussian(rng) : 0));
    const b = typeof bpm === 'number' ? bpm : bpm(i);
    t += 60_000 / (24 * b);
  }
  return t;
}

describe('MIDI clock follower: tempo', () => {
  it('tracks a steady clock with 1 ms jitter to within 0.1 BPM', () => {
    for (const bpm of [60, 97, 120, 174]) {
      const f = new MidiClockFollower();
      clocks(f, 0, 24 * 8, bpm, 1, bpm);
      expect(Math.abs(f.bpm - bpm), `${bpm}`).toBeLessThan(0.1);
    }
  });

  it('settles within one beat after a tempo step', () => {
    const f = new MidiClockFollower();
    let t = clocks(f, 0, 24 * 4, 120, 1);
    t = clocks(f, t, 24, 90, 1, 2); // one beat at the new tempo
    expect(Math.abs(f.bpm - 90)).toBeLessThan(1);
    clocks(f, t, 24 * 4, 90, 1, 3);
    expect(Math.abs(f.bpm - 90)).toBeLessThan(0.1);
  });

  it('follows an accelerating clock', () => {
    const f = new MidiClockFollower();
    const ramp = (i: number) => 100 + (i / (24 * 16)) * 40; // 100 -> 140 BPM over 16 beats
    clocks(f, 0, 24 * 16, ramp, 0.5);
    expect(Math.abs(f.bpm - 140)).toBeLessThan(2);
  });

  it('keeps measuring tempo while stopped (DAWs send clock when stopped)', () => {
    const f = new MidiClockFollower();
    clocks(f, 0, 96, 133);
    expect(f.playing).toBe(false);
    expect(f.bpm).toBeCloseTo(133, 1);
  });
});

describe('MIDI clock follower: how far ahead positions are firm', () => {
  const period = 60_000 / (24 * 97);

  it('is firm at once when the clock ran before Start', () => {
    const f = new MidiClockFollower({ initialBpm: 120 });
    const t = clocks(f, 0, 24, 97);
    f.feed(MIDI_START, t - 1);
    clocks(f, t, 1, 97);
    expect(f.playing).toBe(true);
    expect(f.firmUntilTicks()).toBe(Infinity);
  });

  it('after a Start with no clock before it, is firm a little past the last clock until a beat of clocks is in', () => {
    const f = new MidiClockFollower({ initialBpm: 120 });
    expect(f.firmUntilTicks()).toBe(Infinity); // stopped: nothing is placed
    f.feed(MIDI_START, 0);
    let t = clocks(f, 1, 1, 97);
    expect(f.firmUntilTicks()).toBe(40); // clock 0, and --bpm alone to go on: up to the next clock
    t = clocks(f, t, 1, 97);
    expect(f.firmUntilTicks()).toBe(2 * 40); // one interval: up to the next clock
    t = clocks(f, t, 1, 97);
    expect(f.firmUntilTicks()).toBe(3.5 * 40); // two intervals: a clock and a half
    t = clocks(f, t, 9, 97);
    expect(f.firmUntilTicks()).toBe((11 + 3) * 40); // 12 clocks in the fit: a quarter of that ahead
    expect(f.timeAtTicks(14 * 40)).toBeCloseTo(1 + 14 * period, 6);
    t = clocks(f, t, 12, 97);
    expect(f.firmUntilTicks()).toBe(Infinity);
  });

  it('holds back again while a new tempo is measured', () => {
    const f = new MidiClockFollower();
    f.feed(MIDI_START, 0);
    let t = clocks(f, 0, 48, 120);
    expect(f.firmUntilTicks()).toBe(Infinity);
    t = clocks(f, t, 6, 90);
    expect(f.firmUntilTicks()).toBeLessThan((48 + 6 + 2) * 40);
    clocks(f, t, 24, 90);
    expect(f.firmUntilTicks()).toBe(Infinity);
  });
});

describe('MIDI clock follower: transport', () => {
  it('starts at tick 0 on the first clock after Start and counts 40 ticks a clock', () => {
    const f = new MidiClockFollower();
    let t = clocks(f, 0, 48, 120);
    f.feed(MIDI_START, t - 5);
    expect(f.playing).toBe(false);
    t = clocks(f, t, 25, 120);
    expect(f.playing).toBe(true);
    const last = t - 60_000 / (24 * 120);
    expect(f.ticksAt(last)).toBeCloseTo(24 * 40, 3);
    expect(f.timeAtTicks(960 * 2)).toBeCloseTo(last + 500, 3);
    expect(f.eventsSince(0).map((e) => e.type)).toContain('start');
  });

  it('stops, relocates with Song Position Pointer and continues there', () => {
    const f = new MidiClockFollower();
    f.feed(MIDI_START, 0);
    let t = clocks(f, 0, 48, 120); // two beats: ticks 0..1880
    f.feed(MIDI_STOP, t);
    expect(f.playing).toBe(false);
    expect(f.ticksAt(t + 1000)).toBe(48 * 40); // holds where it stopped
    f.feed(MIDI_SONG_POSITION, t + 10, 32 & 0x7f, 32 >> 7); // 32 sixteenths = bar 3
    expect(f.ticksAt(t + 20)).toBe(32 * 240);
    f.feed(MIDI_CONTINUE, t + 30);
    t = clocks(f, t + 40, 1, 120);
    expect(f.playing).toBe(true);
    expect(f.ticksAt(t - 60_000 / (24 * 120))).toBeCloseTo(32 * 240, 3);
    const types = f.eventsSince(0).map((e) => e.type);
    expect(types.filter((x) => x !== 'tempo')).toEqual(['start', 'stop', 'position', 'continue']);
  });

  it('handles a 14-bit song position', () => {
    const f = new MidiClockFollower();
    f.feed(MIDI_SONG_POSITION, 0, 0x10, 0x02); // (2 << 7) | 16 = 272 sixteenths
    expect(f.ticksAt(0)).toBe(272 * 240);
  });

  it('stops when the clock is lost and resumes when it returns', () => {
    const f = new MidiClockFollower({ lossBeats: 2 });
    f.feed(MIDI_START, 0);
    let t = clocks(f, 0, 96, 120);
    f.update(t + 100);
    expect(f.playing).toBe(true);
    f.update(t + 1100); // more than two beats (1 s at 120) since the last clock
    expect(f.playing).toBe(false);
    const stop = f.eventsSince(0).find((e) => e.type === 'stop');
    expect(stop).toMatchObject({ reason: 'clock-lost', ticks: 96 * 40 });
    t = clocks(f, t + 3000, 24, 120);
    expect(f.playing).toBe(true);
    expect(f.eventsSince(0).filter((e) => e.type === 'continue')).toHaveLength(1);
  });

  it('ignores messages it does not know', () => {
    const f = new MidiClockFollower();
    f.feed(0x90, 0, 60, 100);
    f.feed(0xfe, 1);
    expect(f.eventCount).toBe(0);
  });
});

describe('internal clock', () => {
  it('runs, stops, continues, changes tempo and locates with the same interface', () => {
    const c = new InternalClock(120);
    c.start(1000);
    expect(c.ticksAt(1500)).toBe(960);
    c.setTempo(60, 1500);
    expect(c.ticksAt(2500)).toBe(1920);
    expect(c.timeAtTicks(2880)).toBe(3500);
    c.stop(2500);
    expect(c.ticksAt(9999)).toBe(1920);
    expect(c.timeAtTicks(2000)).toBeUndefined();
    c.continue(5000);
    expect(c.ticksAt(6000)).toBe(2880);
    c.locate(0, 6000);
    expect(c.ticksAt(6000)).toBe(0);
    expect(c.eventsSince(0).map((e) => e.type)).toEqual(['start', 'tempo', 'stop', 'continue', 'position']);
    // A project error naming the one tempo range, not a plain RangeError.
    expect(() => c.setTempo(0, 0)).toThrow(InvalidValueError);
    expect(() => c.setTempo(0, 0)).toThrow('bpm must be a tempo from 20 to 400 BPM, got 0');
  });
});
