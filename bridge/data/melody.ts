import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { readMidiFile } from '../../src/midi-file/read';
import { abcKeyName, estimateKey, nameChord } from '../../src/music/harmony';
import { TempoMap } from '../../src/time/tempo-map';
import { TICKS_PER_STEP, stepsPerBar, type Meter } from '../../src/time/units';
import type { Note } from '../../src/music/sequence';
import { monophonic } from '../../src/models/melody/to-sequence';
import type { MelodyCorpus, MelodyTrack, SkippedFile, Split } from './corpus-types';
import type { Progress } from './groove';

type Line = Array<[number, number, number]>;

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
  return [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, ns]) => [s, Math.max(1, Math.round(Math.max(...ns.map((n) => n.durationTicks)) / TICKS_PER_STEP)), nameChord(ns.map((n) => n.pitch))]);
}

const NOTTINGHAM_STYLE: Array<[RegExp, string]> = [
  [/^jigs/, 'jig'],
  [/^reels/, 'reel'],
  [/^hpps/, 'hornpipe'],
  [/^waltzes/, 'waltz'],
  [/^morris/, 'morris'],
  [/^ashover/, 'ashover'],
  [/^playford/, 'playford'],
  [/^xmas/, 'xmas'],
  [/^slip/, 'slip jig'],
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
  if (existsSync(abcDir))
    for (const f of readdirSync(abcDir)) if (f.endsWith('.abc')) keys.set(basename(f, '.abc'), abcKeys(readFileSync(join(abcDir, f), 'utf8')));
  const files = readdirSync(melodyDir)
    .filter((f) => f.endsWith('.mid'))
    .sort();
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
      const chordNotes = existsSync(chordFile) ? readMidiFile(readFileSync(chordFile), `nottingham/chords/${f}`).sequence.notes : [];
      const chords = chordNotes.length ? blockChords(chordNotes) : undefined;
      const steps = Math.ceil(sequence.totalTicks / TICKS_PER_STEP);
      const key = keys.get(m[1])?.get(Number(m[2])) ?? estimateKey(notes.map(([p, , d]) => ({ pitch: p, duration: d })));
      tracks.push({
        id: `nottingham/${name}`,
        corpus: 'nottingham',
        role: 'melody',
        style,
        split: hashSplit(name),
        key,
        meter,
        bpm: 120,
        notes,
        chords,
        steps,
      });
      // Bass: the lowest note of the accompaniment chords (folk accompaniment: the chord's bass).
      if (chordNotes.length >= 8)
        tracks.push({
          id: `nottingham/${name}/bass`,
          corpus: 'nottingham',
          role: 'bass',
          style,
          split: hashSplit(name),
          key,
          meter,
          bpm: 120,
          notes: monophonic(chordNotes, 'lowest'),
          chords,
          steps,
        });
    } catch (err) {
      skipped.push({ file: `nottingham/${f}`, reason: (err as Error).message });
    }
  });
}

/** Beat annotation of a POP909 song: times (s) of every beat and which ones start a bar. */
export interface BeatGrid {
  times: number[];
  downbeat: boolean[];
}

/**
 * Reads `beat_midi.txt` (time flag1 flag2): flag1 marks every `num_beats_per_measure` beats,
 * flag2 every twice that. POP909 counts "2 beats per measure" for songs we hear in 4/4, so a
 * 4/4 bar starts on flag2 (60 % of chord changes fall there, measured on 200 songs, 28 % on
 * flag1-only half bars) and a 3/4 bar on flag1.
 */
export function readBeatGrid(text: string, beatsPerBar: 3 | 4): BeatGrid {
  const times: number[] = [];
  const downbeat: boolean[] = [];
  for (const line of text.split(/\r?\n/)) {
    const [t, f1, f2] = line.trim().split(/\s+/).map(Number);
    if (!Number.isFinite(t)) continue;
    times.push(t);
    downbeat.push(beatsPerBar === 4 ? f2 === 1 : f1 === 1);
  }
  return { times, downbeat };
}

/**
 * Seconds -> 16th step on the song's own beat grid: the beat position is interpolated between
 * annotated beats (extrapolated with the nearest interval outside them), counted from `originBeat`.
 */
export function beatStepper(grid: BeatGrid, originBeat: number): (sec: number) => number {
  const { times } = grid;
  const last = times.length - 1;
  return (sec: number) => {
    let i: number;
    if (sec <= times[0]) i = 0;
    else if (sec >= times[last]) i = last - 1;
    else {
      let lo = 0;
      let hi = last;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (times[mid] <= sec) lo = mid;
        else hi = mid;
      }
      i = lo;
    }
    const span = times[i + 1] - times[i] || 1e-3;
    const beat = i + (sec - times[i]) / span;
    return Math.round((beat - originBeat) * 4);
  };
}

/** `key_audio.txt` segments (start s, end s, key). */
function keySegments(text: string): Array<[number, number, string]> {
  const out: Array<[number, number, string]> = [];
  for (const line of text.split(/\r?\n/)) {
    const [a, b, k] = line.trim().split(/\s+/);
    if (k) out.push([Number(a), Number(b), k.replace(':maj', ' major').replace(':min', ' minor')]);
  }
  return out;
}

/** Notes on the 16th grid of a beat-aligned song, as [pitch, step, duration] before the monophonic pick. */
function toSteps(notes: readonly Note[], secOf: (ticks: number) => number, stepOf: (sec: number) => number): Note[] {
  return notes.map((n) => {
    const s = stepOf(secOf(n.startTicks));
    const e = Math.max(s + 1, stepOf(secOf(n.startTicks + n.durationTicks)));
    return { ...n, startTicks: s * TICKS_PER_STEP, durationTicks: (e - s) * TICKS_PER_STEP };
  });
}

