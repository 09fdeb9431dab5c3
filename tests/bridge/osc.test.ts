import { spawn, spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeController } from '../../bridge/osc/controller';
import { OscServer } from '../../bridge/osc/server';
import { decodeMessage, decodePacket, encodeMessage, type ReplyArg } from '../../bridge/osc/codec';
import { ADDRESSES, parseMessage } from '../../bridge/osc/address-space';
import { SuggestionStore } from '../../bridge/storage/suggestions';
import { loadPart } from '../../bridge/models/load';
import { SessionController } from '../../bridge/session/controller';
import { modelSpec } from '../../src/models/registry';
import type { PartModel } from '../../src/models/spec';
import { DRUM_GENRES } from '../../src/conditioning/genres';
import OSC from 'osc-js';
import { readMidiFile } from '../../src/midi-file/read';
import { makeRng } from '../../src/random';
import { REPO_ROOT } from '../../bridge/data/paths';
import { until } from '../helpers/wait';

type Got = { address: string; types: string; args: unknown[] };

/** A UDP client on 127.0.0.1 that collects replies. */
async function client(): Promise<{
  socket: Socket;
  got: Got[];
  send: (addr: string, ...args: ReplyArg[]) => void;
  raw: (b: Uint8Array) => void;
  waitFor: (n: number, ms?: number) => Promise<Got[]>;
}> {
  const socket = createSocket('udp4');
  const got: Got[] = [];
  socket.on('message', (b) => got.push(decodeMessage(b)));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return {
    socket,
    got,
    // Throws on timeout: a test waiting for replies that never come fails here, saying so.
    waitFor: (n, ms = 5000) => until(`${n} replies`, () => got.length >= n && got, ms, 5),
    send: (a, ...args) => socket.send(encodeMessage(a, args), port, '127.0.0.1'),
    raw: (b) => socket.send(b, port, '127.0.0.1'),
  };
}

/** The n-gram baselines, loaded in this process on first use (as tests run them). */
function baselineParts(): (model: string) => Promise<PartModel> {
  const parts = new Map<string, PartModel>();
  return async (m) => parts.get(m) ?? parts.set(m, (await loadPart(modelSpec(m), 'baseline')).model).get(m)!;
}

/** A session on the n-gram baselines. */
async function baselineSession(store: SuggestionStore, timeoutMs?: number): Promise<SessionController> {
  return new SessionController({ store, timeoutMs, part: baselineParts() });
}

let port = 0;
let server: OscServer;
let store: SuggestionStore;

beforeAll(async () => {
  store = new SuggestionStore(mkdtempSync(join(tmpdir(), 'tandem-osc-')), 's');
  const controller = new BridgeController(await baselineSession(store));
  server = new OscServer((m, r) => controller.handle(m, r), { port: 0, log: () => {} });
  await server.open();
  port = server.port;
});
afterAll(async () => {
  await server.close();
});

