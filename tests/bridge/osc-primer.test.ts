import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGenerate } from '../../bridge/cli/generate';
import { loadPart } from '../../bridge/models/load';
import { parseMessage, PRIMER_LIMITS } from '../../bridge/osc/address-space';
import { decodeMessage, encodeMessage, type ReplyArg } from '../../bridge/osc/codec';
import { BridgeController } from '../../bridge/osc/controller';
import { PrimerStore } from '../../bridge/osc/primers';
import { OscServer } from '../../bridge/osc/server';
import { SessionController } from '../../bridge/session/controller';
import { SuggestionStore } from '../../bridge/storage/suggestions';
import { readMidiFile } from '../../src/midi-file/read';
import { seedToInt32 } from '../../src/models/controls';
import { modelSpec } from '../../src/models/registry';
import type { PartModel } from '../../src/models/spec';
import type { Note } from '../../src/music/sequence';
import { PPQ } from '../../src/time/units';
import { sleep, until } from '../helpers/wait';

type Got = { address: string; args: unknown[] };
const notesOf = (ns: readonly Note[]) => ns.map((n) => [n.pitch, n.velocity, n.startTicks, n.durationTicks]);

describe('/tandem/primer in the address table', () => {
  const types = (n: number) => `,iiif${'iffi'.repeat(n)}`;
  const args = (n: number, head: unknown[] = [7, 0, 1, 8]) => [...head, ...Array.from({ length: n }, () => [36, 0, 0.25, 100]).flat()];
  it('reads a chunk: id, chunk, chunks, length in beats, then pitch, start, duration, velocity per note', () => {
    expect(parseMessage('/tandem/primer', ',iiififfi', [7, 0, 1, 8, 38, 1.5, 0.5, 90])).toEqual({
      address: '/tandem/primer',
      id: 7,
      chunk: 0,
      chunks: 1,
      lengthBeats: 8,
      notes: [{ pitch: 38, startBeats: 1.5, durationBeats: 0.5, velocity: 90 }],
    });
  });
  it('refuses bad counts, NaN, too many notes and values out of range with one line each', () => {
    const cases: Array<[string, unknown[], RegExp]> = [
      [
        ',iiif',
        [7, 0, 1, 8],
        /^\/tandem\/primer: takes i id, i chunk, i chunks, f length, then per note i pitch, f start, f duration, i velocity \(1 to 32 notes\); got 4 argument/,
      ],
      [',iiififf', [7, 0, 1, 8, 36, 0, 0.25], /takes i id.*got 7 argument/],
      [types(33), args(33), /\(1 to 32 notes\); got 136 argument/],
      [',iiififfi', [7, 0, 1, 8, 36, Number.NaN, 0.25, 100], /note 1 start must be a number \(f\), got type f$/],
      [',iiififfi', [7, 0, 1, 8, 128, 0, 0.25, 100], /note 1 pitch must be a whole number from 0 to 127, got 128/],
      [',iiififfi', [7, 0, 1, 8, 36, 0, 0, 100], /note 1 duration must be between 0.001 and 1024, got 0/],
      [',iiififfi', [7, 0, 1, 8, 36, 0, 0.25, 0], /note 1 velocity must be a whole number from 1 to 127, got 0/],
      [',iiififfi', [7, 0, 1, 0, 36, 0, 0.25, 100], /length must be between 0.25 and 1024, got 0/],
      [',iiififfi', [7, 64, 65, 8, 36, 0, 0.25, 100], /chunk must be a whole number from 0 to 63, got 64/],
      [',iiisifi', [7, 0, 1, 'eight', 36, 0, 0.25, 100], /length must be a number \(f\), got type s "eight"/],
    ];
    for (const [t, a, re] of cases) expect(() => parseMessage('/tandem/primer', t, a), t).toThrow(re);
    expect(PRIMER_LIMITS.chunks * PRIMER_LIMITS.notesPerChunk).toBe(2048);
  });
});

