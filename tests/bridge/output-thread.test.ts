import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { OutputThread } from '../../bridge/live/output-thread';
import { LiveSession } from '../../bridge/live/session';
import { DrumPart } from '../../src/models/drums/part';
import { midiCheck } from '../../bridge/midi/availability';
import { createLoopback, MidiUnavailableError } from '../../bridge/midi/port';
import { loadDrumNgram } from '../../bridge/models/load';
import { SuggestionStore } from '../../bridge/storage/suggestions';
import type { TimedMessage } from '../../src/scheduler/lookahead-scheduler';
import { noteOns, unreleased } from '../helpers/midi';

/* The MIDI output thread, in real time (its own thread cannot see fake timers). */

const on = (note: number, timeMs: number): TimedMessage => ({ bytes: [0x99, note, 100], timeMs, ticks: 0 });
const off = (note: number, timeMs: number): TimedMessage => ({ bytes: [0x89, note, 0], timeMs, ticks: 0 });

describe('OutputThread', () => {
  it('sends every message at or after its time, in time order, and measures how late', async () => {
    const port = createLoopback('relay');
    const thread = await OutputThread.start({ kind: 'relay', name: 'relay' }, { relayTo: port.output });
    thread.recordLateness(true);
    const t0 = performance.now() + 60;
    // pushed out of order, in two batches, as the scheduler's windows would
    const msgs = Array.from({ length: 20 }, (_, i) => on(36 + i, t0 + ((i * 7) % 20) * 10));
    thread.push(msgs.slice(0, 10));
    thread.push(msgs.slice(10));
    // one handed over 30 ms after it was due: the sender's lateness, kept apart from the thread's jitter
    thread.push([off(99, performance.now() - 30)]);
    await sleep(400);
    const { lateness, arrivedLate, pending } = await thread.stats();
    await thread.close();
    const sent = port.output.sent;
    expect(sent).toHaveLength(21);
    expect(arrivedLate).toHaveLength(1);
    expect(arrivedLate[0]).toBeGreaterThanOrEqual(30);
    expect(pending).toBe(0);
    expect(sent[0].bytes).toEqual([0x89, 99, 0]);
    const intended = new Map(msgs.map((m) => [m.bytes[1], m.timeMs]));
    const times = sent.slice(1).map((m) => intended.get(m.bytes[1])!);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // the relay hop back to this thread only adds delay: nothing arrives early
    for (const m of sent.slice(1)) expect(m.timeMs).toBeGreaterThanOrEqual(intended.get(m.bytes[1])! - 0.3);
    expect(lateness).toHaveLength(20);
    for (const l of lateness) expect(l).toBeGreaterThanOrEqual(-0.25);
  });

  it('clear drops queued note-ons and sends queued note-offs; sendNow goes ahead of the queue', async () => {
    const port = createLoopback('relay');
    const thread = await OutputThread.start({ kind: 'relay', name: 'relay' }, { relayTo: port.output });
    const t = performance.now();
    thread.push([on(40, t + 150), off(40, t + 250), on(41, t + 300)]);
    thread.sendNow([{ bytes: [0xb9, 123, 0], timeMs: t }]);
    await sleep(50);
    thread.clear();
    await sleep(350);
    await thread.close();
    expect(port.output.sent.map((m) => m.bytes)).toEqual([
      [0xb9, 123, 0],
      [0x89, 40, 0],
    ]);
  });

  it('close waits for the thread, after which nothing more is sent', async () => {
    const port = createLoopback('relay');
    const thread = await OutputThread.start({ kind: 'relay', name: 'relay' }, { relayTo: port.output });
    thread.push([on(50, performance.now() + 100)]);
    await thread.close();
    thread.push([on(51, performance.now())]);
    await sleep(200);
    expect(port.output.sent).toEqual([]);
    expect(await thread.stats()).toEqual({ lateness: [], arrivedLate: [], pending: 0 });
  });

  it.skipIf(midiCheck().ok)(
    `says why a real port cannot open here (no ALSA sequencer on this machine)${midiCheck().ok ? ' [skipped: this machine has a MIDI sequencer, so ports open]' : ''}`,
    async () => {
      const err = await OutputThread.start({ kind: 'easymidi', name: 'Tandem Out', virtual: true }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(MidiUnavailableError);
      expect((err as MidiUnavailableError).port).toBe('Tandem Out');
      expect((err as Error).message).toMatch(/\/dev\/snd\/seq/);
    },
  );

  it('plays a live session on the internal clock: notes on the 16th grid, every note released', async () => {
    const port = createLoopback('relay');
    const thread = await OutputThread.start({ kind: 'relay', name: 'relay' }, { relayTo: port.output });
    const store = new SuggestionStore(mkdtempSync(join(tmpdir(), 'tandem-thread-')), 'thread');
    const session = new LiveSession(
      { model: new DrumPart(loadDrumNgram()), store, dispatcher: thread, log: () => {} },
      { style: 'rock', density: 0.8, temperature: 0.5 },
      { clock: 'internal', bpm: 150 },
    );
    await session.start();
    await sleep(3300); // two bars at 150 BPM, and a bit
    session.stop();
    await thread.close();
    const start = session.clock.eventsSince(0).find((e) => e.type === 'start')!.timeMs;
    const step = 60_000 / 150 / 4;
    const sent = port.output.sent;
    const ons = noteOns(sent);
    expect(ons.length).toBeGreaterThan(10);
    for (const m of ons) {
      // within its micro-timing offset (half a step at most) of a 16th, plus the relay hop
      const s = (m.timeMs - start) / step;
      expect(s).toBeGreaterThan(-0.5);
      expect(Math.abs(s - Math.round(s))).toBeLessThan(0.5 + 30 / step);
    }
    expect(unreleased(sent)).toEqual([]);
    expect(sent.some((m) => (m.bytes[0] & 0xf0) === 0xb0 && m.bytes[1] === 123)).toBe(true);
  });
});

describe('LiveSession controls', () => {
  it('refuses bad controls when it is made, naming the field', () => {
    const store = new SuggestionStore(mkdtempSync(join(tmpdir(), 'tandem-thread-')), 'bad');
    const model = new DrumPart(loadDrumNgram());
    expect(() => new LiveSession({ model, store }, { temperature: 0 })).toThrow(/temperature/);
    expect(() => new LiveSession({ model, store }, { style: 'polka' })).toThrow(/genre.*polka|polka.*genre/);
    expect(() => new LiveSession({ model, store }, { model: 'bass', style: 'rock' })).toThrow(
      /genre must be one of reel, jig, hornpipe, waltz, pop, chorale \(or any\) for the bass model, got "rock"/,
    );
  });
});

describe('raisePriority', () => {
  it('keeps the default when TANDEM_OUTPUT_PRIORITY=off, and otherwise says what it got without throwing', async () => {
    const { raisePriority, PRIORITY_ENV } = await import('../../bridge/live/thread-priority');
    const before = process.env[PRIORITY_ENV];
    process.env[PRIORITY_ENV] = 'off';
    try {
      expect(raisePriority()).toEqual({ kind: 'default', why: `${PRIORITY_ENV}=off` });
    } finally {
      if (before === undefined) delete process.env[PRIORITY_ENV];
      else process.env[PRIORITY_ENV] = before;
    }
    // In a thread of its own, as the output thread does it (raising the test runner's own thread would outlive the test).
    const port = createLoopback('relay');
    const thread = await OutputThread.start({ kind: 'relay', name: 'relay' }, { relayTo: port.output });
    await thread.close();
    expect(['fifo', 'nice', 'default']).toContain(thread.priority.kind);
    if (process.platform !== 'linux') expect(thread.priority.kind).toBe('default');
  });
});
