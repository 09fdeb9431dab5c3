import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { es5Problems } from '../../max-device/src/check';
import { JsHost } from './fakes/js-host';
import { FakeLiveSet, type FakeClip } from './fakes/live-api';

const WRITER = join(import.meta.dirname, '../../max-device/src/tandem-clip-writer.js');
const existing = (name: string): FakeClip => ({ name, length: 4, notes: [{ pitch: 60, start_time: 0, duration: 1, velocity: 90, mute: 0 }] });

/** A suggestion as the client sends it: begin, notes, end. */
const NOTES = [
  { pitch: 36, start: 0, dur: 0.25, vel: 110 },
  { pitch: 42, start: 0.5, dur: 0.125, vel: 64 },
  { pitch: 38, start: 1 + 5 / 960, dur: 0.25, vel: 97 },
  { pitch: 36, start: 7.75, dur: 0.25, vel: 80 },
];
function sendClip(js: JsHost, length = 8, genre = 'funk', density = 0.699999988079071, seed = 12): void {
  js.send('begin', length, genre, density, seed);
  for (const n of NOTES) js.send('note', n.pitch, n.start, n.dur, n.vel);
  js.send('end');
}
const expected = NOTES.map((n) => ({ pitch: n.pitch, start_time: n.start, duration: n.dur, velocity: n.vel, mute: 0 }));