describe('the primer store', () => {
  const n = (pitch: number, startBeats: number) => ({ pitch, startBeats, durationBeats: 0.25, velocity: 100 });
  it('joins chunks in any order, per sender and id, once', () => {
    const s = new PrimerStore();
    s.add('a', { id: 1, chunk: 1, chunks: 2, lengthBeats: 8, notes: [n(38, 4)] });
    s.add('b', { id: 1, chunk: 0, chunks: 1, lengthBeats: 4, notes: [n(50, 0)] });
    s.add('a', { id: 1, chunk: 0, chunks: 2, lengthBeats: 8, notes: [n(36, 0)] });
    expect(s.take('a', 1)).toEqual({ lengthBeats: 8, notes: [n(36, 0), n(38, 4)] });
    expect(s.take('a', 1)).toBeUndefined();
    expect(s.take('b', 1)).toEqual({ lengthBeats: 4, notes: [n(50, 0)] });
  });
  it('names missing chunks, chunks that disagree and notes past the end', () => {
    const s = new PrimerStore();
    s.add('a', { id: 2, chunk: 0, chunks: 3, lengthBeats: 8, notes: [n(36, 0)] });
    expect(() => s.take('a', 2)).toThrow('primer 2: 2 of 3 chunks did not arrive (1, 2): send the clip again');
    s.add('a', { id: 3, chunk: 0, chunks: 2, lengthBeats: 8, notes: [n(36, 0)] });
    expect(() => s.add('a', { id: 3, chunk: 1, chunks: 2, lengthBeats: 16, notes: [n(36, 0)] })).toThrow(
      'primer 3: chunk 1 says 2 chunks of 16 beats, an earlier one 2 of 8: send the clip again',
    );
    expect(() => s.add('a', { id: 4, chunk: 2, chunks: 2, lengthBeats: 8, notes: [n(36, 0)] })).toThrow('primer 4: chunk 2 is outside 0..1');
    expect(() => s.add('a', { id: 5, chunk: 0, chunks: 1, lengthBeats: 8, notes: [n(36, 0), n(38, 8)] })).toThrow(
      "primer 5: note 2 of chunk 0 starts at beat 8, at or after the clip's end (8 beats)",
    );
  });
  it('forgets clips nobody asked for (time and count), so a client cannot fill the memory', () => {
    let now = 0;
    const s = new PrimerStore({ maxClips: 4, keepMs: 1000, now: () => now });
    for (let id = 0; id < 10; id++) s.add('a', { id, chunk: 0, chunks: 2, lengthBeats: 4, notes: [n(36, 0)] });
    expect(s.size).toBe(4);
    expect(s.take('a', 0)).toBeUndefined();
    now = 2000;
    expect(s.take('a', 9)).toBeUndefined();
    expect(s.size).toBe(0);
  });
});

/** A bridge on the trained networks in this process, as `tandem serve` runs them (in a worker there). */
let server: OscServer;
let controller: BridgeController;
let socket: Socket;
const got: Got[] = [];
const dir = mkdtempSync(join(tmpdir(), 'tandem-primer-'));
beforeAll(async () => {
  const parts = new Map<string, PartModel>();
  const part = async (m: string) => parts.get(m) ?? parts.set(m, (await loadPart(modelSpec(m), 'network')).model).get(m)!;
  controller = new BridgeController(new SessionController({ part, store: new SuggestionStore(join(dir, 'out'), 's') }));
  server = new OscServer((m, r) => controller.handle(m, r), { port: 0, log: () => {} });
  await server.open();
  socket = createSocket('udp4');
  socket.on('message', (b) => got.push(decodeMessage(b)));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
});
afterAll(async () => {
  socket.close();
  await server.close();
});
const send = (address: string, ...args: ReplyArg[]) => socket.send(encodeMessage(address, args), server.port, '127.0.0.1');
/** The end of request `id` (done or error), waiting up to `ms`. */
const end = (id: number, ms = 60_000): Promise<Got> =>
  until(
    `the answer to request ${id}`,
    () => got.find((g) => (g.address === '/tandem/suggestion/done' && g.args[0] === id) || (g.address === '/tandem/error' && g.args[1] === id)),
    ms,
  );