describe('OSC address space', () => {
  it('checks addresses, types, counts and ranges, naming what is allowed', () => {
    expect(parseMessage('/tandem/density', ',f', [0.699999988079071])).toEqual({ address: 'control', osc: '/tandem/density', control: 'density', value: 0.7 });
    expect(parseMessage('/tandem/density', ',i', [1])).toMatchObject({ control: 'density', value: 1 });
    expect(() => parseMessage('/tandem/densty', ',f', [0.5])).toThrow(/unknown address \(known: \/tandem\/model/);
    expect(() => parseMessage('/tandem/density', ',f', [1.5])).toThrow('/tandem/density: density must be between 0 and 1, got 1.5');
    expect(() => parseMessage('/tandem/density', ',s', ['high'])).toThrow(/density must be a number \(f\), got type s "high"/);
    expect(() => parseMessage('/tandem/bars', ',f', [2.5])).toThrow(/bars must be a whole number, got 2.5/);
    expect(() => parseMessage('/tandem/model', ',s', ['piano'])).toThrow(/model must be one of drums, melody, bass, got "piano"/);
    expect(() => parseMessage('/tandem/generate', ',ii', [1, 2])).toThrow(/takes \[i id\], \[s model\], .* \(0, 1, 10 arguments\); got 2 argument/);
    expect(parseMessage('/tandem/generate', '', [])).toEqual({ address: '/tandem/generate', id: undefined });
    expect(parseMessage('/tandem/generate', ',i', [7])).toEqual({ address: '/tandem/generate', id: 7 });
    expect(() => parseMessage('/tandem/transport', ',ff', [120, 0])).toThrow(/takes f bpm, f beat, i playing; got 2/);
    expect(() => parseMessage('/tandem/transport', ',ffi', [401, 0, 1])).toThrow(/bpm must be between 20 and 400, got 401/);
    expect(parseMessage('/tandem/model', ',s', ['Melody'])).toEqual({ address: '/tandem/model', model: 'melody' });
    expect(parseMessage('/tandem/key', ',s', ['D major'])).toMatchObject({ control: 'key', value: 'D major' });
    expect(parseMessage('/tandem/chords', ',s', ['C G Am F'])).toMatchObject({ control: 'chords', value: 'C G Am F' });
    // Seeds: 0..2^32-1; an int32 below 0 is the unsigned seed Max and OSC ints cannot hold otherwise.
    expect(parseMessage('/tandem/seed', ',i', [-1])).toMatchObject({ control: 'seed', value: 2 ** 32 - 1 });
    expect(parseMessage('/tandem/seed', ',d', [3_000_000_000])).toMatchObject({ value: 3_000_000_000 });
    expect(() => parseMessage('/tandem/seed', ',d', [2 ** 32])).toThrow(/seed must be a whole number from 0 to 2\^32-1/);
    // Echoed values are cut short and the address table has no inherited members.
    expect(() => parseMessage('/tandem/key', ',s', ['x'.repeat(65_000)])).toThrow(/key must be at most 24 characters, got 65000$/);
    expect(() => parseMessage('constructor', '', [])).toThrow(/constructor: unknown address/);
  });

  it('decodes every message of a bundle, in order', () => {
    const bundle = new OSC.Bundle([
      new OSC.Message('/tandem/density', 0.25),
      new OSC.Bundle([new OSC.Message('/tandem/bars', 2)]),
      new OSC.Message('/tandem/ping'),
    ]);
    expect(decodePacket(bundle.pack()).map((m) => m.address)).toEqual(['/tandem/density', '/tandem/bars', '/tandem/ping']);
  });
});

describe('OSC server over real UDP', () => {
  it('takes controls and reports them in /tandem/status', async () => {
    const c = await client();
    c.send('/tandem/genre', { s: 'funk' });
    c.send('/tandem/density', { f: 0.7 });
    c.send('/tandem/transport', { f: 97 }, { f: 16 }, { i: 1 });
    await new Promise((r) => setTimeout(r, 50));
    c.send('/tandem/status');
    const [status] = await c.waitFor(1);
    expect(status.address).toBe('/tandem/status');
    expect(status.args.slice(0, 3)).toEqual(['drums', 'funk', expect.closeTo(0.7, 6)]);
    expect(status.args[4]).toBe(8); // bars: the one default, as in the CLI
    expect(status.args[8]).toBeCloseTo(97, 3);
    expect(status.args[9]).toBe(1);
    c.socket.close();
  });

  it('sends a suggestion in chunks after saving it, and the notes match the saved file', async () => {
    const c = await client();
    c.send('/tandem/bars', { i: 8 });
    c.send('/tandem/density', { f: 1 });
    await new Promise((r) => setTimeout(r, 30));
    c.send('/tandem/generate');
    await until('/tandem/suggestion/done', () => c.got.some((g) => g.address === '/tandem/suggestion/done'));
    const chunks = c.got.filter((g) => g.address === '/tandem/suggestion');
    const done = c.got.find((g) => g.address === '/tandem/suggestion/done')!;
    expect(chunks.length).toBeGreaterThan(1); // 8 busy bars do not fit one chunk
    expect(chunks.every((ch) => ch.args[2] === chunks.length)).toBe(true);
    const notes = chunks
      .sort((a, b) => (a.args[1] as number) - (b.args[1] as number))
      .flatMap((ch) => {
        const out: number[][] = [];
        for (let i = 3; i < ch.args.length; i += 4) out.push([ch.args[i] as number, ch.args[i + 1] as number, Math.round((ch.args[i + 2] as number) * 960)]);
        return out;
      });
    expect(done.args[1]).toBe(notes.length);
    expect(done.args[2]).toBeCloseTo(32, 6); // 8 bars of 4 beats
    const saved = readMidiFile(readFileSync(done.args[3] as string)).sequence.notes.map((n) => [n.pitch, n.velocity, n.startTicks]);
    expect(notes).toEqual(saved);
    c.socket.close();
  });

  it('answers every bad message with /tandem/error and keeps running', async () => {
    const c = await client();
    c.send('/tandem/density', { f: 1.7 });
    c.send('/tandem/nope');
    c.send('/tandem/bars', { s: 'eight' });
    c.raw(Uint8Array.from([0xde, 0xad, 0xbe, 0xef]));
    const errs = await c.waitFor(4);
    expect(errs.map((e) => e.address)).toEqual(Array(4).fill('/tandem/error'));
    const texts = errs.map((e) => e.args[0] as string).sort();
    expect(texts).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/density must be between 0 and 1, got 1.7/),
        expect.stringMatching(/\/tandem\/nope: unknown address/),
        expect.stringMatching(/bars must be a number/),
        expect.stringMatching(/unreadable OSC packet of 4 bytes/),
      ]),
    );
    c.send('/tandem/ping');
    expect((await c.waitFor(5)).at(-1)!.address).toBe('/tandem/pong');
    c.socket.close();
  });

  it('survives a fuzz of random addresses, types and values, answering each bad one', async () => {
    const c = await client();
    const rng = makeRng('fuzz');
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)];
    const addresses = [...Object.keys(ADDRESSES).filter((a) => a !== '/tandem/generate'), '/tandem/x', '/other', '/tandem/density/x'];
    const strings = ['rock', 'funk', 'x', '', 'drums', 'any', 'D major'];
    let bad = 0;
    let answered = 0; // valid messages that answer (status, ping)
    for (let i = 0; i < 300; i++) {
      if (rng() < 0.1) {
        // Random bytes: an OSC packet starts with '/' (message) or '#bundle'; these never do.
        const bytes = Uint8Array.from({ length: 1 + Math.floor(rng() * 40) }, () => Math.floor(rng() * 256));
        bytes[0] = 0x40 + Math.floor(rng() * 32);
        c.raw(bytes);
        bad++;
        continue;
      }
      const address = pick(addresses);
      const args: ReplyArg[] = Array.from({ length: Math.floor(rng() * 4) }, () =>
        pick([{ i: Math.floor(rng() * 200) - 50 }, { f: rng() * 3 - 1 }, { s: pick(strings) }]),
      );
      const ok = oracle(address, args);
      if (!ok) bad++;
      else if (address === '/tandem/status' || address === '/tandem/ping') answered++;
      c.send(address, ...args);
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await c.waitFor(bad + answered, 10_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(c.got.filter((g) => g.address === '/tandem/error')).toHaveLength(bad);
    expect(c.got).toHaveLength(bad + answered);
    c.send('/tandem/ping');
    await c.waitFor(bad + answered + 1);
    expect(c.got.at(-1)!.address).toBe('/tandem/pong');
    c.socket.close();
  });

  it('gives requests sent back to back their own seeds (issue 10.4), answered with their ids', async () => {
    // The model answers later, as the worker thread or Chromium does: requests overlap.
    const base = baselineParts();
    const later = new SessionController({
      store,
      part: async (m) => {
        const p = await base(m);
        return { id: p.id, dispose: () => {}, generate: async (r) => new Promise((res) => setTimeout(() => res(p.generate(r)), 30)) };
      },
    });
    const ctl = new BridgeController(later);
    const srv = new OscServer((m, r) => ctl.handle(m, r), { port: 0, log: () => {} });
    await srv.open();
    const c = await client();
    const send = (a: string, ...args: ReplyArg[]) => c.socket.send(encodeMessage(a, args), srv.port, '127.0.0.1');
    try {
      send('/tandem/genre', { s: 'funk' });
      send('/tandem/bars', { i: 2 });
      send('/tandem/seed', { i: 500 });
      for (const id of [11, 12, 13]) send('/tandem/generate', { i: id });
      await until('three suggestions', () => c.got.filter((g) => g.address === '/tandem/suggestion/done').length === 3);
      const done = c.got.filter((g) => g.address === '/tandem/suggestion/done');
      expect(done.map((d) => d.args[0]).sort()).toEqual([11, 12, 13]);
      expect(Object.fromEntries(done.map((d) => [d.args[0] as number, d.args[4]]))).toEqual({ 11: 500, 12: 501, 13: 502 });
      const notes = done.map((d) => JSON.stringify(readMidiFile(readFileSync(d.args[3] as string)).sequence.notes));
      expect(new Set(notes).size).toBe(3);
    } finally {
      c.socket.close();
      await srv.close();
    }
  });

  it('plays melody and bass through the same path, and keeps each model its genre', async () => {
    const c = await client();
    c.send('/tandem/model', { s: 'drums' });
    c.send('/tandem/genre', { s: 'funk' });
    c.send('/tandem/model', { s: 'bass' });
    c.send('/tandem/genre', { s: 'funk' }); // not a bass style
    c.send('/tandem/key', { s: 'A minor' });
    c.send('/tandem/chords', { s: 'Am F C G' });
    c.send('/tandem/bars', { i: 4 });
    c.send('/tandem/generate', { i: 21 });
    await until('the bass line', () => c.got.some((g) => g.address === '/tandem/suggestion/done'));
    const err = c.got.find((g) => g.address === '/tandem/error')!;
    expect(err.args[0]).toMatch(/\/tandem\/genre: genre must be one of reel, jig, hornpipe, waltz, pop, chorale \(or any\) for the bass model, got "funk"/);
    const done = c.got.find((g) => g.address === '/tandem/suggestion/done')!;
    expect(done.args[5]).toBe('bass');
    const saved = readMidiFile(readFileSync(done.args[3] as string)).sequence.notes;
    expect(saved.length).toBeGreaterThan(0);
    expect(saved.every((n) => n.channel === modelSpec('bass').channel)).toBe(true);
    c.send('/tandem/model', { s: 'drums' });
    c.send('/tandem/status');
    await until('status', () => c.got.some((g) => g.address === '/tandem/status'));
    expect(c.got.find((g) => g.address === '/tandem/status')!.args.slice(0, 2)).toEqual(['drums', 'funk']);
    c.socket.close();
  });

  it('takes chords by bar (| Am F | C G |) on /tandem/chords, and refuses an empty bar naming it', async () => {
    const c = await client();
    c.send('/tandem/model', { s: 'bass' });
    c.send('/tandem/chords', { s: '| Am F | C G |' });
    c.send('/tandem/chords', { s: 'Am || F' });
    await until('the refusal', () => c.got.some((g) => g.address === '/tandem/error'));
    expect(c.got.find((g) => g.address === '/tandem/error')!.args[0]).toMatch(/chords must be bars of 1 to 4 chords \(bar 2 is empty\).*got "Am \|\| F"/);
    c.send('/tandem/status');
    await until('status', () => c.got.some((g) => g.address === '/tandem/status'));
    expect(c.got.find((g) => g.address === '/tandem/status')!.args[11]).toBe('| Am F | C G |');
    c.send('/tandem/chords', { s: '' });
    c.send('/tandem/model', { s: 'drums' });
    c.socket.close();
  });

  it('gives up a humanize whose drum network does not come in time, naming its id, and saves nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-humanize-timeout-'));
    const slow = new SessionController({ store: new SuggestionStore(dir), timeoutMs: 50, humanizer: () => new Promise(() => {}) });
    const clip = {
      ppq: 480,
      totalTicks: 1920,
      tempos: [{ ticks: 0, bpm: 120 }],
      notes: [{ pitch: 36, velocity: 100, startTicks: 0, durationTicks: 120, channel: 9 }],
    };
    await expect(slow.humanize(clip as never, { amount: 1, genre: 'rock', seed: 1 } as never, { id: 9 })).rejects.toThrow(
      'request 9 got no result within 50 ms and was given up',
    );
    expect(readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.mid'))).toEqual([]);
  });

  it('answers a request the model cannot finish in time with an error carrying its id', async () => {
    const slow = new SessionController({ store, timeoutMs: 50, part: async () => ({ id: 'never', generate: () => new Promise(() => {}), dispose: () => {} }) });
    const ctl = new BridgeController(slow);
    const srv = new OscServer((m, r) => ctl.handle(m, r), { port: 0, log: () => {} });
    await srv.open();
    const c = await client();
    try {
      c.socket.send(encodeMessage('/tandem/generate', [{ i: 77 }]), srv.port, '127.0.0.1');
      const [e] = await c.waitFor(1, 2000);
      expect(e.address).toBe('/tandem/error');
      expect(e.args).toEqual(['/tandem/generate: request 77 got no result within 50 ms and was given up', 77]);
    } finally {
      c.socket.close();
      await srv.close();
    }
  });
});

