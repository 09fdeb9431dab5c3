import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMidiFile } from '../../../src/midi-file/read';
import { writeMidiFile } from '../../../src/midi-file/write';
import { MidiFileError } from '../../../src/errors';
import { DRUM_CHANNEL, makeSequence, type Note } from '../../../src/music/sequence';
import { requireDatasets } from '../../helpers/datasets';

const root = requireDatasets();

describe('reading real Standard MIDI Files', () => {
  it('reads a Groove MIDI performance (type 0, 480 PPQ, drums on channel 10)', () => {
    const { sequence, info } = readMidiFile(readFileSync(join(root, 'groove-midi/drummer1/session1/1_funk_80_beat_4-4.mid')));
    expect(info.format).toBe(0);
    expect(info.ticksPerBeat).toBe(480);
    expect(sequence.notes.length).toBeGreaterThan(500);
    expect(new Set(sequence.notes.map((n) => n.channel))).toEqual(new Set([DRUM_CHANNEL]));
    expect(sequence.tempos[0].bpm).toBeCloseTo(80, 1);
    expect(sequence.meters[0].meter).toEqual({ numerator: 4, denominator: 4 });
    // 86.7 s at 80 bpm is about 115.6 beats
    expect(sequence.totalTicks / 960).toBeGreaterThan(110);
    expect(sequence.totalTicks / 960).toBeLessThan(120);
  });

  it('reads a Nottingham tune (type 1, 1024 PPQ, 6/8, no tempo event)', () => {
    const { sequence, info } = readMidiFile(readFileSync(join(root, 'nottingham/MIDI/jigs1.mid')));
    expect(info.format).toBe(1);
    expect(info.ticksPerBeat).toBe(1024);
    expect(info.trackCount).toBe(2);
    expect(sequence.meters[0].meter).toEqual({ numerator: 6, denominator: 8 });
    expect(sequence.tempos).toEqual([{ ticks: 0, bpm: 120 }]);
    for (const n of sequence.notes) expect(Number.isInteger(n.startTicks)).toBe(true);
  });

  it('reads POP909 tracks by name', () => {
    const { info, tracks } = readMidiFile(readFileSync(join(root, 'pop909/001/001.mid')));
    expect(info.trackNames.slice(1).map((n) => n.trim())).toEqual(['MELODY', 'BRIDGE', 'PIANO']);
    expect(tracks[1].length).toBeGreaterThan(50);
  });
});

