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
    expect(pop.filter((t) => t.role === 'melody')).toHaveLength(819);
    expect(pop.filter((t) => t.role === 'bass').length).toBeGreaterThan(700);
    expect(pop[0].chords!.some((c) => c[2] !== 'N')).toBe(true);
    const jsb = melody.tracks.filter((t) => t.corpus === 'jsb');
    expect(jsb).toHaveLength(2 * (229 + 76));
    expect(jsb.filter((t) => t.role === 'bass').every((t) => t.notes.every(([p]) => p < 70))).toBe(true);
    // every note is on the 16th grid and monophonic
    for (const t of melody.tracks.slice(0, 200)) {
      for (let i = 1; i < t.notes.length; i++) expect(t.notes[i][1]).toBeGreaterThanOrEqual(t.notes[i - 1][1] + t.notes[i - 1][2]);
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
    writeFileSync(join(fake, 'groove-midi', 'info.csv'), [header, row('a', 'good.mid'), row('b', 'broken.mid'), row('c', 'empty.mid'), row('d', 'good.mid', '3-4'), row('e', 'missing.mid')].join('\n'));
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
