import { describe, expect, it } from 'vitest';
import { TempoMap } from '../../../src/time/tempo-map';
import { InvalidValueError } from '../../../src/errors';

describe('TempoMap', () => {
  it('converts across tempo changes and back', () => {
    const map = new TempoMap([
      { ticks: 0, bpm: 120 },
      { ticks: 3840, bpm: 60 },
    ]);
    expect(map.ticksToSeconds(3840)).toBeCloseTo(2, 9); // one 4/4 bar at 120
    expect(map.ticksToSeconds(3840 + 960)).toBeCloseTo(3, 9); // a beat at 60 lasts 1 s
    for (const t of [0, 100, 3839, 3840, 5000, 20000]) expect(map.secondsToTicks(map.ticksToSeconds(t))).toBeCloseTo(t, 6);
    expect(map.bpmAt(3839)).toBe(120);
    expect(map.bpmAt(3840)).toBe(60);
  });

  it('defaults to 120 bpm and rejects a zero tempo', () => {
    expect(new TempoMap().ticksToSeconds(960)).toBeCloseTo(0.5, 9);
    expect(() => new TempoMap([{ ticks: 0, bpm: 0 }])).toThrow(InvalidValueError);
    expect(() => new TempoMap([{ ticks: 0, bpm: 0 }])).toThrow('tempo must be a positive tempo in BPM, got 0');
  });
});
