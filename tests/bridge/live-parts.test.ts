import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chordsFor, planHarmony, readProgressions } from '../../bridge/live/harmony';
import { LiveSession } from '../../bridge/live/session';
import { createLoopback } from '../../bridge/midi/port';
import { loadPart } from '../../bridge/models/load';
import { SuggestionStore } from '../../bridge/storage/suggestions';
import { ON_THIS_THREAD } from '../helpers/store';
import { modelSpec } from '../../src/models/registry';
import type { PartModel, PartRequest } from '../../src/models/spec';
import { noteOns, unreleased } from '../helpers/midi';

const drums = (await loadPart(modelSpec('drums'), 'baseline')).model;
const bassNgram = (await loadPart(modelSpec('bass'), 'baseline')).model;
const melodyNgram = (await loadPart(modelSpec('melody'), 'baseline')).model;
const tmp = () => mkdtempSync(join(tmpdir(), 'tandem-parts-'));

/** A model that records the requests it is asked. */
function recording(m: PartModel): PartModel & { asked: PartRequest[] } {
  const asked: PartRequest[] = [];
  return { id: m.id, asked, dispose: () => m.dispose(), generate: (r) => (asked.push(r), m.generate(r)) };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a live session playing several parts', () => {
  it('plays drums and bass together on their own channels, each phrase of each part saved, the given chords moving on bar by bar', async () => {
    const out = createLoopback('out');
    const store = new SuggestionStore(tmp(), 'p1', ON_THIS_THREAD);
    const bass = recording(bassNgram);
    const d = recording(drums);
    const session = new LiveSession(
      {
        model: d,
        parts: [
          { name: 'drums', model: d },
          { name: 'bass', model: bass },
        ],
        store,
        output: out.output,
        log: () => {},
      },
      { style: 'rock', density: 0.5, key: 'A minor', chords: 'Am F C G' },
      { clock: 'internal', bpm: 120 },
    );
    expect(session.parts).toEqual(['drums', 'bass']);
    const t0 = performance.now();
    void session.start();
    await vi.advanceTimersByTimeAsync(10 * 2000);
    session.stop();
    const ons = noteOns(out.output.sent);
    const drumOns = ons.filter((m) => (m.bytes[0] & 0x0f) === 9);
    const bassOns = ons.filter((m) => (m.bytes[0] & 0x0f) === modelSpec('bass').channel);
    expect(drumOns.length).toBeGreaterThan(8 * 8);
    expect(bassOns.length).toBeGreaterThan(8);
    // both parts sound in every one of the first 8 bars (one clock, neither starves)
    for (let bar = 0; bar < 8; bar++) {
      const inBar = (m: { timeMs: number }) => m.timeMs - t0 >= bar * 2000 && m.timeMs - t0 < (bar + 1) * 2000;
      expect(drumOns.some(inBar), `drums in bar ${bar + 1}`).toBe(true);
      expect(bassOns.some(inBar), `bass in bar ${bar + 1}`).toBe(true);
    }
    expect(unreleased(out.output.sent)).toEqual([]);
    // drums get no harmony; bass gets the song's chords of exactly the bars it is asked for (primer bars included)
    expect(d.asked.every((r) => r.key === undefined && r.chords === undefined)).toBe(true);
    const prog = ['Am', 'F', 'C', 'G'];
    let from = 0;
    for (const [i, r] of bass.asked.entries()) {
      const primerBars = r.primer ? r.primer.totalTicks / (4 * 960) : 0;
      if (i > 0) from += 2; // each phrase adds 2 bars
      expect(r.key).toBe('A minor');
      expect(r.chords!.split(' ')).toEqual(Array.from({ length: r.bars }, (_, k) => prog[(from - primerBars + k) % 4]));
    }
    expect(bass.asked.length).toBeGreaterThanOrEqual(5);
    // every phrase of both parts is in the session log, under its own model
    const log = readFileSync(join(store.dir, 'session.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log.filter((l) => l.model === 'drums-ngram').length).toBe(d.asked.length);
    expect(log.filter((l) => l.model === 'bass-ngram').length).toBe(bass.asked.length);
    expect(log.find((l) => l.model === 'bass-ngram')).toMatchObject({ genre: 'pop', key: 'A minor', chords: 'Am F' });
  });

  it('melody and bass share one drawn progression and key when none is given', async () => {
    const progressions = readProgressions();
    expect(progressions, 'models/melody/model.json has the style progressions').toBeDefined();
    const mel = recording(melodyNgram);
    const bass = recording(bassNgram);
    const session = new LiveSession(
      {
        model: mel,
        parts: [
          { name: 'melody', model: mel },
          { name: 'bass', model: bass },
        ],
        progressions,
        store: new SuggestionStore(tmp(), 'p2', ON_THIS_THREAD),
        output: createLoopback('o').output,
        log: () => {},
      },
      { model: 'melody', style: 'pop', seed: 7 },
      { clock: 'internal', bpm: 140 },
    );
    expect(session.harmony).toMatchObject({ key: 'C major', drawn: true });
    expect(session.harmony!.chords).toHaveLength(16);
    void session.start();
    await vi.advanceTimersByTimeAsync(12 * (240_000 / 140 / 4) * 4);
    session.stop();
    const byBars = (asked: PartRequest[]) => asked.map((r) => `${r.bars}:${r.chords}`);
    // the same bars get the same chords in both parts, phrase by phrase
    const n = Math.min(mel.asked.length, bass.asked.length);
    expect(n).toBeGreaterThanOrEqual(4);
    expect(byBars(mel.asked).slice(0, n)).toEqual(byBars(bass.asked).slice(0, n));
    // and they follow the one plan from the song's first bar
    expect(mel.asked[0].chords).toBe(chordsFor(session.harmony!, 0, 2));
    expect(mel.asked.every((r) => r.key === 'C major')).toBe(true);
    // a different session seed draws another plan (the drawing is seeded)
    const plans = new Set([1, 2, 3, 4, 5].map((seed) => planHarmony({ style: 'pop', seed, progressions }).chords.flat().join(' ')));
    expect(plans.size).toBeGreaterThan(1);
  });

  it('shares a progression given by bars (| C G | Am F | Dm |) phrase by phrase, its bar lines kept', () => {
    const h = planHarmony({ chords: '| C G | Am F | Dm |', seed: 0 });
    expect(h.chords).toEqual([['C', 'G'], ['Am', 'F'], ['Dm']]);
    expect(chordsFor(h, 0, 2)).toBe('C G | Am F');
    expect(chordsFor(h, 2, 2)).toBe('Dm | C G');
    // without | one chord a bar, as before
    expect(chordsFor(planHarmony({ chords: 'C G Am', seed: 0 }), 1, 3)).toBe('G Am C');
    // a session refuses, when they are set, chords its bars cannot split by beats (a jig: 1 or 2 a bar)
    const jig = () =>
      new LiveSession(
        { model: melodyNgram, store: new SuggestionStore(tmp(), 'p5', ON_THIS_THREAD), output: createLoopback('o').output, log: () => {} },
        { model: 'melody', style: 'jig', key: 'D major', chords: '| D G | A D |' },
        { clock: 'internal', bpm: 160 },
      );
    expect(() => jig().setControls({ chords: 'D G A | D' })).toThrow(/chords must be 1 or 2 chords splitting a 6\/8 bar evenly.*got "bar 1: D G A"/);
    const s = jig();
    s.setControls({ chords: 'D | G A' });
    expect(s.harmony!.chords).toEqual([['D'], ['G', 'A']]);
  });

  it('plays a jig in 6/8: bars of 12 sixteenths, whole-bar primers, the chords moving bar by bar', async () => {
    const mel = recording(melodyNgram);
    const store = new SuggestionStore(tmp(), 'p3', ON_THIS_THREAD);
    const session = new LiveSession(
      { model: mel, store, output: createLoopback('o').output, log: () => {} },
      { model: 'melody', style: 'jig', key: 'D major', chords: 'D G A D' },
      { clock: 'internal', bpm: 160 },
    );
    expect(session.meter).toMatchObject({ numerator: 6, denominator: 8, stepsPerBar: 12 });
    void session.start();
    await vi.advanceTimersByTimeAsync(12 * (60_000 / 160) * 3);
    session.stop();
    const BAR = 12 * 240;
    expect(mel.asked.length).toBeGreaterThanOrEqual(4);
    for (const r of mel.asked.slice(1)) expect(r.primer!.totalTicks % BAR).toBe(0);
    const log = readFileSync(join(store.dir, 'session.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log.map((l) => l.atTicks)).toEqual(log.map((_, i) => i * 2 * BAR));
    expect(log.every((l) => l.bars === 2)).toBe(true);
    expect(mel.asked.map((r) => r.chords)).toEqual(
      ['D G', 'D G A D', 'A D D G', 'D G A D', 'A D D G', 'D G A D', 'A D D G', 'D G A D', 'A D D G'].slice(0, mel.asked.length),
    );
  });

  it('refuses parts that would play in different meters, and a style change that would make them so', () => {
    const parts = [
      { name: 'drums', model: drums },
      { name: 'melody', model: melodyNgram },
    ];
    const deps = { model: drums, parts, store: new SuggestionStore(tmp(), 'p4', ON_THIS_THREAD), output: createLoopback('o').output, log: () => {} };
    expect(() => new LiveSession(deps, {}, { clock: 'internal' })).not.toThrow();
    const session = new LiveSession(
      { ...deps, store: new SuggestionStore(tmp(), 'p5', ON_THIS_THREAD) },
      { model: 'melody', style: 'reel' },
      { clock: 'internal' },
    );
    expect(() => session.setControls({ style: 'jig' })).toThrow(/genre must be styles that share a meter \(rock drums plays 4\/4, jig melody plays 6\/8\)/);
    expect(session.session.style).toBe('reel');
    expect(() => new LiveSession({ ...deps, store: new SuggestionStore(tmp(), 'p6') }, { model: 'melody', style: 'waltz' }, { clock: 'internal' })).toThrow(
      /share a meter .*waltz melody plays 3\/4/,
    );
  });
});
