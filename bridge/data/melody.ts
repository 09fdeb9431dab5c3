import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { readMidiFile } from '../../src/midi-file/read';
import { abcKeyName, estimateKey, nameChord } from '../../src/music/harmony';
import { TempoMap } from '../../src/time/tempo-map';
import { TICKS_PER_STEP, stepsPerBar, type Meter } from '../../src/time/units';
import type { Note } from '../../src/music/sequence';
import type { MelodyCorpus, MelodyTrack, SkippedFile, Split } from './corpus-types';
import type { Progress } from './groove';

type Line = Array<[number, number, number]>;

/** A monophonic line from notes on the 16th grid: at each onset the highest (melody) or lowest (bass) note. */
export function monophonic(notes: readonly Note[], pick: 'highest' | 'lowest'): Line {
  const byStart = new Map<number, Note>();
  for (const n of notes) {
    const s = Math.round(n.startTicks / TICKS_PER_STEP);
    const cur = byStart.get(s);
    if (!cur || (pick === 'highest' ? n.pitch > cur.pitch : n.pitch < cur.pitch)) byStart.set(s, n);
  }
  const starts = [...byStart.keys()].sort((a, b) => a - b);
  return starts.map((s, i) => {
    const n = byStart.get(s)!;
    const end = Math.max(s + 1, Math.round((n.startTicks + n.durationTicks) / TICKS_PER_STEP));
    const next = starts[i + 1] ?? Infinity;
    return [n.pitch, s, Math.max(1, Math.min(end, next) - s)];
  });
}

/** A stable 10% validation split for corpora that ship without one. */
export function hashSplit(id: string): Split {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (h >>> 0) % 10 === 0 ? 'validation' : 'train';
}

/** Chords of a block-chord track: one symbol per distinct onset. */
function blockChords(notes: readonly Note[]): Array<[number, number, string]> {
  const groups = new Map<number, Note[]>();
  for (const n of notes) {
    const s = Math.round(n.startTicks / TICKS_PER_STEP);
    groups.set(s, [...(groups.get(s) ?? []), n]);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([s, ns]) => [s, Math.max(1, Math.round(Math.max(...ns.map((n) => n.durationTicks)) / TICKS_PER_STEP)), nameChord(ns.map((n) => n.pitch))]);
}

const NOTTINGHAM_STYLE: Array<[RegExp, string]> = [
  [/^jigs/, 'jig'], [/^reels/, 'reel'], [/^hpps/, 'hornpipe'], [/^waltzes/, 'waltz'], [/^morris/, 'morris'],
  [/^ashover/, 'ashover'], [/^playford/, 'playford'], [/^xmas/, 'xmas'], [/^slip/, 'slip jig'],
];

/** X: number -> K: value for every tune of an ABC file. */
function abcKeys(text: string): Map<number, string> {
  const out = new Map<number, string>();
  let x: number | undefined;
  for (const line of text.split(/\r?\n/)) {
    const xm = /^X:\s*(\d+)/.exec(line);
    if (xm) x = Number(xm[1]);
    const km = /^K:\s*(.*)$/.exec(line);
    if (km && x !== undefined && !out.has(x)) out.set(x, abcKeyName(km[1]));
  }
  return out;
}

