import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { es5Problems } from '../../max-device/src/check';
import { JsHost } from './fakes/js-host';
import { FakeLiveSet, type FakeClip, type LiveNote } from './fakes/live-api';

const READER = join(import.meta.dirname, '../../max-device/src/tandem-live-reader.js');
const n = (pitch: number, start_time: number, velocity = 100, duration = 0.25, mute = 0): LiveNote => ({ pitch, start_time, duration, velocity, mute });
const clip = (name: string, length: number, notes: LiveNote[], loop?: FakeClip['loop']): FakeClip => ({ name, length, notes, ...(loop ? { loop } : {}) });
/** What the reader sent for one Continue: begin args, the notes as [pitch, start, duration, velocity], end. */
function primerOf(js: JsHost): { begin: unknown[]; notes: number[][]; messages: number; ended: boolean } {
  const msgs = js.outlets.filter((o) => o[1] === 'primer').map((o) => o.slice(2));
  const flat = msgs.filter((m) => m[0] === 'notes').flatMap((m) => m.slice(1) as number[]);
  const notes: number[][] = [];
  for (let i = 0; i < flat.length; i += 4) notes.push(flat.slice(i, i + 4));
  return {
    begin: msgs.find((m) => m[0] === 'begin')?.slice(1) ?? [],
    notes,
    messages: msgs.filter((m) => m[0] === 'notes').length,
    ended: msgs.some((m) => m[0] === 'end'),
  };
}

describe('Live reader (js, against a fake LiveAPI): the clip to continue', () => {
  it('is ES5, one inlet and one outlet, and reads nothing before live.thisdevice', () => {
    expect(es5Problems(readFileSync(READER, 'utf8'))).toEqual([]);
    const set = new FakeLiveSet({ tracks: [[clip('beat', 8, [n(36, 0)])]], deviceTrack: 0, detailClip: { track: 0, slot: 0 } });
    const js = new JsHost(READER, set);
    expect([js.global('inlets'), js.global('outlets')]).toEqual([1, 1]);
    js.send('readclip');
    expect(set.calls).toEqual([]);
    expect(js.statuses()).toEqual(['error: Live is not ready yet; press Continue again in a moment']);
  });

  it('reads the clip shown in the Detail View on its track: inside the loop, from the loop start, muted notes left out, velocities whole', () => {
    // A 16-beat clip looping over beats 4-12: notes before and after the loop are not played.
    const notes = [n(36, 0), n(36, 4, 101.6), n(42, 4.5, 64), n(38, 6, 90, 0.5), n(38, 7, 90, 0.25, 1), n(36, 11.75), n(49, 12)];
    const set = new FakeLiveSet({
      tracks: [[null], [clip('my groove', 16, notes, { looping: true, start: 4, end: 12 })]],
      deviceTrack: 1,
      detailClip: { track: 1, slot: 0 },
    });
    const js = new JsHost(READER, set);
    js.send('bang');
    js.send('readclip');
    expect(primerOf(js)).toEqual({
      begin: [8, 'my', 'groove'],
      notes: [
        [36, 0, 0.25, 102],
        [42, 0.5, 0.25, 64],
        [38, 2, 0.5, 90],
        [36, 7.75, 0.25, 100],
      ],
      messages: 1,
      ended: true,
    });
    expect(set.calls).toContain('live_set tracks 1 clip_slots 0 clip: get_notes_extended 0 128 4 8');
    expect(set.errors).toEqual([]);
  });

  it('without a shown clip on its track, takes the one playing on it, then the highlighted one; says when there is none', () => {
    const set = new FakeLiveSet({
      tracks: [[clip('other track', 4, [n(60, 0)])], [clip('A', 4, [n(36, 0)]), clip('B', 4, [n(38, 1)]), null]],
      deviceTrack: 1,
      detailClip: { track: 0, slot: 0 },
      playing: { 1: 1 },
      highlighted: { track: 1, slot: 0 },
    });
    const js = new JsHost(READER, set);
    js.send('bang');
    js.send('readclip');
    expect(primerOf(js).notes).toEqual([[38, 1, 0.25, 100]]);
    set.playing[1] = -2; // a stop button fired: nothing plays
    js.outlets.length = 0;
    js.send('readclip');
    expect(primerOf(js).notes).toEqual([[36, 0, 0.25, 100]]);
    set.highlighted = { track: 1, slot: 2 }; // an empty slot
    js.outlets.length = 0;
    js.send('readclip');
    expect(primerOf(js).ended).toBe(false);
    expect(js.statuses()).toEqual(['error: no clip to continue: show a clip of this track in the Detail View, or play one']);
  });

  it('sends a long clip in messages of 32 notes, an empty one as begin/end, and refuses an audio clip', () => {
    const many = Array.from({ length: 70 }, (_, i) => n(36 + (i % 3), i * 0.25));
    const set = new FakeLiveSet({
      tracks: [[clip('busy', 32, many), clip('empty', 4, []), { ...clip('vox', 4, []), audio: true }]],
      deviceTrack: 0,
      detailClip: { track: 0, slot: 0 },
    });
    const js = new JsHost(READER, set);
    js.send('bang');
    js.send('readclip');
    const p = primerOf(js);
    expect([p.notes.length, p.messages]).toEqual([70, 3]);
    set.detailClip = { track: 0, slot: 1 };
    js.outlets.length = 0;
    js.send('readclip');
    expect(primerOf(js)).toEqual({ begin: [4, 'empty'], notes: [], messages: 0, ended: true });
    set.detailClip = { track: 0, slot: 2 };
    js.outlets.length = 0;
    js.send('readclip');
    expect(js.statuses()).toEqual(['error: the clip is an audio clip; Continue needs a MIDI clip']);
  });

  it('reads with get_notes on Live 10 (no get_notes_extended)', () => {
    const set = new FakeLiveSet({
      tracks: [[clip('old', 4, [n(40, 1, 80), n(43, 2, 70, 0.5, 1)])]],
      deviceTrack: 0,
      detailClip: { track: 0, slot: 0 },
      liveVersion: 10,
    });
    const js = new JsHost(READER, set);
    js.send('bang');
    js.send('readclip');
    expect(primerOf(js).notes).toEqual([[40, 1, 0.25, 80]]);
    expect(set.calls.some((c) => c.includes('get_notes 0 0 4 128'))).toBe(true);
    expect(set.errors).toEqual([]);
  });
});

