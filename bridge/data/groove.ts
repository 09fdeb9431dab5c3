import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { readMidiFile } from '../../src/midi-file/read';
import { quantizeDrums } from '../../src/tokens/drum-grid';
import { isDrumGenre, primaryStyle } from '../../src/conditioning/genres';
import { stepsPerBar } from '../../src/time/units';
import { TandemError } from '../../src/errors';
import type { DrumCorpus, DrumTrack, SkippedFile } from './corpus-types';

interface InfoRow {
  drummer: string;
  id: string;
  style: string;
  bpm: string;
  beat_type: string;
  time_signature: string;
  midi_filename: string;
  split: string;
}

export type Progress = (done: number, total: number, label: string) => void;

/** Builds the drum corpus from Groove MIDI's info.csv and MIDI files. Bad files are skipped and listed. */
export function buildGrooveCorpus(grooveDir: string, onProgress: Progress = () => {}): DrumCorpus {
  let rows: InfoRow[];
  try {
    rows = parse(readFileSync(join(grooveDir, 'info.csv')), { columns: true, skip_empty_lines: true });
  } catch (err) {
    throw new TandemError(`cannot read Groove MIDI's info.csv in ${grooveDir}: ${(err as Error).message}`);
  }
  const tracks: DrumTrack[] = [];
  const skipped: SkippedFile[] = [];
  rows.forEach((row, i) => {
    onProgress(i, rows.length, row.midi_filename);
    const skip = (reason: string) => skipped.push({ file: row.midi_filename, reason });
    if (row.time_signature !== '4-4') return skip(`meter ${row.time_signature.replace('-', '/')} (only 4/4 is used)`);
    const genre = primaryStyle(row.style);
    if (!isDrumGenre(genre)) return skip(`unknown genre ${genre}`);
    if (row.split !== 'train' && row.split !== 'validation') return skip(`split ${row.split}`);
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(grooveDir, row.midi_filename));
    } catch (err) {
      return skip(`unreadable: ${(err as Error).message}`);
    }
    let seq;
    try {
      seq = readMidiFile(bytes, row.midi_filename).sequence;
    } catch (err) {
      return skip((err as Error).message);
    }
    if (seq.notes.length === 0) return skip('no notes');
    const per = stepsPerBar();
    const { grid } = quantizeDrums(seq.notes);
    const steps = Math.ceil(grid.steps / per) * per;
    const { grid: padded } = quantizeDrums(seq.notes, steps);
    tracks.push({
      id: row.id,
      drummer: row.drummer,
      style: row.style,
      genre,
      bpm: Number(row.bpm),
      beatType: row.beat_type === 'fill' ? 'fill' : 'beat',
      split: row.split,
      steps,
      vel: Array.from(padded.velocity),
      off: Array.from(padded.offset, (o) => Math.round(o * 100)),
    });
  });
  onProgress(rows.length, rows.length, 'done');
  return { kind: 'drums', version: 1, source: grooveDir, tracks, skipped };
}
