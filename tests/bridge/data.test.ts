import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAll } from '../../bridge/data/build';
import { corpusStats } from '../../bridge/data/stats';
import type { DrumCorpus, MelodyCorpus } from '../../bridge/data/corpus-types';
import { DRUM_GENRES } from '../../src/conditioning/genres';
import { requireDatasets } from '../helpers/datasets';

const root = requireDatasets();

describe('data build on the real datasets', () => {
  const cache = mkdtempSync(join(tmpdir(), 'tandem-cache-'));
  let drums: DrumCorpus;
  let melody: MelodyCorpus;
  beforeAll(() => {
    const progress: string[] = [];
    const summary = buildAll({ datasets: root, cache, onProgress: (c) => progress.push(c) });
    expect(summary.map((s) => s.corpus)).toEqual(['drums', 'melody']);
    expect(new Set(progress)).toEqual(new Set(['drums', 'melody']));
    drums = JSON.parse(readFileSync(join(cache, 'drums.json'), 'utf8'));
    melody = JSON.parse(readFileSync(join(cache, 'melody.json'), 'utf8'));
  });

  it('keeps the 4/4 Groove MIDI files with genre, split, beat/fill and counts the others as skipped', () => {
    expect(drums.tracks).toHaveLength(1009);
    expect(drums.skipped).toHaveLength(12);
    expect(drums.skipped.every((s) => /meter/.test(s.reason))).toBe(true);
    expect(new Set(drums.tracks.map((t) => t.genre))).toEqual(new Set(DRUM_GENRES));
    expect(new Set(drums.tracks.map((t) => t.split))).toEqual(new Set(['train', 'validation']));
    const t = drums.tracks.find((x) => x.id === 'drummer1/session1/10')!;
    expect(t).toMatchObject({ genre: 'jazz', style: 'jazz/funk', bpm: 116, beatType: 'fill', split: 'train' });
    expect(t.steps % 16).toBe(0);
    expect(t.vel).toHaveLength(t.steps * 9);
    expect(Math.max(...t.off)).toBeLessThanOrEqual(50);
    expect(Math.min(...t.off)).toBeGreaterThanOrEqual(-50);
  });

  it('labels melodies and bass lines with style, key, meter and chords', () => {
    const jig = melody.tracks.find((t) => t.id === 'nottingham/jigs1')!;
    expect(jig).toMatchObject({ style: 'jig', role: 'melody', meter: { numerator: 6, denominator: 8 } });
    expect(jig.key).toMatch(/major|minor|dorian|mixolydian/);
    expect(jig.chords!.length).toBeGreaterThan(4);
    const pop = melody.tracks.filter((t) => t.corpus === 'pop909');
    // 819 songs less the 22 in a triplet beat, some split at key changes (one track per key).
    const songs = new Set(pop.map((t) => t.id.split('/')[1]));
    expect(songs.size).toBe(819 - 22);
    expect(melody.skipped.filter((s) => /triplet/.test(s.reason))).toHaveLength(22);
    expect(pop.filter((t) => t.role === 'melody').length).toBeGreaterThanOrEqual(songs.size);
    expect(pop.filter((t) => t.id.includes('/k2/')).length).toBeGreaterThan(10);
    expect(pop.filter((t) => t.role === 'bass').length).toBeGreaterThan(700);
    // Nottingham's accompaniment gives the folk styles a bass line.
    expect(melody.tracks.find((t) => t.id === 'nottingham/jigs1/bass')).toMatchObject({ role: 'bass', style: 'jig' });
    expect(pop[0].chords!.some((c) => c[2] !== 'N')).toBe(true);
    const jsb = melody.tracks.filter((t) => t.corpus === 'jsb');
    expect(jsb).toHaveLength(2 * (229 + 76));
    expect(jsb.filter((t) => t.role === 'bass').every((t) => t.notes.every(([p]) => p < 70))).toBe(true);
    // every note is on the 16th grid and monophonic
    for (const t of melody.tracks.slice(0, 200)) {
      for (let i = 1; i < t.notes.length; i++) expect(t.notes[i][1]).toBeGreaterThanOrEqual(t.notes[i - 1][1] + t.notes[i - 1][2]);
    }
  });

  it('puts every corpus on its beat: onsets fall where the beats and bar lines are', () => {
    // Share of onsets on each 16th of the beat, and on the bar line, per corpus and voice.
    const grid = (corpus: string, role: string) => {
      const sub = [0, 0, 0, 0];
      let downbeat = 0;
      let n = 0;
      for (const t of melody.tracks.filter((x) => x.corpus === corpus && x.role === role && x.meter.denominator === 4)) {
        const spb = (t.meter.numerator * 16) / t.meter.denominator;
        for (const [, s] of t.notes) {
          sub[s % 4]++;
          if (s % spb === 0) downbeat++;
          n++;
        }
      }
      return { sub: sub.map((x) => x / n), downbeat: downbeat / n, perBeat: 1 / (4 * 4) };
    };
    // POP909 aligned to beat_midi.txt: most onsets on the beat and the 8th, few on the "e" and "a"
    // (quantised from tick 0 they were spread 23/27/23/27 %).
    const pop = grid('pop909', 'melody');
    expect(pop.sub[0]).toBeGreaterThan(0.38);
    expect(pop.sub[1]).toBeLessThan(0.1);
    expect(pop.sub[2]).toBeGreaterThan(0.28);
    expect(pop.sub[0] + pop.sub[2]).toBeGreaterThan(0.75);
    const bass = grid('pop909', 'bass');
    expect(bass.sub[0]).toBeGreaterThan(0.45);
    // Bar lines: more onsets on beat 1 than an even spread over the bar's 16ths would give.
    expect(bass.downbeat).toBeGreaterThan(2 * bass.perBeat);
    for (const [corpus, role] of [
      ['nottingham', 'melody'],
      ['jsb', 'melody'],
      ['jsb', 'bass'],
    ]) {
      const g = grid(corpus, role);
      expect(g.sub[0] + g.sub[2], `${corpus} ${role}`).toBeGreaterThan(0.85);
      expect(g.downbeat, `${corpus} ${role}`).toBeGreaterThan(1.5 * g.perBeat);
    }
  });

  it('prints stats per corpus with bars per genre', () => {
    const stats = corpusStats(cache);
    const rock = stats[0].groups.find((g) => g.group === 'rock')!;
    expect(rock.bars).toBeGreaterThan(5000);
    expect(rock.perBar.p90).toBeGreaterThan(rock.perBar.p10);
  });
});

