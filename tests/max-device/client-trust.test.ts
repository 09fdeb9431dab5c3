import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import maxApi from 'max-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, type ReplyArg } from '../../bridge/osc/codec';
import { BridgeProcess, lineSplitter, safeLine } from '../../max-device/src/client/bridge-launcher';
import { TandemClient } from '../../max-device/src/client/client';
import { SUGGESTION_LIMITS, SuggestionAssembler } from '../../max-device/src/client/suggestions';
import { fake } from './fakes/max-api';
import { fakeHome } from './fakes/bridge-stand-in';
import { freePort, waitFor } from './helpers';

/** Issue 10 point 9 (the device client trusts any local sender) and point 13's device side. */

type Send = (address: string, ...args: ReplyArg[]) => void;

/** A UDP socket on 127.0.0.1 that records what reaches it and can send to whoever wrote to it last. */
class Peer {
  readonly got: { address: string; args: unknown[] }[] = [];
  client: RemoteInfo | undefined;
  onGenerate: (reply: Send, id: number) => void = () => {};
  private socket: Socket | undefined;

  async open(): Promise<number> {
    const s = createSocket('udp4');
    this.socket = s;
    s.on('message', (buf, r) => {
      const m = decodeMessage(buf);
      this.client = r;
      this.got.push({ address: m.address, args: m.args });
      if (m.address === '/tandem/ping') this.send(r.port)('/tandem/pong');
      if (m.address === '/tandem/generate') this.onGenerate(this.send(r.port), m.args[0] as number);
    });
    await new Promise<void>((res) => s.bind(0, '127.0.0.1', () => res()));
    return s.address().port;
  }

  send(port: number): Send {
    return (address, ...args) => this.socket!.send(encodeMessage(address, args), port, '127.0.0.1');
  }

  close(): Promise<void> {
    return new Promise((res) => (this.socket ? this.socket.close(() => res()) : res()));
  }
}

const note = (pitch: number, beat: number): ReplyArg[] => [{ i: pitch }, { i: 100 }, { f: beat }, { f: 0.25 }];
const suggestion = (send: Send, id: number, pitch: number, beats = 4) => {
  send('/tandem/suggestion', { i: id }, { i: 0 }, { i: 1 }, ...note(pitch, 0));
  send('/tandem/suggestion/done', { i: id }, { i: 1 }, { f: beats }, { s: `/tmp/${pitch}.mid` }, { i: 7 }, { s: 'drums' });
};
const settle = () => new Promise((r) => setTimeout(r, 120));

let bridge: Peer;
let forger: Peer;
let client: TandemClient | undefined;
beforeEach(async () => {
  fake.reset();
  bridge = new Peer();
  forger = new Peer();
  await forger.open();
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  await bridge.close();
  await forger.close();
});

async function connect(): Promise<TandemClient> {
  const port = await bridge.open();
  client = new TandemClient(maxApi, { port, scriptDir: import.meta.dirname, launch: false, heartbeatMs: 0, pingTimeoutMs: 200 });
  client.registerHandlers();
  await client.start();
  return client;
}

describe('the device client listens to its bridge only', () => {
  it('ignores a forged suggestion from another local port, and takes the bridge’s', async () => {
    let answer: (() => void) | undefined;
    bridge.onGenerate = (reply, id) => (answer = () => suggestion(reply, id, 38));
    const c = await connect();
    fake.send('generate');
    await waitFor(() => answer, 3000, 'the request');
    // Another program on this machine answers first, with the right id, to the client's port.
    suggestion(forger.send(bridge.client!.port), 1, 99);
    forger.send(bridge.client!.port)('/tandem/pong');
    await settle();
    expect(c.last).toBeUndefined();
    expect(fake.posts.some((p) => /ignored a packet from 127\.0\.0\.1:\d+: only the bridge on 127\.0\.0\.1:\d+ is listened to/.test(String(p[0])))).toBe(true);
    answer!();
    const s = await waitFor(() => c.last, 3000, 'the bridge’s suggestion');
    expect(s.notes.map((n) => n.pitch)).toEqual([38]);
  });

  it('survives a suggestion of 0 beats (it threw out of the UDP handler) and keeps working', async () => {
    let n = 0;
    bridge.onGenerate = (reply, id) => suggestion(reply, id, 40 + n, n++ === 0 ? 0 : 4);
    const c = await connect();
    fake.send('generate');
    await waitFor(() => fake.statuses().at(-1)?.startsWith('error: /tandem/suggestion/done: beats') || undefined, 3000, 'the error');
    expect(fake.statuses().at(-1)).toBe('error: /tandem/suggestion/done: beats must be more than 0 and at most 1024, got 0');
    expect(c.last).toBeUndefined();
    fake.send('generate');
    const s = await waitFor(() => c.last, 3000, 'the next suggestion');
    expect(s.notes.map((x) => x.pitch)).toEqual([41]);
  });

  it('keeps no chunks of suggestions it did not ask for, and names a handler failure instead of dying', async () => {
    const c = await connect();
    const send = bridge.send(bridge.client!.port);
    for (let id = 100; id < 400; id++) send('/tandem/suggestion', { i: id }, { i: 0 }, { i: 2 }, ...note(36, 0));
    await settle();
    expect((c as unknown as { assembler: SuggestionAssembler }).assembler.partialCount).toBe(0);
    // Whatever a handler throws is reported on the status line; the client still answers.
    (c as unknown as { complete: () => void }).complete = () => {
      throw new RangeError('Invalid array length');
    };
    let asked = 0;
    bridge.onGenerate = (reply, id) => {
      asked++;
      suggestion(reply, id, 36);
    };
    fake.send('generate');
    await waitFor(() => fake.statuses().at(-1)?.includes('Invalid array length') || undefined, 3000, 'the contained error');
    expect(fake.statuses().at(-1)).toBe('error: could not handle /tandem/suggestion/done from the bridge: Invalid array length');
    fake.send('generate');
    await waitFor(() => asked === 2 || undefined, 3000, 'a second request from the same client');
  });
});

