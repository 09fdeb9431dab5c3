import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as fs from 'node:fs';
import { LiveSession } from '../../../bridge/live/session';
import { createLoopback } from '../../../bridge/midi/port';
import { loadDrumNgram } from '../../../bridge/models/load';
import { SuggestionStore } from '../../../bridge/storage/suggestions';
import { readMidiFile } from '../../../src/midi-file/read';
import { makeSequence } from '../../../src/music/sequence';
import { asyncOf, errno, fullDisk } from '../../helpers/faulty-fs';
import { noteOns, unreleased } from '../../helpers/midi';
import type { WriteFs } from '../../../bridge/fs/atomic-write';
import { DrumPart } from '../../../src/models/drums/part';

const tmp = () => mkdtempSync(join(tmpdir(), 'tandem-store-'));
const seq = makeSequence([{ pitch: 36, velocity: 100, channel: 9, startTicks: 0, durationTicks: 240 }]);
const meta = { model: 'drums-ngram', genre: 'rock', density: 0.5, temperature: 1, seed: 1, bars: 2, bpm: 120 };

describe('suggestion store', () => {
  it('gives two sessions started in the same second two folders (created exclusively)', () => {
    const root = tmp();
    const a = new SuggestionStore(root, '2026-01-01T00-00-00');
    const b = new SuggestionStore(root, '2026-01-01T00-00-00');
    expect(b.dir).not.toBe(a.dir);
    expect(b.dir).toBe(join(root, '2026-01-01T00-00-00-2'));
    a.save(seq, meta);
    b.save(seq, { ...meta, seed: 2 });
    for (const s of [a, b]) {
      const log = readFileSync(join(s.dir, 'session.jsonl'), 'utf8').trim().split('\n');
      expect(log).toHaveLength(1);
    }
    // with the default name (the UTC second) too
    const c = new SuggestionStore(root);
    const d = new SuggestionStore(root);
    expect(new Set([c.dir, d.dir]).size).toBe(2);
  });

  it('keeps the session log whole: one line per saved suggestion', () => {
    const s = new SuggestionStore(tmp(), 'log');
    for (let i = 0; i < 5; i++) s.save(seq, { ...meta, seed: i });
    const log = readFileSync(join(s.dir, 'session.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log.map((l) => l.seed)).toEqual([0, 1, 2, 3, 4]);
    expect(readdirSync(s.dir).filter((f) => f.endsWith('.mid'))).toHaveLength(5);
  });

  it('on a full disk: save throws one line, leaves no empty or truncated file', () => {
    const s = new SuggestionStore(tmp(), 'full', { fs: fullDisk(20) });
    expect(() => s.save(seq, meta)).toThrow(/^cannot write .*0001-drums-ngram-rock-d0.5-s1.mid: no space left on the device \(ENOSPC\)$/);
    expect(readdirSync(s.dir)).toEqual([]);
  });

  it('on a full disk: keep() says so once, then at most once a minute, and says when saving works again', async () => {
    let full = true;
    const disk: WriteFs = {
      ...fs,
      writeSync: ((...args: Parameters<typeof fs.writeSync>) => {
        if (full) throw errno('ENOSPC', 'write');
        return (fs.writeSync as (...a: unknown[]) => number)(...args);
      }) as typeof fs.writeSync,
    };
    let now = 0;
    const lines: string[] = [];
    const s = new SuggestionStore(tmp(), 'keep', { asyncFs: asyncOf(disk), log: (l) => lines.push(l), now: () => now });
    for (let i = 0; i < 30; i++, now += 4000) expect(await s.keep(seq, { ...meta, seed: i })).toBeUndefined();
    // 30 phrases, one every 4 s (0 to 116 s): told at 0 s and at 60 s
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^tandem: cannot save suggestions: cannot write .*: no space left on the device \(ENOSPC\); playing on from memory \(1 not saved so far\)$/,
    );
    expect(lines[1]).toMatch(/\(16 not saved so far\)$/);
    expect(s.unsaved).toBe(30);
    expect(readdirSync(s.dir)).toEqual([]);
    full = false;
    const file = await s.keep(seq, meta);
    expect(file).toBeDefined();
    expect(readMidiFile(readFileSync(file!)).sequence.notes).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/saving suggestions in .* works again \(30 were not saved\)/);
  });
});

describe('play on a full disk', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the music playing from memory, tells once, leaves no files, does not loop', async () => {
    const out = createLoopback('out');
    const warnings: string[] = [];
    const sessionLog: string[] = [];
    const store = new SuggestionStore(tmp(), 'full', { asyncFs: asyncOf(fullDisk(0)), log: (l) => warnings.push(l) });
    const session = new LiveSession(
      { model: new DrumPart(loadDrumNgram()), store, output: out.output, log: (l) => sessionLog.push(l) },
      { style: 'rock', density: 0.6 },
      { clock: 'internal', bpm: 120 },
    );
    const t0 = performance.now();
    void session.start();
    await vi.advanceTimersByTimeAsync(16_000);
    session.stop();
    const ons = noteOns(out.output.sent);
    // 8 bars of 2 s: notes in every one of them
    for (let bar = 0; bar < 8; bar++)
      expect(
        ons.some((m) => m.timeMs - t0 >= bar * 2000 && m.timeMs - t0 < (bar + 1) * 2000),
        `bar ${bar}`,
      ).toBe(true);
    expect(unreleased(out.output.sent)).toEqual([]);
    // the model kept up: generated phrases, not repeats of a phrase that failed to save
    expect(session.stats.repeats).toBe(0);
    expect(session.stats.phrases).toBeLessThanOrEqual(6);
    expect(store.unsaved).toBe(session.stats.phrases);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/no space left on the device \(ENOSPC\); playing on from memory/);
    expect(readdirSync(store.dir)).toEqual([]);
  });
});