describe('data build on bad files', () => {
  it('skips empty, broken and odd-meter files with a counted reason, never crashing', () => {
    const fake = mkdtempSync(join(tmpdir(), 'tandem-bad-'));
    const g = join(fake, 'groove-midi', 'd1');
    mkdirSync(g, { recursive: true });
    const good = 'drummer1/session1/1_funk_80_beat_4-4.mid';
    cpSync(join(root, 'groove-midi', good), join(g, 'good.mid'));
    writeFileSync(join(g, 'broken.mid'), Uint8Array.from([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 1, 224, 0x4d, 0x54, 0x72, 0x6b, 0, 0, 0, 99, 0]));
    writeFileSync(join(g, 'empty.mid'), new Uint8Array());
    const header = 'drummer,session,id,style,bpm,beat_type,time_signature,midi_filename,audio_filename,duration,split';
    const row = (id: string, file: string, ts = '4-4') => `d1,d1/s,${id},funk,100,beat,${ts},d1/${file},x.wav,10,train`;
    writeFileSync(
      join(fake, 'groove-midi', 'info.csv'),
      [header, row('a', 'good.mid'), row('b', 'broken.mid'), row('c', 'empty.mid'), row('d', 'good.mid', '3-4'), row('e', 'missing.mid')].join('\n'),
    );
    const cache = mkdtempSync(join(tmpdir(), 'tandem-badcache-'));
    const [summary] = buildAll({ datasets: fake, cache, only: ['drums'] });
    expect(summary.tracks).toBe(1);
    expect(summary.skipped).toBe(4);
    const corpus = JSON.parse(readFileSync(join(cache, 'drums.json'), 'utf8')) as DrumCorpus;
    const reasons = Object.fromEntries(corpus.skipped.map((s) => [s.file.replace('d1/', ''), s.reason]));
    expect(reasons['broken.mid']).toMatch(/truncated/);
    expect(reasons['empty.mid']).toMatch(/not a Standard MIDI File/);
    expect(reasons['good.mid']).toMatch(/3\/4/);
    expect(reasons['missing.mid']).toMatch(/unreadable/);
  });

  it('says where it looked when the datasets folder is missing', () => {
    expect(() => buildAll({ datasets: '/nonexistent/datasets' })).toThrow(/datasets not found at \/nonexistent\/datasets/);
  });
});