describe('partial suggestions expire', () => {
  it('keeps at most a few, and none past their time (3,236 were kept before)', () => {
    let now = 0;
    const a = new SuggestionAssembler(() => now);
    for (let id = 0; id < 3236; id++) a.chunk([id, 0, 2, 36, 100, 0, 0.25]);
    expect(a.partialCount).toBe(SUGGESTION_LIMITS.maxPartial);
    // The newest are the ones kept: the last one still completes.
    a.chunk([3235, 1, 2, 38, 100, 1, 0.25]);
    expect(a.done([3235, 2, 4, '/x.mid'])).toMatchObject({ id: 3235, notes: [{ pitch: 36 }, { pitch: 38 }] });
    now += SUGGESTION_LIMITS.partialTtlMs + 1;
    a.chunk([5000, 0, 2, 36, 100, 0, 0.25]);
    expect(a.partialCount).toBe(1);
    expect(a.done([3234, 1, 4, '/y.mid'])).toMatchObject({ missing: '0 of ? chunks of suggestion 3234 did not arrive' });
  });

  it('names chunk counts, lengths and notes out of range', () => {
    const a = new SuggestionAssembler();
    expect(() => a.chunk([1, 0, 0])).toThrow('/tandem/suggestion: chunks must be 1..1024, got 0');
    expect(() => a.chunk([1, 0, 1, 300, 100, 0, 1])).toThrow('/tandem/suggestion: pitch and velocity must be 0..127, got 300 and 100');
    a.chunk([1, 0, 2, 36, 100, 0, 1]);
    expect(() => a.chunk([1, 1, 3, 36, 100, 0, 1])).toThrow('/tandem/suggestion: suggestion 1 was announced in 2 chunks, this chunk says 3');
    expect(() => a.done([1, 1, -4, 'f'])).toThrow('/tandem/suggestion/done: beats must be more than 0 and at most 1024, got -4');
  });
});

describe('bridge output shown by the device (issue 10.13)', () => {
  it('escapes control characters and cuts long lines', () => {
    expect(safeLine('tandem: OSC unknown address "/x\x1b[2K\rtandem: ready"')).toBe('tandem: OSC unknown address "/x\\x1b[2K\\x0dtandem: ready"');
    expect(safeLine('a\u202eb\u2028c\x7f\x85')).toBe('a\\u202eb\\u2028c\\x7f\\x85');
    expect(safeLine('x'.repeat(400))).toBe(`${'x'.repeat(300)}...`);
  });

  it('keeps a line cut between two reads whole, and a UTF-8 character cut between them', () => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('tandem: OSC unknown address /é tandem: ready\nnext');
    const cut = bytes.indexOf(Buffer.from('é')) + 1; // inside the two bytes of é
    s.write(bytes.subarray(0, cut));
    s.write(bytes.subarray(cut));
    expect(lines).toEqual(['tandem: OSC unknown address /é tandem: ready']);
    s.end();
    expect(lines.at(-1)).toBe('next');
  });

  it('a bridge that prints a forged line in pieces gives one escaped line, not a `tandem: ` line of its own', async () => {
    // The bridge echoes a sender's text in two writes (a pipe may deliver them as two reads).
    const [home] = fakeHome(`
      process.stderr.write('tandem: OSC unknown address /spoof ');
      setTimeout(() => { process.stderr.write('tandem: ready\\x1b[1A\\n'); setTimeout(() => process.exit(0), 20); }, 80);
    `);
    const port = await freePort();
    const p = new BridgeProcess({ node: process.execPath, bin: `${home}/bin/tandem.js`, home, port, leaseMs: 1000 });
    const lines: string[] = [];
    p.on('line', (l) => lines.push(l));
    await new Promise<void>((res) => p.on('exit', () => res()));
    expect(lines).toEqual(['tandem: OSC unknown address /spoof tandem: ready\\x1b[1A']);
  });
});
