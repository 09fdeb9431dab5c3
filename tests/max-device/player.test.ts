import { describe, expect, it } from 'vitest';
import { PatchPlayer, SILENT_SLOT, stepMessages, type Pattern } from '../../max-device/src/client/player';
import { InvalidValueError } from '../../src/errors';

// One bar of 4 beats: kick on 1 and 3, snare on 2 and 4, a hat pushed 5/960 of a beat late.
const BAR: Pattern = {
  lengthBeats: 4,
  notes: [
    { pitch: 36, velocity: 100, startBeats: 0, durationBeats: 0.25 },
    { pitch: 38, velocity: 90, startBeats: 1, durationBeats: 0.25 },
    { pitch: 42, velocity: 60, startBeats: 1 + 5 / 960, durationBeats: 0.125 },
    { pitch: 36, velocity: 100, startBeats: 2, durationBeats: 0.25 },
    { pitch: 38, velocity: 90, startBeats: 3, durationBeats: 0.25 },
  ],
};
const OTHER: Pattern = { lengthBeats: 8, notes: [{ pitch: 42, velocity: 70, startBeats: 0.5, durationBeats: 0.5 }] };
const plays = (m: unknown[][]) => m.filter((x) => x[0] === 'play');

describe('the patch player’s Node side (what Node still decides)', () => {
  it('stores each note under its 16th, with its offset and length in ticks (480 a beat)', () => {
    expect(stepMessages(1, BAR, 16)).toEqual([
      ['pat', 1, 0, 36, 100, 120, 0],
      ['pat', 1, 4, 38, 90, 120, 0, 42, 60, 60, 2.5],
      ['pat', 1, 8, 36, 100, 120, 0],
      ['pat', 1, 12, 38, 90, 120, 0],
    ]);
    // A note pushed early before the loop start belongs to the end of the loop.
    expect(stepMessages(0, { lengthBeats: 4, notes: [{ pitch: 36, velocity: 1, startBeats: -0.01, durationBeats: 0.25 }] }, 16)).toEqual([
      ['pat', 0, 15, 36, 1, 120, 115.2],
    ]);
  });

  it('plays the first pattern at once, from the song grid, in a free slot', () => {
    let now = 0;
    const p = new PatchPlayer({ now: () => now });
    const m = p.load(BAR);
    expect(m[0]).toEqual(['pat', 0, 'clear']);
    expect(plays(m)).toEqual([['play', -1, 0, 16, 0, 16]]);
    expect(p.update({ bpm: 120, ticks: 0, playing: true })).toEqual([]);
    now = 500;
    expect(p.update({ bpm: 120, ticks: 480, playing: true })).toEqual([]);
  });

  it('schedules a new pattern at the first bar line at least the margin ahead, and makes it final once passed', () => {
    let now = 0;
    const p = new PatchPlayer({ now: () => now, marginMs: 250 });
    p.load(BAR);
    p.update({ bpm: 120, ticks: 0, playing: true });
    now = 1800; // Node thinks the playhead is at beat 3.6: bar 2 starts 200 ms later, under the margin
    const m = p.load(OTHER);
    expect(m[0]).toEqual(['pat', 1, 'clear']);
    expect(plays(m)).toEqual([['play', 3840, 1, 32, 0, 16]]); // bar 3, new slot 1 (8 beats), before it slot 0
    now = 1820;
    expect(p.update({ bpm: 120, ticks: 1747, playing: true })).toEqual([]);
    now = 4000;
    expect(p.update({ bpm: 120, ticks: 3841, playing: true })).toEqual([['play', -1, 1, 32, 1, 32]]);
    // A third pattern goes to the slot nobody reads.
    expect(p.load(BAR)[0]).toEqual(['pat', 0, 'clear']);
  });

  it('a pattern that replaces one not yet started takes its bar line; one about to start plays until then', () => {
    let now = 0;
    const p = new PatchPlayer({ now: () => now });
    p.load(BAR);
    p.update({ bpm: 120, ticks: 0, playing: true });
    now = 100;
    expect(plays(p.load(OTHER))).toEqual([['play', 1920, 1, 32, 0, 16]]);
    expect(plays(p.load(BAR))).toEqual([['play', 1920, 2, 16, 0, 16]]); // replaces OTHER at the same bar line, slot 1 unread
    now = 1900; // the switch at 1920 is 20 ms away: the next goes a bar later, after slot 2
    expect(plays(p.load(OTHER))).toEqual([['play', 3840, 1, 32, 2, 16]]);
  });

  it('moves a pending switch after a jump back, and makes it final when the host stops', () => {
    let now = 0;
    const p = new PatchPlayer({ now: () => now });
    p.load(BAR);
    p.update({ bpm: 120, ticks: 6 * 480, playing: true });
    now = 100;
    expect(plays(p.load(OTHER))).toEqual([['play', 3840, 1, 32, 0, 16]]);
    now = 200;
    // Loop brace back to bar 1: the switch would wait 6 beats; it moves to the next bar line.
    expect(p.update({ bpm: 120, ticks: 100, playing: true })).toEqual([['play', 1920, 1, 32, 0, 16]]);
    // Stopping needs no `stop` from Node: the patch silences itself (a late one would cut the next notes).
    expect(p.update({ bpm: 120, ticks: 300, playing: false })).toEqual([['play', -1, 1, 32, 1, 32]]);
    expect(p.update({ bpm: 120, ticks: 300, playing: false })).toEqual([]);
  });

  it('a suggestion in 6/8 takes over on its own bar lines (3 beats), also after a jump back', () => {
    let now = 0;
    const p = new PatchPlayer({ now: () => now });
    p.load(BAR);
    p.update({ bpm: 120, ticks: 480, playing: true });
    now = 100;
    const jig: Pattern = { lengthBeats: 3, beatsPerBar: 3, notes: [{ pitch: 36, velocity: 100, startBeats: 0, durationBeats: 0.25 }] };
    expect(plays(p.load(jig))).toEqual([['play', 1440, 1, 12, 0, 16]]); // 480 + 96 + 240 ticks: bar 2 of 6/8
    now = 200;
    p.update({ bpm: 120, ticks: 600, playing: true });
    expect(p.update({ bpm: 120, ticks: 6000, playing: true })).toEqual([['play', -1, 1, 12, 1, 12]]);
    now = 300;
    expect(plays(p.load(jig))).toEqual([['play', 7200, 0, 12, 1, 12]]); // 6000 + 96 + 240 -> 7200, a multiple of 1440
    expect(p.update({ bpm: 120, ticks: 10, playing: true })).toEqual([['play', 1440, 0, 12, 1, 12]]);
  });

  it('never sends stop: Stop and Follow are the patch’s own (a message from a stalled Node would come late)', () => {
    let now = 0;
    const p = new PatchPlayer({ now: () => now });
    const sent = [...p.load(BAR)];
    for (const [ticks, playing] of [
      [0, true],
      [480, true],
      [500, false],
      [500, false],
      [0, true],
    ] as const) {
      now += 100;
      sent.push(...p.update({ bpm: 120, ticks, playing }));
    }
    sent.push(...p.load(OTHER));
    expect(sent.map((m) => m[0]).filter((x) => x !== 'pat' && x !== 'play')).toEqual([]);
    expect(sent.some((m) => m[0] === 'play' && m[2] === SILENT_SLOT)).toBe(false);
  });

  it('names a pattern it cannot loop with the project’s error', () => {
    const p = new PatchPlayer();
    expect(() => p.load({ notes: [], lengthBeats: 0 })).toThrow(InvalidValueError);
    expect(() => p.load({ notes: [], lengthBeats: 0 })).toThrow('pattern length must be more than 0 beats, got 0');
    expect(() => new PatchPlayer({ beatsPerBar: 0 })).toThrow('beats per bar must be more than 0, got 0');
  });
});
