import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGenerate } from '../../bridge/cli/generate';
import { parseMessage } from '../../bridge/osc/address-space';
import { decodeMessage, encodeMessage, type ReplyArg } from '../../bridge/osc/codec';
import type { OscServer } from '../../bridge/osc/server';
import { readMidiFile } from '../../src/midi-file/read';
import { seedToInt32 } from '../../src/models/controls';
import type { Note } from '../../src/music/sequence';
import { startBridge } from '../max-device/helpers';
import { until } from '../helpers/wait';

type Got = { address: string; args: unknown[] };
const notesOf = (ns: readonly Note[]) => ns.map((n) => [n.pitch, n.velocity, n.startTicks, n.durationTicks]);

describe('/tandem/generate with every setting, in the address table', () => {
  it('takes every setting of a request, and checks each as its control address does', () => {
    expect(parseMessage('/tandem/generate', ',issffiiiss', [3, 'Bass', 'pop', 0.5, 1, 4, 0, -1, 'A minor', ''])).toEqual({
      address: '/tandem/generate',
      id: 3,
      settings: { model: 'bass', style: 'pop', density: 0.5, temperature: 1, bars: 4, fillEvery: 0, seed: 2 ** 32 - 1, key: 'A minor', chords: '' },
    });
    expect(() => parseMessage('/tandem/generate', ',iss', [3, 'bass', 'pop'])).toThrow(
      /^\/tandem\/generate: takes \[i id\], \[s model\], \[s genre\], \[f density\], \[f temperature\], \[i bars\], \[i fill-every\], \[i seed\], \[s key\], \[s chords\] \(0, 1, 10 arguments\); got 3 argument/,
    );
    expect(parseMessage('/tandem/generate', ',i', [3])).toEqual({ address: '/tandem/generate', id: 3 });
    expect(() => parseMessage('/tandem/generate', ',issffiiiss', [3, 'piano', 'pop', 0.5, 1, 4, 0, 0, '', ''])).toThrow(
      /model must be one of drums, melody, bass, got "piano"/,
    );
    expect(() => parseMessage('/tandem/generate', ',issffiiiss', [3, 'bass', 'pop', 1.5, 1, 4, 0, 0, '', ''])).toThrow(
      /density must be between 0 and 1, got 1.5/,
    );
    expect(() => parseMessage('/tandem/generate', ',issffiiiss', [3, 'bass', 'pop', 0.5, 1, 65, 0, 0, '', ''])).toThrow(
      /bars must be a whole number from 1 to 64, got 65/,
    );
  });
});

let server: OscServer;
let a: Socket;
let b: Socket;
const gotA: Got[] = [];
const gotB: Got[] = [];
beforeAll(async () => {
  ({ server } = await startBridge());
  a = createSocket('udp4');
  b = createSocket('udp4');
  a.on('message', (m) => gotA.push(decodeMessage(m)));
  b.on('message', (m) => gotB.push(decodeMessage(m)));
  await Promise.all([a, b].map((s) => new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()))));
});
afterAll(async () => {
  a.close();
  b.close();
  await server.close();
});
const sendTo =
  (s: Socket) =>
  (address: string, ...args: ReplyArg[]) =>
    s.send(encodeMessage(address, args), server.port, '127.0.0.1');
const wait = <T>(f: () => T | undefined, what: string): Promise<T> => until(what, f, 30_000);

describe('/tandem/generate with every setting, over real UDP: a client with its own settings on a shared bridge (issue 11.11)', () => {
  it("makes what tandem generate makes for those settings, and leaves the session's settings and seed as another client set them", async () => {
    const A = sendTo(a);
    const B = sendTo(b);
    // Client A (a device) sets the session: funk, busy, seed 40.
    A('/tandem/genre', { s: 'funk' });
    A('/tandem/density', { f: 0.9 });
    A('/tandem/bars', { i: 2 });
    A('/tandem/seed', { i: 40 });
    // Client B (a MIDI Tool) asks with its own: a bass line in A minor, seed 2^32-3.
    B(
      '/tandem/generate',
      { i: 7 },
      { s: 'bass' },
      { s: 'pop' },
      { f: 0.3 },
      { f: 1 },
      { i: 4 },
      { i: 0 },
      { i: seedToInt32(2 ** 32 - 3) },
      { s: 'A minor' },
      { s: '' },
    );
    const doneB = await wait(() => gotB.find((g) => g.address === '/tandem/suggestion/done'), 'the request');
    expect(doneB.args[5]).toBe('bass');
    expect(doneB.args[4]).toBe(seedToInt32(2 ** 32 - 3));
    const cli = await runGenerate({
      model: 'bass',
      modelImpl: 'baseline',
      genre: 'pop',
      density: '0.3',
      temperature: '1',
      bars: '4',
      seed: String(2 ** 32 - 3),
      key: 'A minor',
      bpm: '120',
      quiet: true,
      out: join(mkdtempSync(join(tmpdir(), 'tandem-req-')), 'b.mid'),
    });
    expect(notesOf(readMidiFile(readFileSync(doneB.args[3] as string)).sequence.notes)).toEqual(notesOf(cli.sequences[0].notes));
    // A's session is as A left it: drums, funk, 0.9, 2 bars, and its next seed is still 40.
    A('/tandem/status');
    const status = await wait(() => gotA.find((g) => g.address === '/tandem/status'), 'status');
    expect(status.args.slice(0, 3)).toEqual(['drums', 'funk', expect.closeTo(0.9, 6)]);
    expect(status.args[4]).toBe(2);
    expect(status.args[6]).toBe(40);
    A('/tandem/generate', { i: 1 });
    const doneA = await wait(() => gotA.find((g) => g.address === '/tandem/suggestion/done'), "A's suggestion");
    expect(doneA.args[4]).toBe(40);
    expect(doneA.args[5]).toBe('drums');
  });

  it('answers a setting the model does not take with one line carrying the id; continues a primer sent with the id', async () => {
    const B = sendTo(b);
    gotB.length = 0;
    B('/tandem/generate', { i: 8 }, { s: 'bass' }, { s: 'funk' }, { f: 0.3 }, { f: 1 }, { i: 4 }, { i: 0 }, { i: 1 }, { s: '' }, { s: '' });
    const err = await wait(() => gotB.find((g) => g.address === '/tandem/error'), 'the error');
    expect(err.args).toEqual(['/tandem/generate: genre must be one of reel, jig, hornpipe, waltz, pop, chorale (or any) for the bass model, got "funk"', 8]);
    B('/tandem/primer', { i: 9 }, { i: 0 }, { i: 1 }, { f: 4 }, { i: 36 }, { f: 0 }, { f: 0.25 }, { i: 100 }, { i: 38 }, { f: 1 }, { f: 0.25 }, { i: 90 });
    B('/tandem/generate', { i: 9 }, { s: 'drums' }, { s: 'rock' }, { f: 0.5 }, { f: 1 }, { i: 2 }, { i: 0 }, { i: 1 }, { s: '' }, { s: '' });
    const done = await wait(() => gotB.find((g) => g.address === '/tandem/suggestion/done' && g.args[0] === 9), 'the continued request');
    expect(done.args[6]).toBe(4);
    const first = readMidiFile(readFileSync(done.args[3] as string)).sequence.notes.filter((n) => n.startTicks < 960 * 4 - 240); // (a hit of bar 2 may come a little early)
    expect(first.map((n) => [n.pitch, n.startTicks, n.velocity])).toEqual([
      [36, 0, 100],
      [38, 960, 90],
    ]);
  });
});