describe('clip writer (js, against a fake LiveAPI)', () => {
  it('is ES5 and declares one inlet and one outlet', () => {
    expect(es5Problems(readFileSync(WRITER, 'utf8'))).toEqual([]);
    const js = new JsHost(WRITER, new FakeLiveSet({ tracks: [[null]], deviceTrack: 0 }));
    expect([js.global('inlets'), js.global('outlets')]).toEqual([1, 1]);
  });

  it('waits for live.thisdevice, then writes the notes into the first empty slot of its own track with add_new_notes', () => {
    const set = new FakeLiveSet({
      tracks: [
        [null, null],
        [existing('drums A'), null, null],
      ],
      deviceTrack: 1,
    });
    const js = new JsHost(WRITER, set);
    sendClip(js);
    expect(set.calls).toEqual([]); // nothing touches the Live API before the device is ready
    expect(js.statuses()).toEqual(['the clip is written as soon as Live is ready']);
    js.send('bang');
    const clip = set.tracks[1].slots[1]!;
    expect(clip).toEqual({ name: 'Tandem funk d0.7 #12', length: 8, notes: expected });
    expect(set.tracks[1].slots[0]).toEqual(existing('drums A')); // untouched
    expect(set.tracks[0].slots).toEqual([null, null]);
    expect(set.calls.some((c) => c.startsWith('live_set tracks 1 clip_slots 1 clip: add_new_notes'))).toBe(true);
    expect(set.errors).toEqual([]);
    expect(js.statuses().at(-1)).toBe('wrote "Tandem funk d0.7 #12" (4 notes, read back) to clip slot 2');
    expect(js.posts).toEqual(['tandem: wrote Tandem funk d0.7 #12 with add_new_notes with an object\n']);
  });

  it('uses the highlighted slot when it is on its track and empty, not when it is elsewhere or full', () => {
    const set = new FakeLiveSet({ tracks: [[null, null, null]], deviceTrack: 0, highlighted: { track: 0, slot: 2 } });
    const js = new JsHost(WRITER, set);
    js.send('bang');
    sendClip(js);
    expect(set.tracks[0].slots.map((c) => c?.name ?? null)).toEqual([null, null, 'Tandem funk d0.7 #12']);
    sendClip(js, 8, 'rock', 0.2, 13); // highlighted slot is now full: first empty one
    expect(set.tracks[0].slots.map((c) => c?.name ?? null)).toEqual(['Tandem rock d0.2 #13', null, 'Tandem funk d0.7 #12']);
    set.highlighted = { track: 1, slot: 0 }; // another track's slot (no track 1 here): ignored
    sendClip(js, 8, 'jazz', 0.5, 14);
    expect(set.tracks[0].slots[1]?.name).toBe('Tandem jazz d0.5 #14');
  });

  it('adds a scene when every slot is full, and never overwrites a clip', () => {
    const set = new FakeLiveSet({
      tracks: [
        [existing('a'), existing('b')],
        [null, null],
      ],
      deviceTrack: 0,
    });
    const js = new JsHost(WRITER, set);
    js.send('bang');
    sendClip(js);
    expect(set.scenes).toBe(3);
    expect(set.tracks[0].slots.map((c) => c?.name)).toEqual(['a', 'b', 'Tandem funk d0.7 #12']);
    expect(set.tracks[0].slots[0]).toEqual(existing('a'));
    expect(set.tracks[1].slots).toEqual([null, null, null]);
    expect(set.calls.filter((c) => c.includes('create_clip'))).toEqual(['live_set tracks 0 clip_slots 2: create_clip 8']);
  });

  it('falls back to set_notes on Live 10', () => {
    const set = new FakeLiveSet({ tracks: [[null]], deviceTrack: 0, liveVersion: 10 });
    const js = new JsHost(WRITER, set);
    js.send('bang');
    sendClip(js);
    expect(set.tracks[0].slots[0]!.notes).toEqual(expected);
    const seq = set.calls.filter((c) => c.startsWith('live_set tracks 0 clip_slots 0 clip:')).map((c) => c.split(': ')[1].split(' ')[0]);
    expect(seq).toEqual(['set_notes', 'notes', 'note', 'note', 'note', 'note', 'done', 'get_notes']);
    expect(set.errors).toEqual([]);
  });

  it('reads the clip back: a form of add_new_notes that adds nothing is caught, and the next form (a Dict) is used', () => {
    const set = new FakeLiveSet({ tracks: [[null]], deviceTrack: 0, addNewNotesTakes: ['dict'] });
    const js = new JsHost(WRITER, set);
    js.send('bang');
    sendClip(js);
    expect(set.tracks[0].slots[0]).toEqual({ name: 'Tandem funk d0.7 #12', length: 8, notes: expected });
    const onSlot = set.calls.filter((c) => c.startsWith('live_set tracks 0 clip_slots 0')).map((c) => c.split(': ')[1].split(' ').slice(0, 2).join(' '));
    expect(onSlot).toEqual([
      'create_clip 8',
      'add_new_notes {"notes":[{"pitch":36,"start_time":0,"duration":0.25,"velocity":110,"mute":0},{"pitch":42,"start_time":0.5,"duration":0.125,"velocity":64,"mute":0},{"pitch":38,"start_time":1.0052083333333333,"duration":0.25,"velocity":97,"mute":0},{"pitch":36,"start_time":7.75,"duration":0.25,"velocity":80,"mute":0}]}',
      'get_notes_extended 0',
      'delete_clip',
      'create_clip 8',
      'add_new_notes dictionary',
      'get_notes_extended 0',
    ]);
    expect(js.statuses().at(-1)).toBe('wrote "Tandem funk d0.7 #12" (4 notes, read back) to clip slot 1');
    expect(js.posts).toEqual([
      'tandem: wrote Tandem funk d0.7 #12 with add_new_notes with a Dict (after add_new_notes with an object: read back 0 of 4 notes)\n',
    ]);
    expect(set.errors).toEqual([]);
  });

  it('falls back to set_notes when no form of add_new_notes adds the notes', () => {
    const set = new FakeLiveSet({ tracks: [[null]], deviceTrack: 0, addNewNotesTakes: [] });
    const js = new JsHost(WRITER, set);
    js.send('bang');
    sendClip(js);
    expect(set.tracks[0].slots[0]).toEqual({ name: 'Tandem funk d0.7 #12', length: 8, notes: expected });
    expect(set.calls.filter((c) => c.endsWith('delete_clip'))).toHaveLength(2);
    expect(js.posts.at(-1)).toMatch(
      /with set_notes \(after add_new_notes with an object: read back 0 of 4 notes; add_new_notes with a Dict: read back 0 of 4 notes\)/,
    );
  });

  it('reports failure, and leaves no clip behind, when nothing Live was given reads back', () => {
    const set = new FakeLiveSet({ tracks: [[null, null]], deviceTrack: 0, addNewNotesTakes: [], setNotesWorks: false });
    const js = new JsHost(WRITER, set);
    js.send('bang');
    sendClip(js);
    expect(set.tracks[0].slots).toEqual([null, null]);
    expect(js.statuses().at(-1)).toBe(
      'error: could not write the clip: Live did not take the notes (add_new_notes with an object: read back 0 of 4 notes; add_new_notes with a Dict: read back 0 of 4 notes; set_notes: read back 0 of 4 notes); the suggestion is still saved as .mid',
    );
  });

  it("writes to the Arrangement at the playhead's bar with create_midi_clip (Live 12.1+), after the clips already there, never over them", () => {
    const verse = { name: 'verse', length: 4, notes: [{ pitch: 60, start_time: 0, duration: 1, velocity: 90, mute: 0 }], start: 8 };
    const set = new FakeLiveSet({ tracks: [[null]], deviceTrack: 0, songTime: 9.5, arrangement: { 0: [verse] } });
    const js = new JsHost(WRITER, set);
    js.send('bang');
    js.send('target', 1);
    sendClip(js);
    expect(set.tracks[0].arrangement).toEqual([verse, { name: 'Tandem funk d0.7 #12', length: 8, notes: expected, start: 12 }]);
    expect(set.overwritten).toEqual([]);
    expect(set.tracks[0].slots).toEqual([null]); // no Session clip on the way
    expect(set.calls).toContain('live_set tracks 0: create_midi_clip 12 8');
    expect(js.statuses().at(-1)).toBe('wrote "Tandem funk d0.7 #12" (4 notes, read back) to the Arrangement at bar 4');
    expect(set.errors).toEqual([]);
    // Back to the Session.
    js.send('target', 0);
    sendClip(js, 8, 'rock', 0.5, 13);
    expect(set.tracks[0].slots[0]?.name).toBe('Tandem rock d0.5 #13');
  });

  it('writes to the Arrangement through a Session clip and duplicate_clip_to_arrangement before Live 12.1, and removes the Session clip', () => {
    for (const [major, minor] of [
      [11, 3],
      [12, 0],
    ]) {
      const set = new FakeLiveSet({ tracks: [[existing('mine'), null]], deviceTrack: 0, songTime: 0, liveVersion: major, liveMinor: minor });
      const js = new JsHost(WRITER, set);
      js.send('bang');
      js.send('target', 1);
      sendClip(js);
      expect(set.tracks[0].arrangement, `Live ${major}.${minor}`).toEqual([{ name: 'Tandem funk d0.7 #12', length: 8, notes: expected, start: 0 }]);
      expect(set.tracks[0].slots).toEqual([existing('mine'), null]);
      expect(set.calls.some((c) => /^live_set tracks 0: duplicate_clip_to_arrangement id \d+ 0$/.test(c))).toBe(true);
      expect(set.calls.some((c) => c.includes('create_midi_clip'))).toBe(false);
      expect(js.statuses().at(-1)).toBe('wrote "Tandem funk d0.7 #12" (4 notes, read back) to the Arrangement at bar 1');
      expect(set.errors).toEqual([]);
    }
  });

  it('says so when the Arrangement cannot be written (Live 10), or the target is unknown', () => {
    const set = new FakeLiveSet({ tracks: [[null]], deviceTrack: 0, liveVersion: 10 });
    const js = new JsHost(WRITER, set);
    js.send('bang');
    js.send('target', 'timeline');
    expect(js.statuses().at(-1)).toBe('error: target must be 0 (Session) or 1 (Arrangement), got timeline');
    js.send('target', 1);
    sendClip(js);
    expect(js.statuses().at(-1)).toBe('error: could not write the clip: writing to the Arrangement needs Live 11 or newer (this is Live 10)');
    expect(set.tracks[0].slots).toEqual([null]);
  });

  it('finds its track from inside a rack', () => {
    const set = new FakeLiveSet({ tracks: [[null], [null]], deviceTrack: 1, inRack: true });
    const js = new JsHost(WRITER, set);
    js.send('bang');
    sendClip(js);
    expect(set.tracks[1].slots[0]?.notes).toEqual(expected);
  });

  it('says why when it cannot write: a return track, a bad note, an unknown message', () => {
    const onReturn = new FakeLiveSet({ tracks: [[null]], deviceTrack: 'return' });
    const js = new JsHost(WRITER, onReturn);
    js.send('bang');
    sendClip(js);
    expect(js.statuses().at(-1)).toMatch(/^error: could not write the clip: this track has no clip slots/);

    const set = new FakeLiveSet({ tracks: [[null]], deviceTrack: 0 });
    const js2 = new JsHost(WRITER, set);
    js2.send('bang');
    js2.send('begin', 4, 'rock', 0.5, 1);
    js2.send('note', 36, 4.5, 0.25, 100);
    js2.send('end');
    expect(js2.statuses().at(-1)).toBe('error: clip not written: note start must be within 0..4 beats, got 4.5');
    js2.send('begin', 4, 'rock', 0.5, 1);
    js2.send('note', 128, 0, 0.25, 100);
    js2.send('end');
    expect(js2.statuses().at(-1)).toBe('error: clip not written: pitch must be a whole number 0-127, got 128');
    expect(set.tracks[0].slots[0]).toBeNull();
    js2.send('erase');
    expect(js2.statuses().at(-1)).toBe('error: the clip writer does not know the message erase (it takes begin, note, end, target, bang)');
  });
});