/**
 * Whether the bridge must take a message, written from the README's OSC table and the control
 * ranges, not from the parser under test. The fuzz's session stays on drums (no model string it
 * sends is another model), so genres are drum genres.
 */
function oracle(address: string, args: ReplyArg[]): boolean {
  const num = (a: ReplyArg | undefined) => (a && !('s' in a) ? ('i' in a ? a.i : a.f) : undefined);
  const str = (a: ReplyArg | undefined) => (a && 's' in a ? a.s : undefined);
  const one = (ok: (a: ReplyArg) => boolean) => args.length === 1 && ok(args[0]);
  const inRange =
    (lo: number, hi: number, whole = false) =>
    (a: ReplyArg) => {
      const v = num(a);
      return v !== undefined && v >= lo && v <= hi && (!whole || Number.isInteger(v));
    };
  switch (address) {
    case '/tandem/model':
      return one((a) => str(a) === 'drums');
    case '/tandem/genre':
      return one((a) => [...DRUM_GENRES, 'any'].includes(str(a)!));
    case '/tandem/density':
      return one(inRange(0, 1));
    case '/tandem/temperature':
      return one(inRange(0.05, 3));
    case '/tandem/bars':
      return one(inRange(1, 64, true));
    case '/tandem/fill':
      return one(inRange(0, 64, true));
    case '/tandem/seed':
      // Any int32 (below 0: the unsigned value); a float only when whole and 0..2^32-1.
      return one((a) => ('i' in a ? true : inRange(0, 2 ** 32 - 1, true)(a)));
    case '/tandem/key':
      // Of the strings sent, only "D major" is a key (README: "D major", "A minor", Em, ...); '' clears.
      return one((a) => str(a) === '' || str(a) === 'D major');
    case '/tandem/chords':
      // None of the strings sent is a chord progression ("D major": "major" is no chord symbol); '' clears.
      return one((a) => str(a) === '');
    case '/tandem/follow':
      return one(inRange(0, 1, true));
    case '/tandem/transport':
      return args.length === 3 && inRange(20, 400)(args[0]) && inRange(0, 1e7)(args[1]) && inRange(0, 1, true)(args[2]);
    case '/tandem/status':
    case '/tandem/ping':
      return args.length === 0;
    default:
      return false;
  }
}

