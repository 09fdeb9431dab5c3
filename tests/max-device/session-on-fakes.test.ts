import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OscServer } from '../../bridge/osc/server';
import { TandemClient } from '../../max-device/src/client/client';
import { readMidiFile } from '../../src/midi-file/read';
import { PPQ } from '../../src/time/units';
import { JsHost } from './fakes/js-host';
import { FakeLiveSet } from './fakes/live-api';
import { createMaxApi } from './fakes/max-api';
import { startBridge, waitFor } from './helpers';

const WRITER = join(import.meta.dirname, '../../max-device/src/tandem-clip-writer.js');

let server: OscServer;
beforeAll(async () => {
  ({ server } = await startBridge());
});
afterAll(async () => {
  await server.close();
});

/** A device on a track: its node.script client (own max-api) and its js clip writer, wired as the patch wires them (route clip -> js). */
function device(set: FakeLiveSet, seed: number) {
  const { api, fake } = createMaxApi();
  const client = new TandemClient(api, { port: server.port, scriptDir: import.meta.dirname, launch: false, seed, heartbeatMs: 0 });
  client.registerHandlers();
  const js = new JsHost(WRITER, set);
  fake.onOutlet((args) => {
    if (args[0] === 'clip') js.send(String(args[1]), ...args.slice(2));
  });
  js.send('bang'); // live.thisdevice
  return { client, fake, js };
}

describe('a scripted session on the fakes (issue 11, done when)', () => {
  it('two devices on one bridge, the first deleted mid-way: a Session clip and an Arrangement clip that read back exactly the saved notes', async () => {
    const set = new FakeLiveSet({ tracks: [[null, null]], deviceTrack: 0, songTime: 17 });
    const a = device(set, 100);
    const b = device(set, 200);
    await Promise.all([a.client.start(), b.client.start()]);

    a.fake.send('bars', 2);
    a.fake.send('write'); // no suggestion yet: generates, then writes to the Session
    await waitFor(() => a.js.statuses().find((s) => s.startsWith('wrote ')), 5000, 'the Session clip');
    const sessionSaved = readMidiFile(readFileSync(a.client.last!.file)).sequence.notes;
    await a.client.close(); // the first device is deleted

    b.js.send('target', 1); // Write to: Arrangement
    b.fake.send('genre', 'funk');
    b.fake.send('bars', 1);
    b.fake.send('write');
    await waitFor(() => b.js.statuses().find((s) => s.startsWith('wrote ')), 5000, 'the Arrangement clip');
    const arrangementSaved = readMidiFile(readFileSync(b.client.last!.file)).sequence.notes;
    await b.client.close();

    const asLive = (notes: typeof sessionSaved) =>
      notes.map((n) => ({ pitch: n.pitch, start_time: n.startTicks / PPQ, duration: n.durationTicks / PPQ, velocity: n.velocity, mute: 0 }));
    expect(set.tracks[0].slots[0]).toEqual({ name: 'Tandem rock d0.5 #100', length: 8, notes: asLive(sessionSaved) });
    expect(set.tracks[0].arrangement).toEqual([{ name: 'Tandem funk d0.5 #200', length: 4, notes: asLive(arrangementSaved), start: 16 }]);
    expect(a.js.statuses().at(-1)).toBe(`wrote "Tandem rock d0.5 #100" (${sessionSaved.length} notes, read back) to clip slot 1`);
    expect(b.js.statuses().at(-1)).toBe(`wrote "Tandem funk d0.5 #200" (${arrangementSaved.length} notes, read back) to the Arrangement at bar 5`);
    expect(set.errors).toEqual([]);
  });
});
