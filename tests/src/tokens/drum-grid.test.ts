import { describe, expect, it } from 'vitest';
import { drawGrid, gridToSequence, onsetsPerBar, patterns, quantizeDrums } from '../../../src/tokens/drum-grid';
import { CLASS_LABELS } from '../../../src/music/drum-map';
import type { Note } from '../../../src/music/sequence';

const hit = (pitch: number, startTicks: number, velocity = 100): Note => ({ pitch, velocity, startTicks, durationTicks: 60, channel: 9 });

describe('drum grid', () => {
  it('quantises to 16ths and keeps velocity and micro-timing', () => {
    const { grid, unmapped } = quantizeDrums([hit(36, 0), hit(38, 960 + 30, 90), hit(22, 240 - 60, 50), hit(60, 0)], 16);
    expect(unmapped).toBe(1);
    expect(grid.velocity[0 * 9 + 0]).toBe(100); // kick on step 0
    expect(grid.velocity[4 * 9 + 1]).toBe(90); // snare on step 4, 30 ticks late
    expect(grid.offset[4 * 9 + 1]).toBeCloseTo(30 / 240, 6);
    expect(grid.velocity[1 * 9 + 2]).toBe(50); // TD-11 closed-hat edge, 60 ticks early on step 1
    expect(grid.offset[1 * 9 + 2]).toBeCloseTo(-0.25, 6);
    expect(patterns(grid).slice(0, 5)).toEqual([1, 4, 0, 0, 2]);
  });

  it('keeps the louder of two hits of one class on one step', () => {
    const { grid } = quantizeDrums([hit(38, 0, 40), hit(40, 10, 110)], 1);
    expect(grid.velocity[1]).toBe(110);
  });

  it('round-trips grid -> notes -> grid exactly', () => {
    const { grid } = quantizeDrums([hit(36, 0), hit(42, 250, 70), hit(38, 960 - 20, 88), hit(51, 3840 + 480)], 32);
    const seq = gridToSequence(grid, { bpm: 100 });
    expect(seq.notes.every((n) => n.channel === 9)).toBe(true);
    expect(seq.totalTicks).toBe(2 * 3840);
    const back = quantizeDrums(seq.notes, 32).grid;
    expect(Array.from(back.velocity)).toEqual(Array.from(grid.velocity));
    for (let i = 0; i < grid.offset.length; i++) expect(back.offset[i]).toBeCloseTo(grid.offset[i], 2);
  });

  it('counts onsets per bar and draws a picture', () => {
    const { grid } = quantizeDrums([hit(36, 0), hit(42, 0), hit(38, 3840)], 32);
    expect(onsetsPerBar(grid)).toEqual([2, 1]);
    const pic = drawGrid(grid, CLASS_LABELS).split('\n');
    expect(pic.at(-1)).toBe('KK |x...............|................|');
  });
});
