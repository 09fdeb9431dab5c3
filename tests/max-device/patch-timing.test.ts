import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OscServer } from '../../bridge/osc/server';
import { TandemClient, type Kept } from '../../max-device/src/client/client';
import { buildTandemPatcher } from '../../max-device/src/patcher/tandem';
import { createMaxApi } from './fakes/max-api';
import { midiNotes, PatchRunner } from './fakes/patch-runner';
import { startBridge, waitFor } from './helpers';

let server: OscServer;
beforeAll(async () => {
  ({ server } = await startBridge());
});
afterAll(async () => {
  await server.close();
});

/** A seeded 0..1 generator (the injected latencies repeat from run to run). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const MS_PER_BEAT = 500; // 120 BPM
const BAR_MS = 4 * MS_PER_BEAT;

/** Where each note of `s` falls from `fromMs` to `toMs`, looped on the song's bars from `t0`. */
function expected(s: Kept, t0: number, fromMs: number, toMs: number): [number, number][] {
  const out: [number, number][] = [];
  const loopMs = s.lengthBeats * MS_PER_BEAT;
  for (let k = Math.floor((fromMs - t0) / loopMs) - 1; t0 + k * loopMs <= toMs; k++) {
    for (const n of s.notes) {
      const at = t0 + k * loopMs + n.startBeats * MS_PER_BEAT;
      if (at >= fromMs && at < toMs) out.push([at, n.pitch]);
    }
  }
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/**
 * Issue 11, point 5: notes leave at their song positions whatever Node's latency. The built patch
 * runs on the fake Max with the real client in node.script (its own max-api, a real bridge over
 * UDP); every message between Max and Node is delayed 0-80 ms each way, and for 1.5 s Node stalls
 * (nothing gets through). The patch plays the stored pattern from the transport by itself.
 */
describe('note timing in the patch, with Node latency and a stall injected', () => {
  it('plays every note at its song position from the first downbeat, through a stall, and switches suggestions on a bar line', async () => {
    const random = lcg(11);
    let stallUntil = -1;
    let client: TandemClient | undefined;
    const r: PatchRunner = new PatchRunner(buildTandemPatcher(), {
      startsAfterMs: 300,
      latencyMs: () => (r.now < stallUntil ? stallUntil - r.now + random() * 80 : random() * 80),
      boot: (out) => {
        const { api, fake } = createMaxApi();
        client = new TandemClient(api, { port: server.port, scriptDir: import.meta.dirname, launch: false, seed: 5, heartbeatMs: 0, now: () => r.now });
        client.registerHandlers();
        fake.onOutlet((args) => out(...(args as (string | number)[])));
        void client.start();
        return { receive: (m) => fake.send(m.sel, ...m.args) };
      },
    });
    r.load();
    r.advance(400);
    await waitFor(() => client?.phase === 'connected', 5000, 'the client to connect');
    r.advance(500); // ready reaches the patch: the poll starts, the controls are sent
    r.control('Bars', 1);
    r.control('Density', 100);
    r.control('Follow transport', 1);
    r.advance(300);
    r.control('Generate');
    r.advance(300);
    const a = await waitFor(() => client!.last, 5000, 'the first suggestion');
    expect(a.notes.length).toBeGreaterThan(8);
    r.advance(300); // the pattern reaches the patch

    const t0 = r.now;
    r.startTransport(120); // a 1-bar loop of 2 s
    r.advance(3000);
    stallUntil = r.now + 1500; // Node hears nothing and says nothing for 1.5 s
    r.advance(3000);
    // A second suggestion, asked for in bar 4: it takes over at a bar line.
    const pressed = r.now;
    r.control('Generate');
    r.advance(100);
    const b = await waitFor(() => (client!.last !== a ? client!.last : undefined), 5000, 'the second suggestion');
    r.advance(6000);
    await client!.close();
    const end = r.now;

    const got = midiNotes(r)
      .filter(([, , v]) => v > 0)
      .map(([t, p]) => [t, p] as [number, number])
      .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const bSet = new Set(b.notes.map((n) => `${n.startBeats}:${n.pitch}`));
    const aSet = new Set(a.notes.map((n) => `${n.startBeats}:${n.pitch}`));
    expect([...bSet].some((k) => !aSet.has(k))).toBe(true); // the two suggestions differ
    // The switch: the first bar line from which B's notes play, after the press.
    const bars = Array.from({ length: Math.ceil((end - t0) / BAR_MS) }, (_, k) => t0 + k * BAR_MS);
    const matches = (s: Kept, from: number, to: number) => {
      const want = expected(s, t0, from, to);
      const have = got.filter(([t]) => t >= from - 0.5 && t < to - 0.5);
      return have.length === want.length && have.every(([t, p], i) => p === want[i][1] && Math.abs(t - want[i][0]) < 1e-6);
    };
    const switchAt = bars.find((L) => L > pressed && matches(b, L, end));
    expect(switchAt).toBeDefined();
    // Before it, every note of A at its song position, from the very first downbeat (t0) and through the stall.
    expect(matches(a, t0, switchAt!)).toBe(true);
    expect(expected(a, t0, t0, switchAt!).length).toBeGreaterThan(4 * a.notes.length - 1);
    expect(got[0]).toEqual([t0, got[0][1]]);
    // Planned 250 ms ahead (plus the 0-80 ms latency and the request's round trip): the next bar line or the one after.
    expect(switchAt! - pressed).toBeLessThanOrEqual(2 * BAR_MS);
    expect(r.unknown).toEqual([]);
  });
});
