import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMessage } from '../../bridge/osc/address-space';
import { decodeMessage, encodeMessage, type ReplyArg } from '../../bridge/osc/codec';
import type { OscServer } from '../../bridge/osc/server';
import { readMidiFile } from '../../src/midi-file/read';
import { startBridge } from '../max-device/helpers';
import { until } from '../helpers/wait';

type Got = { address: string; args: unknown[] };

let server: OscServer;
let socket: Socket;
const got: Got[] = [];
beforeAll(async () => {
  ({ server } = await startBridge());
  socket = createSocket('udp4');
  socket.on('message', (b) => got.push(decodeMessage(b)));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
});
afterAll(async () => {
  socket.close();
  await server.close();
});
const send = (address: string, args: ReplyArg[]) => socket.send(encodeMessage(address, args), server.port, '127.0.0.1');
async function reply(id: number, ms = 60_000): Promise<Got[]> {
  const t0 = Date.now();
  for (;;) {
    const end = got.find((g) => (g.address === '/tandem/suggestion/done' || g.address === '/tandem/error') && (g.args[0] === id || g.args[1] === id));
    if (end) return got.filter((g) => g.args[0] === id || g === end);
    if (Date.now() - t0 > ms) throw new Error(`no answer to request ${id} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A quantized 2-bar rock beat at velocity 100: [pitch, velocity, start beats, length beats]. */
function rockBeat(): [number, number, number, number][] {
  const notes: [number, number, number, number][] = [];
  for (let s = 0; s < 32; s++) {
    if (s % 2 === 0) notes.push([42, 100, s / 4, 0.25]);
    if (s % 8 === 0) notes.push([36, 100, s / 4, 0.25]);
    if (s % 8 === 4) notes.push([38, 100, s / 4, 0.25]);
  }
  return notes;
}
const asArgs = (notes: [number, number, number, number][]): ReplyArg[] => notes.flatMap(([p, v, s, d]) => [{ i: p }, { i: v }, { f: s }, { f: d }]);

describe('/tandem/humanize (the Humanize MIDI Tool asks the bridge this)', { timeout: 120_000 }, () => {
  it("answers every note, in the order given, on its 16th with a drummer's velocity and timing; saved before it is sent", async () => {
    const beat = rockBeat();
    // A non-drum pitch (a bass note) rides along unchanged.
    const notes: [number, number, number, number][] = [[33, 90, 0, 1], ...beat.reverse()];
    send('/tandem/humanize', [{ i: 7 }, { f: 1 }, { s: 'rock' }, { i: 3 }, ...asArgs(notes)]);
    const r = await reply(7);
    const done = r.at(-1)!;
    expect(done.address, JSON.stringify(done.args)).toBe('/tandem/suggestion/done');
    const out: number[][] = [];
    for (const c of r.filter((g) => g.address === '/tandem/suggestion').sort((a, b) => Number(a.args[1]) - Number(b.args[1]))) {
      for (let i = 3; i < c.args.length; i += 4) out.push(c.args.slice(i, i + 4) as number[]);
    }
    expect(done.args.slice(0, 2)).toEqual([7, notes.length]);
    expect(done.args[4]).toBe(3); // the seed
    expect(out).toHaveLength(notes.length);
    expect(out[0]).toEqual([33, 90, 0, 1]);
    out.forEach((n, i) => {
      expect(n[0], `note ${i}`).toBe(notes[i][0]);
      expect(Math.round(n[2] * 4), `note ${i} stays on its 16th`).toBe(notes[i][2] * 4);
    });
    const drums = out.slice(1);
    const vel = drums.map((n) => n[1]);
    expect(Math.max(...vel) - Math.min(...vel)).toBeGreaterThan(20);
    expect(drums.filter((n) => Math.abs(n[2] * 4 - Math.round(n[2] * 4)) > 0.01).length).toBeGreaterThan(drums.length / 2);
    // The .mid on disk holds the same notes.
    const saved = readMidiFile(readFileSync(String(done.args[3]))).sequence.notes;
    expect(saved.map((n) => `${n.pitch}:${n.velocity}`).sort()).toEqual(out.map((n) => `${n[0]}:${n[1]}`).sort());
  });

  it('same notes, options and seed: same answer; amount 0: the input back', async () => {
    const beat = rockBeat();
    send('/tandem/humanize', [{ i: 8 }, { f: 1 }, { s: 'funk' }, { i: 5 }, ...asArgs(beat)]);
    send('/tandem/humanize', [{ i: 9 }, { f: 1 }, { s: 'funk' }, { i: 5 }, ...asArgs(beat)]);
    send('/tandem/humanize', [{ i: 10 }, { f: 0 }, { s: 'funk' }, { i: 5 }, ...asArgs(beat)]);
    const notesOf = async (id: number) => (await reply(id)).filter((g) => g.address === '/tandem/suggestion').flatMap((g) => g.args.slice(3));
    expect(await notesOf(8)).toEqual(await notesOf(9));
    expect(await notesOf(10)).toEqual(beat.flat());
  });

  it('bad messages get one line naming the value and what is allowed, with the request id', async () => {
    send('/tandem/humanize', [{ i: 11 }, { f: 1 }, { s: 'polka' }, { i: 0 }, { i: 36 }, { i: 100 }, { f: 0 }, { f: 0.25 }]);
    send('/tandem/humanize', [{ i: 12 }, { f: 1 }, { s: 'rock' }, { i: 0 }, { i: 36 }, { i: 100 }, { f: 0 }]);
    const e = await until('two error replies', () => {
      const errs = got.filter((g) => g.address === '/tandem/error');
      return errs.length >= 2 && errs.map((g) => String(g.args[0]));
    });
    expect(e.some((t) => /genre must be one of .*rock.*, got "polka"/.test(t))).toBe(true);
    expect(
      e.some((t) => /takes i id, f amount, s genre, i seed, then per note i pitch, i velocity, f start, f length \(1 to 2048 notes\); got 7 argument/.test(t)),
    ).toBe(true);
    expect(() => parseMessage('/tandem/humanize', 'ifsiiiff', [1, 1, 'rock', 0, 200, 100, 0, 0.25])).toThrow(
      /note 1 pitch must be a whole number from 0 to 127, got 200/,
    );
    expect(() => parseMessage('/tandem/humanize', 'ifsi', [1, 1, 'rock', 0])).toThrow(/\(1 to 2048 notes\); got 4 argument/); // nothing to humanize
  });
});
