import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import maxApi from 'max-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, type ReplyArg } from '../../bridge/osc/codec';
import { TandemClient } from '../../max-device/src/client/client';
import { SuggestionAssembler } from '../../max-device/src/client/suggestions';
import { fake } from './fakes/max-api';
import { waitFor } from './helpers';

/**
 * A scripted bridge on real UDP: answers ping, records what it gets, keeps the session's seed
 * policy (a request takes the seed, the next is one more; a request with every setting brings its
 * own) and replies to generate as the test says.
 */
class ScriptedBridge {
  readonly got: { address: string; args: unknown[] }[] = [];
  onGenerate: (reply: (address: string, ...args: ReplyArg[]) => void, n: number, id: number, seed: number) => void = () => {};
  private seed = 0;
  answerPings = true;
  private socket: Socket | undefined;
  private generates = 0;

  async open(): Promise<number> {
    const socket = createSocket('udp4');
    this.socket = socket;
    socket.on('message', (buf, r: RemoteInfo) => {
      const m = decodeMessage(buf);
      this.got.push({ address: m.address, args: m.args });
      const reply = (address: string, ...args: ReplyArg[]) => socket.send(encodeMessage(address, args), r.port, '127.0.0.1');
      if (m.address === '/tandem/ping' && this.answerPings) reply('/tandem/pong');
      if (m.address === '/tandem/seed') this.seed = m.args[0] as number;
      if (m.address === '/tandem/generate')
        this.onGenerate(reply, ++this.generates, m.args[0] as number, m.args.length === 10 ? (m.args[7] as number) : this.seed++);
    });
    await new Promise<void>((res) => socket.bind(0, '127.0.0.1', () => res()));
    return socket.address().port;
  }

  /** The seeds the requests asked for (the device sends every setting with each request). */
  seeds(): unknown[] {
    return this.got.filter((g) => g.address === '/tandem/generate').map((g) => g.args[7]);
  }

  close(): Promise<void> {
    return new Promise((res) => (this.socket ? this.socket.close(() => res()) : res()));
  }
}

const note = (pitch: number, beat: number): ReplyArg[] => [{ i: pitch }, { i: 100 }, { f: beat }, { f: 0.25 }];

let bridge: ScriptedBridge;
let client: TandemClient | undefined;
beforeEach(() => {
  fake.reset();
  bridge = new ScriptedBridge();
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  await bridge.close();
});
const statuses = () => fake.outlets.filter((o) => o[0] === 'status').map((o) => String(o[1]));

async function connect(heartbeatMs = 0): Promise<TandemClient> {
  const port = await bridge.open();
  client = new TandemClient(maxApi, { port, scriptDir: import.meta.dirname, launch: false, seed: 9, heartbeatMs, pingTimeoutMs: 200 });
  client.registerHandlers();
  await client.start();
  return client;
}