const haveLiblo = spawnSync('sh', ['-c', 'command -v oscsend && command -v oscdump']).status === 0;
const skipLiblo = !haveLiblo && process.env.CI !== 'true';
describe.skipIf(skipLiblo)(`with liblo's oscsend/oscdump as an independent peer${skipLiblo ? ' [skipped: apt-get install liblo-tools]' : ''}`, () => {
  it('accepts oscsend and replies to oscdump on the reply port', async () => {
    const replyPort = 40000 + Math.floor(Math.random() * 10000);
    const ctl = new BridgeController(await baselineSession(store));
    const srv = new OscServer((m, r) => ctl.handle(m, r), { port: 0, replyPort, log: () => {} });
    await srv.open();
    const dump = spawn('oscdump', ['-L', String(replyPort)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    dump.stdout.on('data', (d) => (out += d));
    try {
      await new Promise((r) => setTimeout(r, 300));
      const send = (...args: string[]) => expect(spawnSync('oscsend', ['127.0.0.1', String(srv.port), ...args]).status).toBe(0);
      send('/tandem/density', 'f', '0.7');
      send('/tandem/genre', 's', 'jazz');
      send('/tandem/status');
      send('/tandem/density', 'f', '2.5');
      await until('oscdump to print the error reply', () => /tandem\/error/.test(out));
      expect(out).toMatch(/\/tandem\/status s[fisfiiiifi]* "drums" "jazz" 0\.7/);
      expect(out).toMatch(/\/tandem\/error s ".*density must be between 0 and 1, got 2.5"/);
    } finally {
      dump.kill();
      await srv.close();
    }
  });
});

describe('tandem serve', () => {
  it('runs the bridge from the command line and answers on its port', async () => {
    const oscPort = 45000 + Math.floor(Math.random() * 5000);
    const child = spawn(
      process.execPath,
      [
        join(REPO_ROOT, 'bin', 'tandem.js'),
        'serve',
        '--osc-port',
        String(oscPort),
        '--model-impl',
        'baseline',
        '--duration',
        '20s',
        '--out',
        mkdtempSync(join(tmpdir(), 'tandem-serve-')),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    try {
      await until('tandem serve to say it is listening', () => /OSC bridge on 127.0.0.1/.test(err), 30_000);
      const c = await client();
      c.socket.send(encodeMessage('/tandem/ping', []), oscPort, '127.0.0.1');
      const got = await c.waitFor(1);
      expect(got[0]?.address).toBe('/tandem/pong');
      c.socket.close();
    } finally {
      child.kill('SIGINT');
    }
  });
});
