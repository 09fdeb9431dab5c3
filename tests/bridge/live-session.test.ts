import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveSession } from '../../bridge/live/session';
import { createLoopback } from '../../bridge/midi/port';
import { SuggestionStore } from '../../bridge/storage/suggestions';
import { ON_THIS_THREAD } from '../helpers/store';
import { loadDrumNgram } from '../../bridge/models/load';
import { DrumPart } from '../../src/models/drums/part';
import type { PartModel } from '../../src/models/spec';
import { noteOns, unreleased } from '../helpers/midi';

const ngram = loadDrumNgram();
const model = new DrumPart(ngram);
const tmp = () => mkdtempSync(join(tmpdir(), 'tandem-live-'));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('live session on the internal clock', () => {
  it('plays generated phrases on time, saving each before it is played', async () => {
    const out = createLoopback('test out');
    const store = new SuggestionStore(tmp(), 's1', ON_THIS_THREAD);
    const saves: Array<{ atMs: number; atTicks: number }> = [];
    const save = store.save.bind(store);
    store.save = (seq, meta) => {
      saves.push({ atMs: performance.now(), atTicks: meta.atTicks ?? 0 });
      return save(seq, meta);
    };
    const session = new LiveSession({ model, store, output: out.output, log: () => {} }, { style: 'rock', density: 0.6 }, { clock: 'internal', bpm: 120 });
    const t0 = performance.now();
    void session.start();
    await vi.advanceTimersByTimeAsync(8 * 2000 + 50);
    session.stop();
    const sent = out.output.sent;
    const ons = noteOns(sent);
    expect(ons.length).toBeGreaterThan(8 * 8);
    // at 120 BPM a 16th is 125 ms; hits land within their micro-timing offset (< half a step) of the grid
    for (const m of ons) {
      const step = (m.timeMs - t0) / 125;
      expect(Math.abs(step - Math.round(step))).toBeLessThanOrEqual(0.5);
    }
    expect(unreleased(sent)).toEqual([]);
    expect(sent.some((m) => m.bytes[0] === 0xb9 && m.bytes[1] === 123)).toBe(true);
    // every phrase was saved (.mid + a log line) before its first note went out
    const files = readdirSync(store.dir).filter((f) => f.endsWith('.mid'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    const log = readFileSync(join(store.dir, 'session.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log).toHaveLength(files.length);
    expect(log[1]).toMatchObject({ model: 'drums-ngram', genre: 'rock', density: 0.6, atTicks: 2 * 3840 });
    for (const f of files) expect(statSync(join(store.dir, f)).size).toBeGreaterThan(30);
    // saved ahead of the playhead: at least a bar before the phrase begins (2 bars ahead is the default)
    for (const s of saves.slice(1)) expect(s.atMs - t0).toBeLessThanOrEqual((s.atTicks / 960) * 500 - 2000);
  });

  it('applies a control change at the next phrase', async () => {
    const out = createLoopback('out');
    const store = new SuggestionStore(tmp(), 's2', ON_THIS_THREAD);
    const session = new LiveSession(
      { model, store, output: out.output, log: () => {} },
      { style: 'funk', density: 0.2 },
      { clock: 'internal', bpm: 120, applyControls: 'phrase' },
    );
    void session.start();
    await vi.advanceTimersByTimeAsync(3000);
    session.setControls({ density: 0.9 });
    await vi.advanceTimersByTimeAsync(8000);
    session.stop();
    const log = readFileSync(join(store.dir, 'session.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log[0].density).toBe(0.2);
    expect(log.at(-1).density).toBe(0.9);
    expect(() => session.setControls({ density: 3 })).toThrow(/density must be between 0 and 1/);
  });

  it('never stalls when the model is slow: it repeats the last phrase and says so', async () => {
    const out = createLoopback('out');
    const lines: string[] = [];
    let calls = 0;
    const slow: PartModel = {
      id: 'slow',
      dispose() {},
      generate(req) {
        calls++;
        // the first phrase is quick, later ones take 6 s (longer than two bars at 120 BPM)
        return new Promise((resolve) => setTimeout(() => resolve(model.generate(req)), calls === 1 ? 10 : 6000));
      },
    };
    const session = new LiveSession(
      { model: slow, store: new SuggestionStore(tmp(), 's3', ON_THIS_THREAD), output: out.output, log: (l) => lines.push(l) },
      { style: 'rock' },
      { clock: 'internal', bpm: 120 },
    );
    const t0 = performance.now();
    void session.start();
    await vi.advanceTimersByTimeAsync(12_000);
    session.stop();
    expect(lines.some((l) => /model is late; repeating/.test(l))).toBe(true);
    // notes kept coming through every bar
    const ons = noteOns(out.output.sent);
    for (let bar = 0; bar < 5; bar++)
      expect(
        ons.some((m) => m.timeMs - t0 >= bar * 2000 && m.timeMs - t0 < (bar + 1) * 2000),
        `bar ${bar}`,
      ).toBe(true);
  });
});

describe('live session following a MIDI clock', () => {
  it('plays 8 bars in time with a 97 BPM clock stream on the loopback input', async () => {
    const clockIn = createLoopback('Tandem Clock');
    const out = createLoopback('Tandem Out');
    const session = new LiveSession(
      { model, store: new SuggestionStore(tmp(), 's4', ON_THIS_THREAD), output: out.output, input: clockIn.input, log: () => {} },
      { style: 'funk', density: 0.7 },
      { clock: 'midi', bpm: 120 },
    );
    void session.start();
    const period = 60_000 / (24 * 97);
    // a DAW sends clock before it starts: a beat of it, then Start, then 8 bars + a beat
    const total = 24 + 24 * 4 * 8 + 24;
    let firstAfterStart = 0;
    for (let i = 0; i < total; i++) {
      if (i === 24) clockIn.output.send([0xfa]);
      await vi.advanceTimersByTimeAsync(period);
      if (i === 24) firstAfterStart = performance.now();
      clockIn.output.send([0xf8]);
    }
    clockIn.output.send([0xfc]);
    await vi.advanceTimersByTimeAsync(50);
    session.stop();
    const sent = out.output.sent;
    const ons = noteOns(sent).filter((m) => m.timeMs >= firstAfterStart);
    expect(ons.length).toBeGreaterThan(8 * 8);
    // each hit lies within its micro-timing offset of a 16th of the followed clock
    const step = period * 6;
    for (const m of ons) {
      const s = (m.timeMs - firstAfterStart) / step;
      expect(Math.abs(s - Math.round(s))).toBeLessThanOrEqual(0.5 + 1e-6);
    }
    expect(Math.round((ons.at(-1)!.timeMs - firstAfterStart) / (step * 16))).toBeLessThanOrEqual(8);
    expect(session.clock.bpm).toBeCloseTo(97, 1);
    expect(unreleased(sent)).toEqual([]);
  });

  it('refuses to follow without an input port', () => {
    expect(() => new LiveSession({ model, store: new SuggestionStore(tmp(), 's5') }, {}, { clock: 'midi' })).toThrow(
      /clock must be used with a MIDI input port/,
    );
  });
});
