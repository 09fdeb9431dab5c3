import { describe, expect, it } from 'vitest';
import { SaveGate } from '../../bridge/live/save-gate';
import type { Note } from '../../src/music/sequence';

const note = (startTicks: number): Note => ({ pitch: 36, velocity: 100, startTicks, durationTicks: 120, channel: 9 });

/** A save that settles when told to. */
function pending(): { saving: Promise<void>; done: () => void } {
  let done = () => {};
  const saving = new Promise<void>((resolve) => (done = resolve));
  return { saving, done };
}

function gate() {
  const played: number[][] = [];
  const lines: string[] = [];
  let now = 0;
  const g = new SaveGate(
    (notes) => played.push(notes.map((n) => n.startTicks)),
    (l) => lines.push(l),
    () => now,
  );
  return { g, played, lines, at: (ms: number) => (now = ms) };
}

describe('SaveGate: a phrase is queued once it is saved', () => {
  it('holds each phrase until its save settles (failed saves too: the store has said why) and tells where the earliest held one starts', async () => {
    const { g, played } = gate();
    const a = pending();
    const b = pending();
    g.hold(0, [note(0), note(240)], a.saving);
    g.hold(3840, [note(3840)], b.saving);
    expect(g.heldFrom).toBe(0);
    expect(g.waiting).toBe(2);
    a.done();
    await a.saving;
    expect(played).toEqual([[0, 240]]);
    expect(g.heldFrom).toBe(3840);
    g.hold(7680, [note(7680)], Promise.reject(new Error('disk full')));
    b.done();
    await new Promise((r) => setTimeout(r, 0));
    expect(played.sort((x, y) => x[0] - y[0])).toEqual([[0, 240], [3840], [7680]]);
    expect(g.heldFrom).toBe(Infinity);
  });

  it('plays a phrase from memory when its first note is due before the save ends: said once for a slow disk, not for a phrase made for right now', () => {
    const { g, played, lines, at } = gate();
    g.hold(960, [note(960)], new Promise(() => {})); // made for right now (after a jump): due at once
    at(20);
    g.due(1000);
    expect(played).toEqual([[960]]);
    expect(lines).toEqual([]);
    g.hold(3840, [note(3840)], new Promise(() => {}));
    g.hold(7680, [note(7680)], new Promise(() => {}));
    at(3000); // the save has run 3 s
    g.due(3900);
    g.due(7700);
    expect(played).toEqual([[960], [3840], [7680]]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/saving a phrase takes longer than the music allows/);
  });

  it('forgets held notes from a position on (the session generates again from there)', async () => {
    const { g, played } = gate();
    const a = pending();
    g.hold(0, [note(0), note(1920), note(3000)], a.saving);
    g.dropFrom(1920);
    a.done();
    await a.saving;
    expect(played).toEqual([[0]]);
  });
});