describe('client protocol edge cases (scripted bridge on UDP)', () => {
  it('asks again with the same seed when a chunk is lost, and completes', async () => {
    bridge.onGenerate = (reply, n, id, seed) => {
      if (n === 2)
        reply('/tandem/suggestion', { i: id }, { i: 0 }, { i: 2 }, ...note(36, 0)); // chunk 1 never comes
      else {
        reply('/tandem/suggestion', { i: id }, { i: 0 }, { i: 2 }, ...note(36, 0));
        reply('/tandem/suggestion', { i: id }, { i: 1 }, { i: 2 }, ...note(38, 1));
      }
      reply('/tandem/suggestion/done', { i: id }, { i: 2 }, { f: 4 }, { s: `/tmp/s${n}.mid` }, { i: seed }, { s: 'drums' });
    };
    const c = await connect();
    fake.send('generate');
    await waitFor(() => c.last, 3000, 'the first suggestion');
    fake.send('generate');
    const second = await waitFor(() => (c.last?.id === 3 ? c.last : undefined), 3000, 'the retried suggestion');
    // The device's start seed, the next, then the seed the bridge used for the lost one, to ask again.
    expect(bridge.seeds()).toEqual([9, 10, 10]);
    expect(bridge.got.filter((g) => g.address === '/tandem/generate').map((g) => g.args[0])).toEqual([1, 2, 3]);
    expect(second).toMatchObject({
      seed: 10,
      notes: [
        { pitch: 36, startBeats: 0 },
        { pitch: 38, startBeats: 1 },
      ],
      lengthBeats: 4,
    });
    expect(fake.posts.some((p) => String(p[0]).includes('1 of 2 chunks of suggestion 2 did not arrive; asking again'))).toBe(true);
  });

  it("shows the bridge's error and keeps suggestions matched to their requests", async () => {
    bridge.onGenerate = (reply, n, id, seed) => {
      if (n === 1) return reply('/tandem/error', { s: '/tandem/generate: the model worker exited (code 1)' }, { i: id });
      reply('/tandem/suggestion', { i: id }, { i: 0 }, { i: 1 }, ...note(42, 0.5));
      reply('/tandem/suggestion/done', { i: id }, { i: 1 }, { f: 4 }, { s: '/tmp/a.mid' }, { i: seed }, { s: 'drums' });
    };
    const c = await connect();
    fake.send('generate');
    await waitFor(() => statuses().at(-1)?.startsWith('error: bridge:') || undefined, 3000, 'the error');
    expect(statuses().at(-1)).toBe('error: bridge: /tandem/generate: the model worker exited (code 1)');
    fake.send('generate');
    const s = await waitFor(() => c.last, 3000, 'the suggestion');
    expect(s.seed).toBe(10);
  });

  it('gives up a request with no answer after its timeout, by id, and matches later answers by id', async () => {
    const answers: Array<() => void> = [];
    bridge.onGenerate = (reply, n, id, seed) => {
      answers.push(() => {
        reply('/tandem/suggestion', { i: id }, { i: 0 }, { i: 1 }, ...note(40 + n, 0));
        reply('/tandem/suggestion/done', { i: id }, { i: 1 }, { f: 4 }, { s: `/tmp/t${n}.mid` }, { i: seed }, { s: 'drums' });
      });
    };
    const port = await bridge.open();
    client = new TandemClient(maxApi, { port, scriptDir: import.meta.dirname, launch: false, heartbeatMs: 0, pingTimeoutMs: 200, requestTimeoutMs: 150 });
    client.registerHandlers();
    await client.start();
    const c = client;
    fake.send('generate');
    await waitFor(() => statuses().at(-1)?.startsWith('error: suggestion 1 got no answer') || undefined, 3000, 'the timeout');
    fake.send('generate');
    await waitFor(() => answers.length === 2 || undefined, 3000, 'the second request');
    answers[1]();
    const s = await waitFor(() => c.last, 3000, 'the second suggestion');
    expect(s).toMatchObject({ id: 2, notes: [{ pitch: 42 }] });
    answers[0](); // the late answer to request 1 is not taken for anything
    await new Promise((r) => setTimeout(r, 100));
    expect(c.last).toBe(s);
    expect(fake.posts.some((p) => String(p[0]).includes('suggestion 1 arrived but none was asked for'))).toBe(true);
  });

  it('carries seeds of 2^31 and more through Max ints and OSC int32 both ways', async () => {
    bridge.onGenerate = (reply, _n, id, seed) => {
      reply('/tandem/suggestion', { i: id }, { i: 0 }, { i: 1 }, ...note(36, 0));
      reply('/tandem/suggestion/done', { i: id }, { i: 1 }, { f: 4 }, { s: '/tmp/big.mid' }, { i: seed }, { s: 'drums' });
    };
    const c = await connect();
    fake.send('seed', 3_000_000_000 | 0); // a Max int: the 32 bits of 3e9, negative
    fake.send('generate');
    const s = await waitFor(() => c.last, 3000, 'the suggestion');
    expect(bridge.seeds().at(-1)).toBe(3_000_000_000 | 0);
    expect(s.seed).toBe(3_000_000_000);
  });

  it('notices when the bridge stops answering, looks for it again, and reconnects once one answers', async () => {
    const c = await connect(30);
    bridge.answerPings = false;
    await waitFor(() => c.phase === 'failed' || undefined, 3000, 'the lost bridge');
    expect(statuses().slice(-2)).toEqual([
      expect.stringMatching(/^the Tandem bridge stopped answering on 127\.0\.0\.1:\d+; looking for the Tandem bridge on 127\.0\.0\.1:\d+…$/),
      expect.stringMatching(/^error: no Tandem bridge answers on 127\.0\.0\.1:\d+; start it with/),
    ]);
    fake.outlets = [];
    bridge.answerPings = true; // a bridge is back (another device started one)
    await waitFor(() => c.phase === 'connected' || undefined, 3000, 'the reconnection');
    expect(statuses()).toEqual([expect.stringMatching(/^ready: connected to the Tandem bridge on 127\.0\.0\.1:\d+$/)]);
    expect(fake.outlets).toContainEqual(['ready']); // the patch restarts its transport poll and resends the controls
  });
});

describe('suggestion assembly', () => {
  it('puts chunks together in order, whatever order they arrive in', () => {
    const a = new SuggestionAssembler();
    a.chunk([5, 1, 2, 38, 90, 1, 0.25]);
    a.chunk([5, 0, 2, 36, 100, 0, 0.25, 42, 60, 0.5, 0.125]);
    expect(a.done([5, 3, 4, '/x.mid'])).toEqual({
      id: 5,
      lengthBeats: 4,
      file: '/x.mid',
      notes: [
        { pitch: 36, velocity: 100, startBeats: 0, durationBeats: 0.25 },
        { pitch: 42, velocity: 60, startBeats: 0.5, durationBeats: 0.125 },
        { pitch: 38, velocity: 90, startBeats: 1, durationBeats: 0.25 },
      ],
    });
  });

  it('undoes 32-bit float rounding back to the 960 PPQ grid, and names malformed replies', () => {
    const a = new SuggestionAssembler();
    a.chunk([1, 0, 1, 36, 100, Math.fround(5 / 960), Math.fround(1 / 3)]);
    expect(a.done([1, 1, 4, 'f'])).toMatchObject({ notes: [{ startBeats: 5 / 960, durationBeats: 320 / 960 }] });
    expect(a.done([2, 0, 4, 'f'])).toEqual({ id: 2, missing: '0 of ? chunks of suggestion 2 did not arrive' });
    expect(() => a.chunk([1, 0, 1, 36, 100, 0])).toThrow(
      '/tandem/suggestion: after id, chunk, chunks the notes come in fours (pitch, velocity, start, length); got 3 values',
    );
    expect(() => a.chunk([1, 3, 2])).toThrow('/tandem/suggestion: chunk 3 is outside 0..1');
    expect(() => a.chunk([1, 0, 1, 'kick', 100, 0, 1])).toThrow('/tandem/suggestion: pitch must be an int, got "kick"');
    expect(() => a.done([1, 0, 4, 7])).toThrow('/tandem/suggestion/done: file must be a string, got 7');
  });
});