function pop909(root: string, tracks: MelodyTrack[], skipped: SkippedFile[], onProgress: Progress): void {
  const dir = join(root, 'pop909');
  if (!existsSync(join(dir, 'index.csv'))) return void skipped.push({ file: dir, reason: 'index.csv missing' });
  const rows = parse(readFileSync(join(dir, 'index.csv')), { columns: true, skip_empty_lines: true }) as Array<{
    song_id: string;
    num_beats_per_measure: string;
    num_quavers_per_beat: string;
  }>;
  rows.forEach((row, i) => {
    const id = row.song_id.padStart(3, '0');
    const file = `pop909/${id}/${id}.mid`;
    onProgress(i, rows.length, file);
    try {
      if (row.num_quavers_per_beat === '3') return void skipped.push({ file, reason: 'compound (triplet) beat: not on the 16th grid' });
      const { sequence, tracks: fileTracks, info } = readMidiFile(readFileSync(join(dir, id, `${id}.mid`)), file);
      const track = (name: string) => fileTracks[info.trackNames.findIndex((n) => n.trim().toUpperCase() === name)] ?? [];
      const melody = track('MELODY');
      if (melody.length === 0) return void skipped.push({ file, reason: 'no MELODY track' });
      const beatsText = existsSync(join(dir, id, 'beat_midi.txt')) ? readFileSync(join(dir, id, 'beat_midi.txt'), 'utf8') : '';
      // The file's own time signatures are placeholders (1/4 in two thirds of them); index.csv's
      // beats per measure is the label: 3 -> 3/4, else common time.
      const beatsPerBar = row.num_beats_per_measure === '3' ? 3 : 4;
      const meter: Meter = { numerator: beatsPerBar, denominator: 4 };
      const grid = readBeatGrid(beatsText, beatsPerBar);
      const firstDown = grid.downbeat.indexOf(true);
      if (grid.times.length < 8 || firstDown < 0) return void skipped.push({ file, reason: 'beat_midi.txt missing or without downbeats' });
      // POP909's beat sits a fraction of a beat off tick 0: count steps from the annotated beats,
      // starting a whole number of bars before the first downbeat so pickups keep their place.
      const tempo = new TempoMap(sequence.tempos);
      const secOf = (t: number) => tempo.ticksToSeconds(t);
      const earliest = Math.min(...[...melody, ...track('PIANO'), ...track('BRIDGE')].map((n) => n.startTicks));
      const firstBeat = beatStepper(grid, 0)(secOf(earliest)) / 4;
      const barsBefore = Math.max(0, Math.ceil((firstDown - firstBeat) / beatsPerBar));
      const stepOf = beatStepper(grid, firstDown - barsBefore * beatsPerBar);
      const chordText = existsSync(join(dir, id, 'chord_midi.txt')) ? readFileSync(join(dir, id, 'chord_midi.txt'), 'utf8') : '';
      const chords: Array<[number, number, string]> = [];
      for (const line of chordText.split(/\r?\n/)) {
        const [a, b, sym] = line.trim().split(/\s+/);
        if (!sym) continue;
        const s = stepOf(Number(a));
        chords.push([s, Math.max(1, stepOf(Number(b)) - s), sym]);
      }
      const segs = existsSync(join(dir, id, 'key_audio.txt')) ? keySegments(readFileSync(join(dir, id, 'key_audio.txt'), 'utf8')) : [];
      const melodySteps = toSteps(melody, secOf, stepOf);
      const low = toSteps(
        [...track('PIANO'), ...track('BRIDGE')].filter((n) => n.pitch < 55),
        secOf,
        stepOf,
      );
      const totalSteps = Math.ceil(stepOf(secOf(sequence.totalTicks)));
      const bpm = Math.round(sequence.tempos[0].bpm * 10) / 10;
      // One track per key segment (a modulation is a new key for the model), cut on bar lines.
      const spb = beatsPerBar * 4;
      const keyed = segs.length
        ? segs.map(([a, b, k]) => [Math.floor(stepOf(a) / spb) * spb, Math.floor(stepOf(b) / spb) * spb, k] as [number, number, string])
        : [[0, totalSteps, estimateKey(melody.map((n) => ({ pitch: n.pitch, duration: n.durationTicks })))] as [number, number, string]];
      if (keyed.length) keyed[0][0] = 0;
      if (keyed.length) keyed[keyed.length - 1][1] = Math.max(keyed[keyed.length - 1][1], Math.ceil(totalSteps / spb) * spb);
      keyed.forEach(([from, to, key], k) => {
        if (to - from < spb * 4) return; // shorter than 4 bars: too little to learn a key from
        const within = (ns: Note[]) =>
          ns
            .filter((n) => n.startTicks >= from * TICKS_PER_STEP && n.startTicks < to * TICKS_PER_STEP)
            .map((n) => ({ ...n, startTicks: n.startTicks - from * TICKS_PER_STEP }));
        const segChords = chords.filter(([s]) => s >= from && s < to).map(([s, d, c]) => [s - from, d, c] as [number, number, string]);
        const suffix = keyed.length > 1 ? `/k${k + 1}` : '';
        const base = { corpus: 'pop909' as const, style: 'pop', split: hashSplit(id), key, meter, bpm, chords: segChords, steps: to - from };
        const mel = within(melodySteps);
        if (mel.length >= 8) tracks.push({ id: `pop909/${id}${suffix}/melody`, role: 'melody', notes: monophonic(mel, 'highest'), ...base });
        // Bass: the lowest line of the accompaniment (PIANO, with BRIDGE where it goes low), below G3.
        const bass = within(low);
        if (bass.length >= 16) tracks.push({ id: `pop909/${id}${suffix}/bass`, role: 'bass', notes: monophonic(bass, 'lowest'), ...base });
      });
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
