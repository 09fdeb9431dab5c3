import { describe, expect, it } from 'vitest';
import {
  PPQ,
  TICKS_PER_CLOCK,
  TICKS_PER_STEP,
  barsToTicks,
  beatsToTicks,
  formatPosition,
  positionToTicks,
  rescaleTicks,
  secondsToTicks,
  stepsPerBar,
  stepsToTicks,
  ticksPerBar,
  ticksToBars,
  ticksToBeats,
  ticksToPosition,
  ticksToSeconds,
  ticksToSteps,
} from '../../../src/time/units';

describe('ticks and musical units', () => {
  it('uses 960 PPQ so a MIDI clock and a 16th step are whole ticks', () => {
    expect(PPQ).toBe(960);
    expect(TICKS_PER_CLOCK).toBe(40);
    expect(TICKS_PER_STEP).toBe(240);
  });

  it('knows bar lengths in several meters', () => {
    expect(ticksPerBar({ numerator: 4, denominator: 4 })).toBe(3840);
    expect(ticksPerBar({ numerator: 3, denominator: 4 })).toBe(2880);
    expect(ticksPerBar({ numerator: 6, denominator: 8 })).toBe(2880);
    expect(stepsPerBar({ numerator: 7, denominator: 8 })).toBe(14);
  });

  it('round-trips steps, beats and bars through ticks', () => {
    for (const n of [0, 1, 3, 15, 16, 17, 255]) expect(ticksToSteps(stepsToTicks(n))).toBe(n);
    for (const b of [0, 0.25, 1, 2.5, 7]) expect(ticksToBeats(beatsToTicks(b))).toBe(b);
    for (const bars of [0, 1, 2, 8, 64]) expect(ticksToBars(barsToTicks(bars))).toBe(bars);
    for (const bars of [1, 3]) expect(ticksToBars(barsToTicks(bars, { numerator: 6, denominator: 8 }), { numerator: 6, denominator: 8 })).toBe(bars);
  });

  it('round-trips seconds at a tempo to within half a tick', () => {
    for (const bpm of [60, 97, 120, 174.5]) {
      for (const t of [0, 1, 959, 3840, 123457]) {
        expect(Math.abs(secondsToTicks(ticksToSeconds(t, bpm), bpm) - t)).toBeLessThanOrEqual(0.5);
      }
    }
    expect(ticksToSeconds(PPQ, 120)).toBeCloseTo(0.5, 12);
  });

  it('round-trips bar/beat/step positions', () => {
    for (const t of [0, 1, 239, 240, 961, 3839, 3840, 12345]) {
      expect(positionToTicks(ticksToPosition(t))).toBe(t);
      expect(positionToTicks(ticksToPosition(t, { numerator: 6, denominator: 8 }), { numerator: 6, denominator: 8 })).toBe(t);
    }
    expect(formatPosition(3840 + 960 + 240)).toBe('2.2.2');
  });

  it('rescales file resolutions to ours', () => {
    expect(rescaleTicks(480, 480)).toBe(960);
    expect(rescaleTicks(1024, 1024)).toBe(960);
    expect(rescaleTicks(1, 480)).toBe(2);
  });
});
