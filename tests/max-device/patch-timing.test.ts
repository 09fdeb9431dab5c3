import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OscServer } from '../../bridge/osc/server';
import { TandemClient } from '../../max-device/src/client/client';
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
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/**
 * Issue 11, point 5: notes leave at their song positions whatever Node's latency. The built patch
 * runs on the fake Max with the real client in node.script (its own max-api, a real bridge over
 * UDP); every message between Max and Node is delayed 0-80 ms, each way.
 */
describe('note timing in the patch, with Node latency injected', () => {
  it('plays every note within 1 ms of its song position (after the first lookahead), with 0-80 ms each way', async () => {
    const random = lcg(11);
    let client: TandemClient | undefined;
    const r = new PatchRunner(buildTandemPatcher(), {
      startsAfterMs: 300,
      latencyMs: () => random() * 80,
      boot: (out) => {
        const { api, fake } = createMaxApi();
        client = new TandemClient(api, { port: server.port, scriptDir: import.meta.dirname, launch: false, seed: 5, heartbeatMs: 0 });
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
    const s = await waitFor(() => client!.last, 5000, 'the suggestion');
    expect(s.notes.length).toBeGreaterThan(8);

    const t0 = r.now;
    r.startTransport(120); // 500 ms a beat, a 1-bar loop of 2 s
    r.advance(6000);
    await client!.close();

    const due = (beat: number) => t0 + beat * 500;
    const from = t0 + 200; // the first lookahead: Node learns that Live started only from the first report
    const to = t0 + 5500;
    const expected: [number, number][] = [];
    for (let k = 0; k < 4; k++) for (const n of s.notes) expected.push([due(k * 4 + n.startBeats), n.pitch]);
    const want = expected.filter(([t]) => t >= from && t <= to).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const got = midiNotes(r)
      .filter(([t, , v]) => v > 0 && t >= from - 1 && t <= to + 1)
      .map(([t, p]) => [t, p] as [number, number])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(got.map(([, p]) => p)).toEqual(want.map(([, p]) => p));
    const worst = Math.max(...got.map(([t], i) => Math.abs(t - want[i][0])));
    expect(worst).toBeLessThan(1);
  });
});