/** Sends a clip's notes as /tandem/primer chunks of 32 notes (in reverse order: UDP does not keep order either). */
function sendPrimer(id: number, notes: readonly Note[], lengthBeats: number): number {
  const chunks = Math.max(1, Math.ceil(notes.length / 32));
  for (let k = chunks - 1; k >= 0; k--) {
    const part = notes.slice(k * 32, (k + 1) * 32).flatMap((n) => [{ i: n.pitch }, { f: n.startTicks / PPQ }, { f: n.durationTicks / PPQ }, { i: n.velocity }]);
    send('/tandem/primer', { i: id }, { i: k }, { i: chunks }, { f: lengthBeats }, ...part);
  }
  return chunks;
}

describe('/tandem/primer then /tandem/generate over real UDP, on the trained networks', () => {
  let id = 100;
  for (const [model, genre, key] of [
    ['drums', 'funk', undefined],
    ['melody', 'reel', 'D major'],
    ['bass', 'pop', 'A minor'],
  ] as const) {
    it(`${model}: continues the clip exactly as tandem generate --primer does`, async () => {
      const spec = modelSpec(model);
      // The musician's clip: 2 bars the network played before (any notes would do), saved as a .mid for the CLI.
      const clipFile = join(dir, `${model}-clip.mid`);
      const flags = { model, modelImpl: 'network', genre, density: '0.9', temperature: '1', bpm: '120', quiet: true, ...(key ? { key } : {}) };
      const clip = await runGenerate({ ...flags, bars: '2', seed: '5', out: clipFile });
      const clipNotes = clip.sequences[0].notes;
      expect(clipNotes.length).toBeGreaterThan(0);
      const cli = await runGenerate({ ...flags, bars: '4', seed: '77', primer: clipFile, out: join(dir, `${model}-cli.mid`) });
      expect(cli.request.primerBars).toBe(2);

      const rid = ++id;
      send('/tandem/model', { s: model });
      send('/tandem/genre', { s: genre });
      send('/tandem/density', { f: 0.9 });
      send('/tandem/bars', { i: 4 });
      send('/tandem/key', { s: key ?? '' });
      send('/tandem/seed', { i: seedToInt32(77) });
      const chunks = sendPrimer(rid, clipNotes, 8);
      if (model === 'drums') expect(chunks).toBeGreaterThan(1);
      send('/tandem/generate', { i: rid });
      const done = await end(rid);
      expect(done.address, String(done.args[0])).toBe('/tandem/suggestion/done');
      expect(done.args[5]).toBe(model);
      expect(done.args[6]).toBe(8); // the new bars begin after the clip's 2 bars
      const viaOsc = readMidiFile(readFileSync(done.args[3] as string)).sequence.notes;
      expect(notesOf(viaOsc)).toEqual(notesOf(cli.sequences[0].notes));
      // It starts with the clip as given (a drum of bar 3 played early may sit among its last notes), then goes on.
      const out = new Set(notesOf(viaOsc).map((n) => n.join()));
      expect(notesOf(clipNotes).filter((n) => !out.has(n.join()))).toEqual([]);
      expect(viaOsc.every((n) => n.channel === spec.channel)).toBe(true);
      expect(viaOsc.some((n) => n.startTicks >= 2 * 4 * PPQ)).toBe(true);
    }, 120_000);
  }

  it('uses a clip once, for the request with its id and from its sender only', async () => {
    send('/tandem/model', { s: 'drums' });
    send('/tandem/bars', { i: 2 });
    sendPrimer(201, [{ pitch: 36, velocity: 100, startTicks: 0, durationTicks: 240, channel: 9 }], 4);
    // Another client's request with the same id is not continued from it.
    const other = createSocket('udp4');
    const otherGot: Got[] = [];
    other.on('message', (b) => otherGot.push(decodeMessage(b)));
    await new Promise<void>((r) => other.bind(0, '127.0.0.1', () => r()));
    other.send(encodeMessage('/tandem/generate', [{ i: 201 }]), server.port, '127.0.0.1');
    const otherDone = await until("the other client's suggestion", () => otherGot.find((g) => g.address === '/tandem/suggestion/done'), 30_000);
    other.close();
    expect(otherDone.args[6]).toBe(0);
    send('/tandem/generate', { i: 201 });
    expect((await end(201)).args[6]).toBe(4);
    got.length = 0;
    send('/tandem/generate', { i: 201 });
    expect((await end(201)).args[6]).toBe(0);
  }, 60_000);

  it('with --reply-port, a client is its reply port: one-shot senders (oscsend) send the clip and the request from different ports', async () => {
    const replies = createSocket('udp4');
    const heard: Got[] = [];
    replies.on('message', (b) => heard.push(decodeMessage(b)));
    await new Promise<void>((r) => replies.bind(0, '127.0.0.1', () => r()));
    const srv = new OscServer((m, r) => controller.handle(m, r), { port: 0, replyPort: replies.address().port, log: () => {} });
    await srv.open();
    const oneShot = async (address: string, ...args: ReplyArg[]) => {
      const s = createSocket('udp4');
      await new Promise<void>((r) => s.send(encodeMessage(address, args), srv.port, '127.0.0.1', () => r()));
      s.close();
    };
    try {
      await oneShot('/tandem/bars', { i: 2 });
      await oneShot('/tandem/primer', { i: 401 }, { i: 0 }, { i: 1 }, { f: 4 }, { i: 36 }, { f: 0 }, { f: 0.25 }, { i: 100 });
      await oneShot('/tandem/generate', { i: 401 });
      const done = await until('the suggestion at the reply port', () => heard.find((g) => g.address === '/tandem/suggestion/done'), 30_000);
      expect(done.args[6]).toBe(4);
    } finally {
      replies.close();
      await srv.close();
    }
  }, 60_000);

  it('answers a clip it cannot use with one line carrying the request id, and keeps running', async () => {
    const one = [{ pitch: 36, velocity: 100, startTicks: 0, durationTicks: 240, channel: 9 }];
    send('/tandem/bars', { i: 4 });
    // A chunk lost on the way.
    send('/tandem/primer', { i: 301 }, { i: 0 }, { i: 2 }, { f: 8 }, { i: 36 }, { f: 0 }, { f: 0.25 }, { i: 100 });
    send('/tandem/generate', { i: 301 });
    expect((await end(301)).args[0]).toBe('/tandem/generate: primer 301: 1 of 2 chunks did not arrive (1): send the clip again');
    // Shorter than a bar.
    sendPrimer(302, one, 3);
    send('/tandem/generate', { i: 302 });
    expect((await end(302)).args[0]).toBe('/tandem/generate: primer must be at least one whole bar (4 beats), got "3 beats"');
    // Bars 1 leaves no room after it.
    send('/tandem/bars', { i: 1 });
    sendPrimer(303, one, 4);
    send('/tandem/generate', { i: 303 });
    expect((await end(303)).args[0]).toBe('/tandem/generate: bars must be at least 2 to continue a clip (its bars are part of the suggestion), got 1');
    // A chunk that disagrees with the clip's first.
    send('/tandem/primer', { i: 304 }, { i: 0 }, { i: 2 }, { f: 8 }, { i: 36 }, { f: 0 }, { f: 0.25 }, { i: 100 });
    send('/tandem/primer', { i: 304 }, { i: 1 }, { i: 3 }, { f: 8 }, { i: 36 }, { f: 0 }, { f: 0.25 }, { i: 100 });
    expect((await end(304)).args[0]).toBe('/tandem/primer: primer 304: chunk 1 says 3 chunks of 8 beats, an earlier one 2 of 8: send the clip again');
    got.length = 0;
    send('/tandem/ping');
    await until('the pong', () => got.length > 0);
    await sleep(100); // and nothing else comes
    expect(got.map((g) => g.address)).toEqual(['/tandem/pong']);
  }, 60_000);
});