describe("Live reader: the Set's scale", () => {
  it('sends the scale when Live is ready and on each change (one observer per property), once per change', () => {
    const set = new FakeLiveSet({ tracks: [[null]], deviceTrack: 0, scale: { root: 2, intervals: [0, 2, 3, 5, 7, 9, 10], mode: 1, name: 'Dorian' } });
    const js = new JsHost(READER, set);
    expect(js.outlets).toEqual([]);
    js.send('bang');
    const scales = () => js.outlets.filter((o) => o[1] === 'scale').map((o) => o.slice(2));
    expect(scales()).toEqual([[1, 2, 0, 2, 3, 5, 7, 9, 10]]);
    set.setScale({ root: 9, intervals: [0, 2, 3, 5, 7, 8, 10], name: 'Minor' });
    expect(scales().at(-1)).toEqual([1, 9, 0, 2, 3, 5, 7, 8, 10]);
    const count = scales().length;
    set.setScale({ mode: 0 });
    expect(scales().length).toBe(count + 1);
    expect(scales().at(-1)).toEqual([0, 9, 0, 2, 3, 5, 7, 8, 10]);
    js.send('bang'); // a second bang (preset load) does not observe twice
    set.setScale({ mode: 1 });
    expect(scales().length).toBe(count + 2);
    expect(set.errors).toEqual([]);
  });

  it('says -1 for the mode in a Live without Song.scale_mode (before 12.1)', () => {
    const set = new FakeLiveSet({
      tracks: [[null]],
      deviceTrack: 0,
      liveVersion: 12,
      liveMinor: 0,
      scale: { root: 7, intervals: [0, 2, 4, 5, 7, 9, 11], mode: 1, name: 'Major' },
    });
    const js = new JsHost(READER, set);
    js.send('bang');
    expect(js.outlets.filter((o) => o[1] === 'scale').map((o) => o.slice(2))).toEqual([[-1, 7, 0, 2, 4, 5, 7, 9, 11]]);
    expect(set.errors).toEqual([]);
  });
});
