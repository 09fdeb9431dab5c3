import { describe, expect, it } from 'vitest';
import { cutClipPrimer, type ClipNote } from '../../../src/music/clip-primer';

const note = (pitch: number, startBeats: number, durationBeats = 0.25, velocity = 100): ClipNote => ({ pitch, startBeats, durationBeats, velocity });

describe('a clip as a primer (cutClipPrimer)', () => {
  it('keeps the last whole bars, moved to tick 0 on the model channel, whole bars long', () => {
    // 9 beats of 4/4: a one-beat pickup, then two bars.
    const clip = { lengthBeats: 9, notes: [note(36, 0), note(36, 1), note(38, 2.5, 0.5, 90), note(42, 8.75)] };
    const cut = cutClipPrimer(clip, { stepsPerBar: 16, channel: 9, maxBars: 7 });
    expect(cut.bars).toBe(2);
    expect(cut.clipBars).toBe(2);
    expect(cut.sequence.totalTicks).toBe(2 * 3840);
    expect(cut.sequence.notes).toEqual([
      { pitch: 36, velocity: 100, startTicks: 0, durationTicks: 240, channel: 9 },
      { pitch: 38, velocity: 90, startTicks: 1440, durationTicks: 480, channel: 9 },
      { pitch: 42, velocity: 100, startTicks: 7680 - 240, durationTicks: 240, channel: 9 },
    ]);
  });

  it('keeps at most maxBars (the last ones), and counts bars in the meter given', () => {
    const notes = Array.from({ length: 8 }, (_, bar) => note(60 + bar, bar * 3));
    // A jig's bar: 12 sixteenths = 3 beats; 8 bars, at most 3 kept: bars 5, 6, 7.
    const cut = cutClipPrimer({ lengthBeats: 24, notes }, { stepsPerBar: 12, channel: 0, maxBars: 3 });
    expect(cut.bars).toBe(3);
    expect(cut.clipBars).toBe(8);
    expect(cut.sequence.totalTicks).toBe(3 * 2880);
    expect(cut.sequence.notes.map((n) => [n.pitch, n.startTicks])).toEqual([
      [65, 0],
      [66, 2880],
      [67, 5760],
    ]);
  });

  it('reads 32-bit OSC floats of beats back to exact ticks', () => {
    const start = Math.fround(61 + 5 / 960);
    const cut = cutClipPrimer({ lengthBeats: 64, notes: [note(40, start, Math.fround(1 / 3))] }, { stepsPerBar: 16, channel: 1, maxBars: 63 });
    expect(cut.sequence.notes[0].startTicks).toBe(61 * 960 + 5);
    expect(cut.sequence.notes[0].durationTicks).toBe(320);
  });

  it('refuses a clip shorter than a bar and a length that leaves no new bar, naming what is allowed', () => {
    expect(() => cutClipPrimer({ lengthBeats: 3, notes: [note(36, 0)] }, { stepsPerBar: 16, channel: 9, maxBars: 3 })).toThrow(
      'primer must be at least one whole bar (4 beats), got "3 beats"',
    );
    expect(() => cutClipPrimer({ lengthBeats: 8, notes: [note(36, 0)] }, { stepsPerBar: 16, channel: 9, maxBars: 0 })).toThrow(
      'bars must be at least 2 to continue a clip (its bars are part of the suggestion), got 1',
    );
  });
});
