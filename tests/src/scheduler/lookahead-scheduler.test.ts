import { describe, expect, it } from 'vitest';
import { InternalClock } from '../../../src/clock/internal-clock';
import { LookaheadScheduler, type TimedMessage } from '../../../src/scheduler/lookahead-scheduler';
import type { Note } from '../../../src/music/sequence';

const note = (startTicks: number, pitch = 36, durationTicks = 120, channel = 9): Note => ({ pitch, velocity: 100, startTicks, durationTicks, channel });

/** Runs the tick loop on a fake clock from `from` to `to` ms every `everyMs`, with optional actions at times. */
function run(s: LookaheadScheduler, from: number, to: number, everyMs = 20, at: Record<number, () => void> = {}): TimedMessage[] {
  const out: TimedMessage[] = [];
  for (let t = from; t <= to; t += everyMs) {
    at[t]?.();
    out.push(...s.tick(t));
  }
  return out;
}

const ons = (m: TimedMessage[]) => m.filter((x) => (x.bytes[0] & 0xf0) === 0x90);
const offs = (m: TimedMessage[]) => m.filter((x) => (x.bytes[0] & 0xf0) === 0x80);

describe('lookahead scheduler', () => {
  it('sends each note at its exact time, ahead of time, with its note-off', () => {
    const clock = new InternalClock(120);
    const s = new LookaheadScheduler(clock, { lookaheadMs: 100 });
    s.schedule([0, 240, 480, 960, 3840].map((t) => note(t)));
    clock.start(0);
    const handed: Array<{ atMs: number; m: TimedMessage }> = [];
    for (let t = 0; t <= 2500; t += 20) for (const m of s.tick(t)) handed.push({ atMs: t, m });
    const msgs = handed.map((h) => h.m);
    expect(ons(msgs).map((m) => m.timeMs)).toEqual([0, 125, 250, 500, 2000]);
    expect(offs(msgs).map((m) => m.timeMs)).toEqual([62.5, 187.5, 312.5, 562.5, 2062.5]);
    // Handed out ahead of its time (never late), within the 100 ms lookahead, and not a tick
    // earlier than needed: the tick before would have been more than 100 ms ahead.
    for (const { atMs, m } of handed) {
      expect(m.timeMs, `message at ${m.timeMs} ms handed out at ${atMs} ms`).toBeGreaterThanOrEqual(atMs);
      expect(m.timeMs - atMs).toBeLessThan(100);
      if (atMs > 0) expect(m.timeMs - (atMs - 20)).toBeGreaterThanOrEqual(100);
    }
  });

  it('hands out nothing from a held position on, and all of it (none dropped) once the hold is lifted', () => {
    const clock = new InternalClock(120);
    const s = new LookaheadScheduler(clock, { lookaheadMs: 100 });
    s.schedule([0, 240, 480].map((t) => note(t)));
    clock.start(0);
    const held: TimedMessage[] = [];
    for (let t = 0; t <= 300; t += 20) held.push(...s.tick(t, 480)); // the phrase at 480 ticks (250 ms) is not saved yet
    expect(ons(held).map((m) => m.timeMs)).toEqual([0, 125]);
    expect(s.horizonTicks).toBeLessThanOrEqual(480);
    const after = s.tick(320); // saved: handed out at once, late by the hold (the scheduler never sends before now)
    expect(ons(after).map((m) => m.timeMs)).toEqual([320]);
  });

  it('moves what is not yet sent when the tempo changes', () => {
    const clock = new InternalClock(120);
    const s = new LookaheadScheduler(clock, { lookaheadMs: 50 });
    s.schedule([note(0), note(1920), note(3840)]);
    clock.start(0);
    const msgs = run(s, 0, 3000, 10, { 500: () => clock.setTempo(60, 500) });
    // up to 500 ms: 960 ticks at 120; after: 60 BPM, so tick 1920 at 1500 ms and 3840 at 3500 (not reached)
    expect(ons(msgs).map((m) => m.timeMs)).toEqual([0, 1500]);
  });

  it('releases sounding notes and sends All Notes Off on Stop', () => {
    const clock = new InternalClock(120);
    const s = new LookaheadScheduler(clock);
    s.schedule([note(0, 36, 1920), note(0, 60, 1920, 0), note(3840)]);
    clock.start(0);
    const msgs = run(s, 0, 3000, 20, { 400: () => clock.stop(400) });
    expect(ons(msgs)).toHaveLength(2);
    const after = msgs.filter((m) => m.timeMs >= 400);
    expect(
      offs(after)
        .map((m) => [m.bytes[0], m.bytes[1]])
        .sort(),
    ).toEqual([
      [0x80, 60],
      [0x89, 36],
    ]);
    expect(
      after
        .filter((m) => m.bytes[1] === 123)
        .map((m) => m.bytes[0])
        .sort(),
    ).toEqual([0xb0, 0xb9]);
    expect(msgs.every((m) => m.timeMs <= 400 || (m.bytes[0] & 0xf0) !== 0x90)).toBe(true);
  });

  it('balances every note-on with a note-off across stop, relocate and restart', () => {
    const clock = new InternalClock(100);
    const s = new LookaheadScheduler(clock);
    const notes = Array.from({ length: 64 }, (_, i) => note(i * 240, 36 + (i % 5), 300 + (i % 3) * 200));
    s.schedule(notes);
    clock.start(0);
    const msgs = run(s, 0, 6000, 15, {
      990: () => clock.stop(990),
      1500: () => {
        clock.locate(960, 1500);
        clock.continue(1500);
        s.schedule(notes.filter((n) => n.startTicks >= 960));
      },
      3000: () => clock.locate(0, 3000),
    });
    msgs.push(...s.panic(6000));
    const open = new Map<string, number>();
    for (const m of msgs) {
      const key = `${m.bytes[0] & 0x0f}:${m.bytes[1]}`;
      if ((m.bytes[0] & 0xf0) === 0x90) open.set(key, (open.get(key) ?? 0) + 1);
      if ((m.bytes[0] & 0xf0) === 0x80) open.set(key, Math.max(0, (open.get(key) ?? 0) - 1));
    }
    expect([...open.values()].every((v) => v === 0)).toBe(true);
  });

  it('releases a pitch before sounding it again when notes overlap', () => {
    const clock = new InternalClock(120);
    const s = new LookaheadScheduler(clock);
    s.schedule([note(0, 40, 960, 0), note(480, 40, 960, 0)]);
    clock.start(0);
    const msgs = run(s, 0, 1500);
    expect(msgs.map((m) => [m.timeMs, m.bytes[0]])).toEqual([
      [0, 0x90],
      [250, 0x80],
      [250, 0x90],
      [750, 0x80],
    ]);
  });

  it('shifts everything by the latency offset, either way', () => {
    for (const latencyMs of [15, -15]) {
      const clock = new InternalClock(120);
      const s = new LookaheadScheduler(clock, { latencyMs });
      s.schedule([note(960)]);
      clock.start(0);
      expect(ons(run(s, 0, 1000, 10))[0].timeMs).toBe(500 + latencyMs);
    }
  });

  it('sends nothing while stopped', () => {
    const clock = new InternalClock(120);
    const s = new LookaheadScheduler(clock);
    s.schedule([note(0)]);
    expect(run(s, 0, 500)).toEqual([]);
  });
});
