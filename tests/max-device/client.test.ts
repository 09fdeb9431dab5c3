import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import maxApi from 'max-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BridgeController } from '../../bridge/osc/controller';
import type { OscServer } from '../../bridge/osc/server';
import { TandemClient } from '../../max-device/src/client/client';
import { readMidiFile } from '../../src/midi-file/read';
import { PPQ } from '../../src/time/units';
import { fake } from './fakes/max-api';
import { JsHost } from './fakes/js-host';
import { FakeLiveSet } from './fakes/live-api';
import { freePort, startBridge, waitFor } from './helpers';

const WRITER = join(import.meta.dirname, '../../max-device/src/tandem-clip-writer.js');

let server: OscServer;
let controller: BridgeController;
let client: TandemClient | undefined;

beforeAll(async () => {
  ({ server, controller } = await startBridge());
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => fake.reset());
afterEach(async () => {
  await client?.close();
  client = undefined;
});

/** A client on the fake max-api, connected to the real bridge over UDP. */
async function connect(seed = 41): Promise<TandemClient> {
  client = new TandemClient(maxApi, { port: server.port, scriptDir: import.meta.dirname, launch: false, seed, heartbeatMs: 0 });
  client.registerHandlers();
  await client.start();
  return client;
}
const statuses = () => fake.outlets.filter((o) => o[0] === 'status').map((o) => String(o[1]));

describe('node.script client against a real bridge over UDP', () => {
  it('registers a handler for every message and says ready once the bridge answers', async () => {
    const c = await connect();
    expect(fake.handlerNames().sort()).toEqual([
      'bars',
      'density',
      'fill',
      'follow',
      'generate',
      'genre',
      'key',
      'meter',
      'model',
      'primer',
      'scale',
      'seed',
      'temperature',
      'transport',
      'write',
    ]);
    expect(c.phase).toBe('connected');
    expect(statuses()).toEqual([
      `looking for the Tandem bridge on 127.0.0.1:${server.port}…`,
      `ready: connected to the Tandem bridge on 127.0.0.1:${server.port}`,
    ]);
    expect(fake.outlets).toContainEqual(['ready']);
  });

  it('a scripted session: settings, Generate, Write clip; the clip holds exactly the suggested notes', async () => {
    const c = await connect(41);
    expect(fake.send('genre', 1)).toBe(true); // the menu sends its index: funk
    fake.send('density', 70);
    fake.send('temperature', 0.9);
    fake.send('bars', 2);
    fake.send('fill', 0);
    await waitFor(() => controller.session.settings.bars === 2 || undefined, 2000, 'the bridge to take the settings');
    expect(controller.session.style).toBe('funk');
    expect(controller.session.settings).toMatchObject({ density: 0.7, temperature: expect.closeTo(0.9, 6), bars: 2 });

    fake.send('generate');
    const kept = await waitFor(() => c.last, 5000, 'the suggestion');
    expect(kept.seed).toBe(41);
    expect(statuses()).toContain('generating funk d0.7 #41…');
    expect(statuses().at(-1)).toBe(`funk d0.7 #41: ${kept.notes.length} notes, 2 bars`);
    // The bridge saved it first; the notes that arrived are the file's notes.
    const saved = readMidiFile(readFileSync(kept.file)).sequence.notes;
    expect(kept.notes.length).toBeGreaterThan(10);
    expect(kept.notes).toEqual(
      saved.map((n) => ({ pitch: n.pitch, velocity: n.velocity, startBeats: n.startTicks / PPQ, durationBeats: n.durationTicks / PPQ })),
    );
    expect(kept.lengthBeats).toBe(8);

    fake.outlets = [];
    fake.send('write');
    const toWriter = fake.outlets.filter((o) => o[0] === 'clip').map((o) => o.slice(1));
    expect(toWriter[0]).toEqual(['begin', 8, 'funk', 0.7, 41]);
    expect(toWriter.at(-1)).toEqual(['end']);

    // The clip writer, in a Live set with one full and one empty slot on the device's track.
    const set = new FakeLiveSet({ tracks: [[{ name: 'mine', length: 4, notes: [] }, null]], deviceTrack: 0 });
    const js = new JsHost(WRITER, set);
    js.send('bang');
    for (const [selector, ...args] of toWriter) js.send(String(selector), ...args);
    expect(set.errors).toEqual([]);
    expect(set.tracks[0].slots[0]).toEqual({ name: 'mine', length: 4, notes: [] });
    expect(set.tracks[0].slots[1]).toEqual({
      name: 'Tandem funk d0.7 #41',
      length: 8,
      notes: saved.map((n) => ({ pitch: n.pitch, start_time: n.startTicks / PPQ, duration: n.durationTicks / PPQ, velocity: n.velocity, mute: 0 })),
    });

    // The next Generate uses the next seed; the same seed gives the same notes.
    fake.send('generate');
    await waitFor(() => (c.last!.seed === 42 ? c.last : undefined), 5000, 'the second suggestion');
    fake.send('seed', 41);
    fake.send('generate');
    const again = await waitFor(() => (c.last!.seed === 41 ? c.last : undefined), 5000, 'the repeated suggestion');
    expect(again.notes).toEqual(kept.notes);
  });

  it('Write clip before any suggestion generates one and writes it', async () => {
    await connect(7);
    fake.send('write');
    await waitFor(() => fake.outlets.some((o) => o[0] === 'clip' && o[1] === 'end') || undefined, 5000, 'the clip messages');
    // 8 bars: the one default of the control table, as in the CLI.
    expect(fake.outlets.find((o) => o[0] === 'clip')).toEqual(['clip', 'begin', 32, 'rock', 0.5, 7]);
  });

  it('hands the suggestion to the patch (a slot of 16ths) to play from the transport; Stop and Follow are left to the patch', async () => {
    const c = await connect(3);
    fake.send('bars', 1);
    fake.send('density', 100);
    fake.send('generate');
    const s = await waitFor(() => c.last, 5000, 'the suggestion');
    // The pattern is stored in a slot, and the patch reads it (its own Follow gate decides whether it sounds).
    const stored = fake.outlets.filter((o) => o[0] === 'pat');
    expect(stored[0]).toEqual(['pat', 0, 'clear']);
    const notes = stored.slice(1).flatMap(([, , step, ...rest]) => {
      const out: { pitch: number; startTicks: number }[] = [];
      for (let i = 0; i < rest.length; i += 4) out.push({ pitch: rest[i] as number, startTicks: (step as number) * 120 + (rest[i + 3] as number) });
      return out;
    });
    // Every note, at its place in the loop (480 ticks a beat).
    expect(notes.map((n) => [n.startTicks, n.pitch]).sort((x, y) => x[0] - y[0] || x[1] - y[1])).toEqual(
      s.notes.map((n) => [Math.round(n.startBeats * 480 * 1000) / 1000, n.pitch]).sort((x, y) => x[0] - y[0] || x[1] - y[1]),
    );
    expect(fake.outlets.filter((o) => o[0] === 'play')).toEqual([['play', -1, 0, 16, 0, 16]]);
    fake.outlets = [];
    fake.send('follow', 1);
    expect(fake.outlets).toEqual([]);
    for (let t = 0; t <= 2000; t += 20) fake.send('transport', 120, (t / 500) * 480, 1); // 120 BPM: a beat every 500 ms
    expect(fake.outlets.filter((o) => o[0] !== 'play')).toEqual([]); // Node sends no notes: the patch plays them
    await waitFor(
      () => (controller.session.transport.playing && controller.session.transport.bpm === 120) || undefined,
      2000,
      'the bridge to hear the transport',
    );
    fake.send('transport', 120, (2100 / 500) * 480, 0);
    fake.send('follow', 0);
    expect(fake.outlets).toEqual([]); // no stop from Node: it could come late (tests/max-device/follows-live.test.ts)
  });

  it('names the bad value and what is allowed, and keeps going', async () => {
    const c = await connect();
    fake.send('density', 150);
    expect(statuses().at(-1)).toBe('error: density must be between 0 and 100 %, got 150');
    fake.send('genre', 'metal');
    expect(statuses().at(-1)).toMatch(/^error: genre must be an index 0\.\.\d+ or one of rock, funk, .*, middleeastern, any, reel, jig, .*, got "metal"$/);
    fake.send('bars', 2.5);
    expect(statuses().at(-1)).toBe('error: bars must be a whole number, got 2.5');
    fake.send('transport', 'fast', 0, 1);
    expect(statuses().at(-1)).toMatch(/^error: transport takes bpm \(1-999\), ticks \(480 a beat\) and playing \(0\/1\), got \["fast",0,1\]$/);
    fake.send('genre', 'Jazz');
    expect(c.settings.genre).toBe('jazz');
    expect(fake.posts.some((p) => String(p[0]).includes('density must be between 0 and 100'))).toBe(true);
  });

  it('says so when no bridge answers and starting one is off', async () => {
    const port = await freePort();
    client = new TandemClient(maxApi, { port, scriptDir: import.meta.dirname, launch: false, pingTimeoutMs: 100, heartbeatMs: 0 });
    client.registerHandlers();
    await client.start();
    expect(client.phase).toBe('failed');
    expect(statuses().at(-1)).toBe(`error: no Tandem bridge answers on 127.0.0.1:${port}; start it with: npx tandem serve --osc-port ${port}`);
    fake.send('generate');
    expect(statuses().at(-1)).toMatch(/^error: not connected to the Tandem bridge yet/);
  });
});