function nottingham(root: string, tracks: MelodyTrack[], skipped: SkippedFile[], onProgress: Progress): void {
  const dir = join(root, 'nottingham');
  const melodyDir = join(dir, 'MIDI', 'melody');
  if (!existsSync(melodyDir)) return void skipped.push({ file: melodyDir, reason: 'folder missing' });
  const keys = new Map<string, Map<number, string>>();
  const abcDir = join(dir, 'ABC_cleaned');
  if (existsSync(abcDir)) for (const f of readdirSync(abcDir)) if (f.endsWith('.abc')) keys.set(basename(f, '.abc'), abcKeys(readFileSync(join(abcDir, f), 'utf8')));
  const files = readdirSync(melodyDir).filter((f) => f.endsWith('.mid')).sort();
  files.forEach((f, i) => {
    onProgress(i, files.length, `nottingham/${f}`);
    const name = basename(f, '.mid');
    const m = /^(.*?)(\d+)$/.exec(name);
    const style = NOTTINGHAM_STYLE.find(([re]) => re.test(name))?.[1];
    if (!m || !style) return void skipped.push({ file: `nottingham/${f}`, reason: 'unknown tune type in file name' });
    try {
      const { sequence } = readMidiFile(readFileSync(join(melodyDir, f)), `nottingham/${f}`);
      if (sequence.notes.length === 0) return void skipped.push({ file: `nottingham/${f}`, reason: 'no notes' });
      const meter = sequence.meters[0].meter;
      const notes = monophonic(sequence.notes, 'highest');
      const chordFile = join(dir, 'MIDI', 'chords', f);
      const chords = existsSync(chordFile) ? blockChords(readMidiFile(readFileSync(chordFile), `nottingham/chords/${f}`).sequence.notes) : undefined;
      const steps = Math.ceil(sequence.totalTicks / TICKS_PER_STEP);
      const key = keys.get(m[1])?.get(Number(m[2])) ?? estimateKey(notes.map(([p, , d]) => ({ pitch: p, duration: d })));
      tracks.push({ id: `nottingham/${name}`, corpus: 'nottingham', role: 'melody', style, split: hashSplit(name), key, meter, bpm: 120, notes, chords, steps });
    } catch (err) {
      skipped.push({ file: `nottingham/${f}`, reason: (err as Error).message });
    }
  });
}

function pop909(root: string, tracks: MelodyTrack[], skipped: SkippedFile[], onProgress: Progress): void {
  const dir = join(root, 'pop909');
  if (!existsSync(join(dir, 'index.csv'))) return void skipped.push({ file: dir, reason: 'index.csv missing' });
  const rows = parse(readFileSync(join(dir, 'index.csv')), { columns: true, skip_empty_lines: true }) as Array<{ song_id: string; num_beats_per_measure: string }>;
  rows.forEach((row, i) => {
    const id = row.song_id.padStart(3, '0');
    const file = `pop909/${id}/${id}.mid`;
    onProgress(i, rows.length, file);
    try {
      const { sequence, tracks: fileTracks, info } = readMidiFile(readFileSync(join(dir, id, `${id}.mid`)), file);
      const track = (name: string) => fileTracks[info.trackNames.findIndex((n) => n.trim().toUpperCase() === name)] ?? [];
      const melody = track('MELODY');
      if (melody.length === 0) return void skipped.push({ file, reason: 'no MELODY track' });
      // Two thirds of the files carry a placeholder 1/4 time signature; index.csv's beats per
      // measure is the label then (3 -> 3/4, else common time).
      const fileMeter = sequence.meters[0].meter;
      const sensible = [2, 3, 4, 6].includes(fileMeter.numerator) && [4, 8].includes(fileMeter.denominator);
      const meter: Meter = sensible ? fileMeter : row.num_beats_per_measure === '3' ? { numerator: 3, denominator: 4 } : { numerator: 4, denominator: 4 };
      const tempo = new TempoMap(sequence.tempos);
      const toStep = (sec: number) => Math.round(tempo.secondsToTicks(sec) / TICKS_PER_STEP);
      const chordText = existsSync(join(dir, id, 'chord_midi.txt')) ? readFileSync(join(dir, id, 'chord_midi.txt'), 'utf8') : '';
      const chords: Array<[number, number, string]> = [];
      for (const line of chordText.split(/\r?\n/)) {
        const [a, b, sym] = line.trim().split(/\s+/);
        if (!sym) continue;
        const s = toStep(Number(a));
        chords.push([s, Math.max(1, toStep(Number(b)) - s), sym]);
      }
      const keyLine = existsSync(join(dir, id, 'key_audio.txt')) ? readFileSync(join(dir, id, 'key_audio.txt'), 'utf8').trim().split(/\r?\n/)[0] : '';
      const keySym = keyLine.split(/\s+/)[2];
      const key = keySym ? keySym.replace(':maj', ' major').replace(':min', ' minor') : estimateKey(melody.map((n) => ({ pitch: n.pitch, duration: n.durationTicks })));
      const steps = Math.ceil(sequence.totalTicks / TICKS_PER_STEP);
      const bpm = Math.round(sequence.tempos[0].bpm * 10) / 10;
      const base = { corpus: 'pop909' as const, style: 'pop', split: hashSplit(id), key, meter, bpm, chords, steps };
      tracks.push({ id: `pop909/${id}/melody`, role: 'melody', notes: monophonic(melody, 'highest'), ...base });
      // Bass: the lowest line of the accompaniment (PIANO, with BRIDGE where it goes low), below G3.
      const low = [...track('PIANO'), ...track('BRIDGE')].filter((n) => n.pitch < 55);
      if (low.length >= 16) tracks.push({ id: `pop909/${id}/bass`, role: 'bass', notes: monophonic(low, 'lowest'), ...base });
    } catch (err) {
      skipped.push({ file, reason: (err as Error).message });
    }
  });
}

