import { describe, expect, it } from 'vitest';
import { LookaheadPlayer, type Pattern } from '../../max-device/src/client/player';
import { InvalidValueError } from '../../src/errors';

// One bar of 4 beats: kick on 1 and 3, snare on 2 and 4.
const BAR: Pattern = {
  lengthBeats: 4,
  notes: [
    { pitch: 36, velocity: 100, startBeats: 0, durationBeats: 0.25 },
    { pitch: 38, velocity: 90, startBeats: 1, durationBeats: 0.25 },
    { pitch: 36, velocity: 100, startBeats: 2, durationBeats: 0.25 },
    { pitch: 38, velocity: 90, startBeats: 3, durationBeats: 0.25 },
  ],
};
const OTHER: Pattern = { lengthBeats: 4, notes: [{ pitch: 42, velocity: 70, startBeats: 0.5, durationBeats: 0.5 }] };

/** Reports every `stepMs` from `fromBeat` at `bpm` for `ms`; returns the absolute beat of each note handed out. */
function run(p: LookaheadPlayer, bpm: number, fromBeat: number, ms: number, stepMs = 20): { beat: number; pitch: number; durationMs: number }[] {
  const out: { beat: number; pitch: number; durationMs: number }[] = [];
  for (let t = 0; t <= ms; t += stepMs) {
    const beat = fromBeat + (t / 60_000) * bpm;
    for (const n of p.update({ bpm, beat, playing: true }).notes) out.push({ beat: Math.round((beat + (n.delayMs * bpm) / 60_000) * 100) / 100, pitch: n.pitch, durationMs: n.durationMs });
  }
  return out;
}

describe('lookahead player', () => {
  it('hands out every note once, ahead of time, with its delay and duration in ms', () => {
    const p = new LookaheadPlayer({ lookaheadMs: 100 });
    p.setPattern(BAR);
    const notes = run(p, 120, 0, 3990); // 120 BPM: 2 beats a second, ~8 beats
    expect(notes.map((n) => n.beat)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(notes.map((n) => n.pitch)).toEqual([36, 38, 36, 38, 36, 38, 36, 38, 36]);
    expect(notes[0].durationMs).toBe(125); // a 16th at 120 BPM
    // Never later than the lookahead: the first report at beat 0 already holds the downbeat with delay 0.
    const q = new LookaheadPlayer({ lookaheadMs: 100 });
    q.setPattern(BAR);
    expect(q.update({ bpm: 120, beat: 0, playing: true }).notes).toEqual([{ pitch: 36, velocity: 100, durationMs: 125, delayMs: 0, atTicks: 0 }]);
    expect(q.update({ bpm: 120, beat: 0.85, playing: true }).notes).toEqual([{ pitch: 38, velocity: 90, durationMs: 125, delayMs: 75, atTicks: 480 }]); // the song position, for the patch
  });

  it('joins a playing song in the middle, aligned to the song (pattern beat 0 on song bar lines)', () => {
    const p = new LookaheadPlayer();
    p.setPattern(BAR);
    expect(run(p, 100, 9.5, 1500).map((n) => [n.beat, n.pitch])).toEqual([
      [10, 36],
      [11, 38],
      [12, 36],
    ]);
  });

  it('switches to a new suggestion at the next bar line', () => {
    const p = new LookaheadPlayer();
    p.setPattern(BAR);
    const first = run(p, 120, 0, 1000); // up to beat 2.2
    p.setPattern(OTHER); // cursor is in bar 1: switch at beat 4
    const rest = run(p, 120, 2.02, 3300); // to beat 8.62
    expect([...first, ...rest].map((n) => [n.beat, n.pitch])).toEqual([
      [0, 36],
      [1, 38],
      [2, 36],
      [3, 38],
      [4.5, 42],
      [8.5, 42],
    ]);
  });

  it('asks for a stop when the host stops, and restarts from the playhead after a jump', () => {
    const p = new LookaheadPlayer();
    p.setPattern(BAR);
    run(p, 120, 0, 500);
    expect(p.update({ bpm: 120, beat: 1.2, playing: false })).toEqual({ notes: [], stop: true });
    expect(p.update({ bpm: 120, beat: 1.2, playing: false })).toEqual({ notes: [], stop: false });
    // Loop brace back to beat 0.96: the snare on beat 1 comes again.
    expect(run(p, 120, 0.96, 100).map((n) => n.beat)).toEqual([1]);
    expect(run(p, 120, 0.5, 0).map((n) => n.beat)).toEqual([]); // jumped back, nothing within 100 ms
    expect(() => p.setPattern({ notes: [], lengthBeats: 0 })).toThrow(InvalidValueError);
    expect(() => p.setPattern({ notes: [], lengthBeats: 0 })).toThrow('pattern length must be more than 0 beats, got 0');
  });
});
