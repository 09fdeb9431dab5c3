import { mkdtempSync, readFileSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PanelHistory } from '../../../bridge/panel/history';
import { listSessions, markKeptInLog, readSessionLog } from '../../../bridge/storage/session-log';
import { SuggestionStore, type SavedSuggestion } from '../../../bridge/storage/suggestions';
import { makeSequence } from '../../../src/music/sequence';

const seq = () => makeSequence([{ pitch: 36, velocity: 100, startTicks: 0, durationTicks: 120, channel: 9 }], { totalTicks: 3840 });
const meta = (seed: number) => ({ model: 'drums-gru', genre: 'rock', density: 0.5, temperature: 1, seed, bars: 1, bpm: 120 });

describe('session logs: kept marks and history across runs', () => {
  it('tells listeners of each save, and marks a suggestion kept in the running log (one line per suggestion)', () => {
    const store = new SuggestionStore(mkdtempSync(join(tmpdir(), 'tandem-log-')), 'run', { log: () => undefined });
    const saved: SavedSuggestion[] = [];
    const off = store.onSave((s) => saved.push(s));
    store.save(seq(), meta(0));
    store.save(seq(), meta(1));
    off();
    store.save(seq(), meta(2));
    expect(saved.map((s) => s.name)).toEqual(['0001-drums-gru-rock-d0.5-s0.mid', '0002-drums-gru-rock-d0.5-s1.mid']);
    expect(saved[0]).toMatchObject({ session: 'run', meta: { seed: 0 } });
    expect(store.markKept('0002-drums-gru-rock-d0.5-s1.mid')).toBe(true);
    expect(store.markKept('nope.mid')).toBe(false);
    // A later save rewrites the log from memory: the mark stays.
    store.save(seq(), meta(3));
    const lines = readSessionLog(store.dir).lines;
    expect(lines.map((l) => [l.seed, l.kept ?? false])).toEqual([
      [0, false],
      [1, true],
      [2, false],
      [3, false],
    ]);
  });

  it('a listener that throws is logged once and the save stands', async () => {
    const log: string[] = [];
    const store = new SuggestionStore(mkdtempSync(join(tmpdir(), 'tandem-log-')), 'run', { log: (l) => log.push(l) });
    store.onSave(() => {
      throw new Error('page gone');
    });
    expect(await store.keep(seq(), meta(0))).toMatch(/0001/);
    expect(store.unsaved).toBe(0);
    expect(log).toEqual(['tandem: after saving 0001-drums-gru-rock-d0.5-s0.mid: page gone']);
  });

  it('reads earlier sessions back (newest first, bad lines counted), marks one kept, and refuses what is not listed', () => {
    const root = mkdtempSync(join(tmpdir(), 'tandem-hist-'));
    const a = new SuggestionStore(root, '2026-01-01T10-00-00', { log: () => undefined });
    a.save(seq(), meta(5));
    const b = new SuggestionStore(root, '2026-01-02T10-00-00', { log: () => undefined });
    b.save(seq(), meta(6));
    writeFileSync(join(b.dir, 'session.jsonl'), readFileSync(join(b.dir, 'session.jsonl'), 'utf8') + '{"cut in half\n42\n');
    mkdirSync(join(root, 'not-a-session'));
    symlinkSync(a.dir, join(root, 'zz-link'));
    expect(listSessions(root)).toEqual(['2026-01-02T10-00-00', '2026-01-01T10-00-00']);
    expect(readSessionLog(b.dir).skipped).toBe(2);

    // A restart: a new run's panel lists both earlier sessions' suggestions.
    const log: string[] = [];
    const now = new SuggestionStore(root, '2026-01-03T10-00-00', { log: () => undefined });
    const history = new PanelHistory(now, { log: (l) => log.push(l) });
    const refs = history.list().map((i) => i.ref);
    expect(refs).toEqual(['2026-01-02T10-00-00/0001-drums-gru-rock-d0.5-s6.mid', '2026-01-01T10-00-00/0001-drums-gru-rock-d0.5-s5.mid']);
    expect(log.join('\n')).toMatch(/2 unreadable line\(s\)/);
    expect(history.list()[0]).toMatchObject({ part: 'drums', seed: 6, kept: false, live: false });
    expect(history.notes(refs[1]).notes).toEqual([[36, 100, 0, 120, 9]]);
    history.keep(refs[1]);
    expect(readSessionLog(a.dir).lines[0].kept).toBe(true);
    expect(markKeptInLog(a.dir, 'absent.mid')).toBe(false);
    expect(() => history.get('2026-01-01T10-00-00/other.mid')).toThrow(/one listed in the panel/);
    expect(() => history.bytes('zz-link/0001-drums-gru-rock-d0.5-s5.mid')).toThrow(/one listed in the panel/);
  });
});