function jsb(root: string, tracks: MelodyTrack[], skipped: SkippedFile[], onProgress: Progress): void {
  const file = join(root, 'jsb-chorales', 'Jsb16thSeparated.json');
  if (!existsSync(file)) return void skipped.push({ file, reason: 'missing' });
  const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, number[][][]>;
  const meter = { numerator: 4, denominator: 4 }; // the data carries no meter; chorales are overwhelmingly in common time
  for (const [splitName, pieces] of Object.entries(data)) {
    if (splitName !== 'train' && splitName !== 'valid') continue;
    const split: Split = splitName === 'train' ? 'train' : 'validation';
    pieces.forEach((steps, i) => {
      onProgress(i, pieces.length, `jsb/${splitName}/${i}`);
      const voice = (v: number): Line => {
        const out: Line = [];
        steps.forEach((chord, s) => {
          const p = chord[v];
          const last = out.at(-1);
          // Held and repeated notes look the same in this data: a run of one pitch is one note.
          if (last && last[0] === p && last[1] + last[2] === s) last[2]++;
          else if (p !== undefined && p >= 0) out.push([p, s, 1]);
        });
        return out;
      };
      if (!steps.length || steps[0].length !== 4) return void skipped.push({ file: `jsb/${splitName}/${i}`, reason: 'not 4 voices' });
      const soprano = voice(0);
      const bass = voice(3);
      const chords: Array<[number, number, string]> = [];
      for (let s = 0; s < steps.length; s += 4) chords.push([s, Math.min(4, steps.length - s), nameChord(steps[s].filter((p) => p >= 0))]);
      const key = estimateKey(steps.flatMap((c) => c.filter((p) => p >= 0).map((p) => ({ pitch: p, duration: 1 }))));
      const base = { corpus: 'jsb' as const, style: 'chorale', split, key, meter, bpm: 80, chords, steps: steps.length };
      tracks.push({ id: `jsb/${splitName}/${i}/soprano`, role: 'melody', notes: soprano, ...base });
      tracks.push({ id: `jsb/${splitName}/${i}/bass`, role: 'bass', notes: bass, ...base });
    });
  }
}

/** Builds the melody/bass corpus from Nottingham, POP909 and the JSB chorales. */
export function buildMelodyCorpus(root: string, onProgress: Progress = () => {}): MelodyCorpus {
  const tracks: MelodyTrack[] = [];
  const skipped: SkippedFile[] = [];
  nottingham(root, tracks, skipped, onProgress);
  pop909(root, tracks, skipped, onProgress);
  jsb(root, tracks, skipped, onProgress);
  for (const t of tracks) if (stepsPerBar(t.meter) % 1 !== 0) skipped.push({ file: t.id, reason: 'meter not on the 16th grid' });
  return { kind: 'melody', version: 1, source: root, tracks: tracks.filter((t) => stepsPerBar(t.meter) % 1 === 0), skipped };
}