describe('writing and reading back', () => {
  const notes: Note[] = [
    { pitch: 36, velocity: 100, startTicks: 0, durationTicks: 120, channel: 9 },
    { pitch: 42, velocity: 64, startTicks: 0, durationTicks: 120, channel: 9 },
    { pitch: 38, velocity: 90, startTicks: 960, durationTicks: 120, channel: 9 },
    { pitch: 60, velocity: 80, startTicks: 480, durationTicks: 1440, channel: 0 },
  ];
  const seq = {
    ...makeSequence(notes, { bpm: 97, totalTicks: 3840 }),
    tempos: [
      { ticks: 0, bpm: 97 },
      { ticks: 1920, bpm: 140 },
    ],
    meters: [
      { ticks: 0, meter: { numerator: 4, denominator: 4 } },
      { ticks: 1920, meter: { numerator: 3, denominator: 4 } },
    ],
  };

  for (const format of [0, 1] as const) {
    it(`round-trips notes, tempo and meter changes (type ${format})`, () => {
      const bytes = writeMidiFile(seq, { format });
      const back = readMidiFile(bytes);
      expect(back.info.format).toBe(format);
      expect(back.info.ticksPerBeat).toBe(960);
      expect(back.sequence.notes).toEqual(seq.notes);
      expect(back.sequence.tempos.map((t) => [t.ticks, Math.round(t.bpm * 1000) / 1000])).toEqual([
        [0, 97],
        [1920, 140],
      ]);
      expect(back.sequence.meters).toEqual(seq.meters);
      expect(back.sequence.totalTicks).toBe(3840);
    });
  }

  it('writes running status (repeated status bytes are left out)', () => {
    const many = makeSequence(Array.from({ length: 16 }, (_, i) => ({ pitch: 42, velocity: 80, startTicks: i * 240, durationTicks: 100, channel: 9 })));
    const bytes = writeMidiFile(many, { format: 0 });
    const noteOnStatus = [...bytes].filter((b) => b === 0x99).length;
    expect(noteOnStatus).toBeLessThan(16);
    expect(readMidiFile(bytes).sequence.notes).toHaveLength(16);
  });

  it('reads hand-made running status and note-on velocity 0 as note-off', () => {
    // MThd type 0, 1 track, 96 PPQ; MTrk: 99 24 64, (running) 24 00 after 96 ticks, end of track
    const track = [0x00, 0x99, 0x24, 0x64, 0x60, 0x24, 0x00, 0x00, 0xff, 0x2f, 0x00];
    const bytes = Uint8Array.from([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0, 96, 0x4d, 0x54, 0x72, 0x6b, 0, 0, 0, track.length, ...track]);
    const { sequence } = readMidiFile(bytes);
    expect(sequence.notes).toEqual([{ pitch: 36, velocity: 100, channel: 9, startTicks: 0, durationTicks: 960 }]);
  });

  it('rejects broken bytes with a MidiFileError naming the source', () => {
    expect(() => readMidiFile(Uint8Array.from([1, 2, 3]), 'x.mid')).toThrow(MidiFileError);
    expect(() => readMidiFile(Uint8Array.from([1, 2, 3]), 'x.mid')).toThrow(/x.mid: not a Standard MIDI File/);
    const good = writeMidiFile(seq, { format: 1 });
    expect(() => readMidiFile(good.subarray(0, 40), 'cut.mid')).toThrow(/cut.mid/);
  });

  /** A one-track type-0 file at `ppq` holding these track bytes. */
  const smf = (track: number[], ppq = 480, tracks = 1) =>
    Uint8Array.from([
      ...Buffer.from('MThd'),
      0,
      0,
      0,
      6,
      0,
      0,
      0,
      tracks,
      ppq >> 8,
      ppq & 255,
      ...Buffer.from('MTrk'),
      (track.length >>> 24) & 255,
      (track.length >>> 16) & 255,
      (track.length >>> 8) & 255,
      track.length & 255,
      ...track,
    ]);
  const end = [0x00, 0xff, 0x2f, 0x00];

  it('says what is wrong with broken event data (never "undefined")', () => {
    // a status byte the parser does not know
    expect(() => readMidiFile(smf([0x00, 0xf4, ...end]), 'odd.mid')).toThrow(/^odd.mid: broken MIDI data: Unrecognised MIDI event type byte: 244$/);
    // data before any status byte
    expect(() => readMidiFile(smf([0x00, 0x24, 0x40, ...end]), 'rs.mid')).toThrow(/rs.mid: broken MIDI data: Unrecognised MIDI event type/);
    // a track cut inside a note-on (was: a note with velocity undefined) and inside a tempo event (was: tempo NaN)
    expect(() => readMidiFile(smf([0x00, 0x99, 36]), 'cut.mid')).toThrow(/^cut.mid: broken MIDI data: track 1 ends in the middle of an event$/);
    expect(() => readMidiFile(smf([0x00, 0xff, 0x51, 0x03, 0x07]), 'tempo.mid')).toThrow(
      /^tempo.mid: broken MIDI data: track 1 ends in the middle of an event$/,
    );
    for (const bad of [smf([0x00, 0xf4, ...end]), smf([0x00, 0x24, 0x40, ...end]), smf([0x00, 0x99, 36])]) {
      expect(() => readMidiFile(bad, 'f.mid')).not.toThrow(/undefined/);
    }
  });

  it('bounds what a file may hold: length, notes and tracks, with the limit named', () => {
    // a delta of 0x1FFFFFF beats at 1 tick per beat (was: RangeError: Invalid typed array length further on)
    expect(() => readMidiFile(smf([0x8f, 0xff, 0xff, 0x7f, 0x99, 36, 100, ...end], 1), 'far.mid')).toThrow(
      /far.mid: track 1 runs past 4096 bars \(an event at beat 33554432\)/,
    );
    const notes = (n: number) => Array.from({ length: n }, () => [0x00, 0x99, 36, 100, 0x00, 0x89, 36, 0]).flat();
    expect(readMidiFile(smf([...notes(50), ...end]), 'ok.mid', { maxTracks: 4, maxNotes: 50, maxBars: 8 }).sequence.notes).toHaveLength(50);
    expect(() => readMidiFile(smf([...notes(51), ...end]), 'many.mid', { maxTracks: 4, maxNotes: 50, maxBars: 8 })).toThrow(
      /many.mid: more than 50 notes; at most 50 are read/,
    );
    expect(() => readMidiFile(smf(end, 480, 5), 'tracks.mid', { maxTracks: 4, maxNotes: 50, maxBars: 8 })).toThrow(
      /tracks.mid: the header declares 5 tracks; at most 4 are read/,
    );
  });
});
