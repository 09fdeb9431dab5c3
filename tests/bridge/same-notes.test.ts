import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import maxApi from 'max-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessage, decodeMessage, type ReplyArg } from '../../bridge/osc/codec';
import { TandemClient } from '../../max-device/src/client/client';
import { GENRE_ITEMS } from '../../max-device/src/parameters';
import { readMidiFile } from '../../src/midi-file/read';
import { seedToInt32 } from '../../src/models/controls';
import type { Note } from '../../src/music/sequence';
import { PPQ } from '../../src/time/units';
import { tandem } from '../helpers/cli';
import { fake } from '../max-device/fakes/max-api';
import { startBridge, waitFor } from '../max-device/helpers';
import { createSocket } from 'node:dgram';

/**
 * The done-when of issue 17: the same settings and seed give the same notes whether they come from
 * the CLI, over OSC or from the device. A seed above 2^31 checks that Max's and OSC's 32-bit ints
 * carry it.
 */
const SEED = 3_000_000_007;
const notesOf = (file: string) => readMidiFile(readFileSync(file)).sequence.notes.map((n: Note) => [n.pitch, n.velocity, n.startTicks, n.durationTicks]);

let bridge: Awaited<ReturnType<typeof startBridge>>;
beforeAll(async () => {
  bridge = await startBridge();
});
afterAll(async () => {
  await bridge.server.close();
});

describe('one seed policy, one control table', () => {
  for (const [model, genre, extra] of [
    ['drums', 'funk', []],
    ['bass', 'pop', ['--key', 'A minor']],
  ] as const) {
    it(`${model}: tandem generate, OSC and the device give the same notes for the same settings and seed`, async () => {
      const out = join(mkdtempSync(join(tmpdir(), 'tandem-same-')), 'cli.mid');
      const cli = tandem([
        'generate',
        '--model',
        model,
        '--model-impl',
        'baseline',
        '--genre',
        genre,
        '--density',
        '0.7',
        '--bars',
        '2',
        '--seed',
        String(SEED),
        ...extra,
        '--out',
        out,
        '--json',
      ]);
      expect(cli.code, cli.stderr).toBe(0);
      const fromCli = notesOf(out);
      expect(fromCli.length).toBeGreaterThan(0);

      // OSC: any client, the seed as an int32.
      const sock = createSocket('udp4');
      await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
      const got: Array<{ address: string; args: unknown[] }> = [];
      sock.on('message', (b) => got.push(decodeMessage(b)));
      const send = (a: string, ...args: ReplyArg[]) => sock.send(encodeMessage(a, args), bridge.server.port, '127.0.0.1');
      send('/tandem/model', { s: model });
      send('/tandem/genre', { s: genre });
      send('/tandem/density', { f: 0.7 });
      send('/tandem/bars', { i: 2 });
      if (extra.length) send('/tandem/key', { s: extra[1] });
      send('/tandem/seed', { i: seedToInt32(SEED) });
      send('/tandem/generate', { i: 1 });
      const done = await waitFor(() => got.find((g) => g.address === '/tandem/suggestion/done'), 5000, 'the OSC suggestion');
      sock.close();
      expect(done.args[4]).toBe(seedToInt32(SEED));
      expect(notesOf(done.args[3] as string)).toEqual(fromCli);

      // The device: menus, dials and a Max int for the seed.
      fake.reset();
      const client = new TandemClient(maxApi, { port: bridge.server.port, scriptDir: import.meta.dirname, launch: false, heartbeatMs: 0 });
      try {
        client.registerHandlers();
        await client.start();
        fake.send('model', ['drums', 'melody', 'bass'].indexOf(model));
        fake.send('genre', GENRE_ITEMS.indexOf(genre));
        fake.send('density', 70);
        fake.send('bars', 2);
        fake.send('seed', SEED | 0);
        fake.send('generate');
        const kept = await waitFor(() => client.last, 5000, 'the device suggestion');
        expect(kept.seed).toBe(SEED);
        expect(kept.notes.map((n) => [n.pitch, n.velocity, Math.round(n.startBeats * PPQ), Math.round(n.durationBeats * PPQ)])).toEqual(fromCli);
      } finally {
        await client.close();
      }
    });
  }
});
