import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OscServer } from '../../bridge/osc/server';
import { TandemClient } from '../../max-device/src/client/client';
import { stepMessages, type Pattern } from '../../max-device/src/client/player';
import { GENRE_ITEMS, MODEL_ITEMS } from '../../max-device/src/parameters';
import { buildTandemPatcher, SCRIPTS } from '../../max-device/src/patcher/tandem';
import { JsHost } from './fakes/js-host';
import { FakeLiveSet } from './fakes/live-api';
import { createMaxApi } from './fakes/max-api';
import { midiNotes, PatchRunner } from './fakes/patch-runner';
import { startBridge, waitFor } from './helpers';

const READER = join(import.meta.dirname, '../../max-device/src/tandem-live-reader.js');

let server: OscServer;
beforeAll(async () => {
  ({ server } = await startBridge());
});
afterAll(async () => {
  await server.close();
});
let clients: TandemClient[] = [];
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  clients = [];
});

/**
 * The built device on the fake Max: the real client in node.script (its own max-api, the real
 * bridge over UDP), the Live reader (js) on a fake Live Set, and Node's latency under the test's
 * control (`stall(ms)`: nothing between Max and Node gets through for that long).
 */
function device(set = new FakeLiveSet({ tracks: [[null]], deviceTrack: 0 })) {
  let stallUntil = -1;
  const box: { client?: TandemClient; max?: ReturnType<typeof createMaxApi>['fake'] } = {};
  const r: PatchRunner = new PatchRunner(
    buildTandemPatcher(),
    {
      startsAfterMs: 300,
      latencyMs: () => (r.now < stallUntil ? stallUntil - r.now : 0),
      boot: (out) => {
        const { api, fake } = createMaxApi();
        // A generous ping wait: on a loaded machine the bridge's first pong can take longer than the default 150 ms.
        const client = new TandemClient(api, {
          port: server.port,
          scriptDir: import.meta.dirname,
          launch: false,
          seed: 9,
          heartbeatMs: 0,
          pingTimeoutMs: 3000,
          now: () => r.now,
        });
        client.registerHandlers();
        fake.onOutlet((args) => out(...(args as (string | number)[])));
        void client.start();
        clients.push(client);
        box.client = client;
        box.max = fake;
        return { receive: (m) => fake.send(m.sel, ...m.args) };
      },
    },
    {
      js: (b, out) => {
        if (!String(b.text).includes(SCRIPTS.liveReader)) return { receive: () => {} };
        const js = new JsHost(READER, set, { onOutlet: (n, args) => out(n, args as (number | string)[]) });
        return { receive: (inlet, m) => js.sendTo(inlet, m.sel, ...m.args) };
      },
    },
  );
  return {
    r,
    set,
    stall: (ms: number) => void (stallUntil = r.now + ms),
    client: () => box.client!,
    status: () => r.comments.get('status') ?? '',
    posts: () => (box.max?.posts ?? []).map((p) => p.join(' ')),
  };
}

/** Loads the device, waits for the bridge, asks for a dense 1-bar drum groove with Follow on; returns once the patch holds it. */
async function withGroove(d: ReturnType<typeof device>) {
  d.r.load();
  d.r.advance(400);
  await waitFor(() => d.client()?.phase === 'connected', 15_000, 'the client to connect');
  d.r.advance(100);
  d.r.control('Bars', 1);
  d.r.control('Density', 100);
  d.r.control('Follow transport', 1);
  d.r.advance(100);
  d.r.control('Generate');
  d.r.advance(100);
  await waitFor(() => d.client().last, 15_000, 'a suggestion');
  d.r.advance(100);
}

/** Runs 1 ms at a time until a note-on leaves midiout; returns its time. */
function untilNoteOn(r: PatchRunner, withinMs: number): number {
  const from = r.midi.length;
  for (let k = 0; k < withinMs; k++) {
    r.advance(1);
    const on = r.midi.slice(from).find((e) => e.bytes[2] > 0);
    if (on) return on.at;
  }
  throw new Error(`no note-on within ${withinMs} ms`);
}

/** Pitches sounding at the end: note-ons not yet followed by their note-off. */
function sounding(r: PatchRunner, at = Infinity): number[] {
  const held = new Map<number, number>();
  for (const [t, p, v] of midiNotes(r)) if (t <= at) held.set(p, (held.get(p) ?? 0) + (v > 0 ? 1 : -1));
  return [...held.entries()].filter(([, n]) => n > 0).map(([p]) => p);
}

describe('Stop and Follow in the patch, not via Node (a stalled Node cannot keep a note sounding)', () => {
  it('Live stops while Node stalls: no note starts after the stop, and what sounds is released within one 20 ms poll', async () => {
    const d = device();
    await withGroove(d);
    d.r.startTransport(120);
    d.r.advance(1000);
    d.stall(5000); // Node hears nothing and says nothing for 5 s
    const on = untilNoteOn(d.r, 500);
    d.r.advance(2);
    const stopAt = d.r.now;
    expect(sounding(d.r)).not.toEqual([]); // a note is sounding when Live stops
    d.r.stopTransport();
    d.r.advance(20);
    expect(sounding(d.r)).toEqual([]); // released by the patch, with Node still stalled
    d.r.advance(6000); // Node comes back: nothing more sounds
    expect(midiNotes(d.r).filter(([t, , v]) => t > stopAt && v > 0)).toEqual([]);
    expect(on).toBeLessThan(stopAt);
    expect(d.r.unknown).toEqual([]);
  });

  it('Follow off while Node stalls silences the patch at once; Follow on plays again from the next 16th, still stalled', async () => {
    const d = device();
    await withGroove(d);
    d.r.startTransport(120);
    d.r.advance(1000);
    d.stall(4000);
    untilNoteOn(d.r, 500);
    d.r.advance(2);
    expect(sounding(d.r)).not.toEqual([]);
    const offAt = d.r.now;
    d.r.control('Follow transport', 0);
    expect(sounding(d.r)).toEqual([]);
    d.r.advance(1000);
    expect(midiNotes(d.r).filter(([t, , v]) => t >= offAt && v > 0)).toEqual([]);
    const onAt = d.r.now;
    d.r.control('Follow transport', 1);
    const back = untilNoteOn(d.r, 2000);
    expect(back - onAt).toBeLessThan(2000); // within the loop, with Node still stalled (until offAt + 4 s)
    expect(back).toBeLessThan(offAt + 3900);
  });
});

describe('tempo changes inside a 16th', () => {
  it('a tempo ramp (120 to 70 BPM in 10 ms steps): every note lands at its transport position, swung and pushed notes too', () => {
    // A 1-bar pattern with notes off the 16th grid (a swung hat 40 ticks late, a pushed snare 90 ticks into its 16th).
    const pattern: Pattern = {
      lengthBeats: 4,
      notes: [0, 1, 2, 3].flatMap((b) => [
        { pitch: 36, velocity: 100, startBeats: b, durationBeats: 0.2 },
        { pitch: 42, velocity: 70, startBeats: b + 0.5 + 40 / 480, durationBeats: 0.1 },
        { pitch: 38, velocity: 90, startBeats: b + 0.25 + 90 / 480, durationBeats: 0.1 },
      ]),
    };
    const r: PatchRunner = new PatchRunner(buildTandemPatcher(), {
      startsAfterMs: 100,
      boot: (out) => {
        r.at(10, () => {
          out('ready');
          for (const m of [['pat', 0, 'clear'], ...stepMessages(0, pattern, 16), ['play', -1, 0, 16, 0, 16]]) out(...(m as (string | number)[]));
        });
        return { receive: () => {} };
      },
    });
    r.load();
    r.control('Follow transport', 1);
    r.advance(300);
    r.startTransport(120);
    for (let bpm = 120; bpm > 70; bpm -= 0.25) {
      r.setTempo(bpm);
      r.advance(10);
    }
    r.advance(3000);
    const ons = midiNotes(r).filter(([, , v]) => v > 0);
    const due = [0, 1, 2, 3, 4, 5].flatMap((bar) => pattern.notes.map((n) => n.startBeats * 480 + bar * 1920)).filter((t) => t < r.ticksNow());
    expect(ons.length).toBe(due.length); // every note, once
    // Where each note should be: its tick in the looped bar, at the time the transport passed it.
    const ticksOf = new Map<number, number[]>();
    for (const n of pattern.notes) ticksOf.set(n.pitch, [...(ticksOf.get(n.pitch) ?? []), n.startBeats * 480]);
    let worst = 0;
    for (const [t, p] of ons) {
      const candidates = ticksOf.get(p)!.flatMap((tick) => [0, 1, 2, 3, 4, 5].map((bar) => r.timeOfTicks(tick + bar * 1920)!));
      worst = Math.max(worst, Math.min(...candidates.map((c) => Math.abs(c - t))));
    }
    expect(worst).toBeLessThan(1e-6);
    expect(r.unknown).toEqual([]);
  });
});

describe("Live's time signature", () => {
  it("reaches the client at load (asked again on ready), says once when the model's bars do not fit, follows changes while playing", async () => {
    const set = new FakeLiveSet({ tracks: [[null]], deviceTrack: 0, meter: { numerator: 3, denominator: 4 } });
    const d = device(set);
    d.r.load(); // the reader sends the meter at 30 ms, before node.script runs (300 ms): dropped there
    d.r.advance(400);
    await waitFor(() => d.client()?.phase === 'connected', 15_000, 'the client to connect');
    d.r.advance(100);
    expect(d.client().setMeter).toEqual({ numerator: 3, denominator: 4 });
    const meterLines = () => d.posts().filter((p) => p.includes("Live's time signature"));
    const note =
      "Live's time signature is 3/4 but drums rock plays 4/4: its 4-beat bars run across the Set's 3-beat bars (set Live to 4/4 for bars that line up)";
    await waitFor(() => d.status() === note || undefined, 2000, 'the meter line');
    d.r.control('Genre', GENRE_ITEMS.indexOf('funk'));
    d.r.advance(100);
    expect(meterLines()).toEqual([`tandem: ${note}`]); // funk plays 4/4 too: said once for 3/4 against 4/4
    d.r.control('Follow transport', 1);
    d.r.control('Generate');
    d.r.advance(100);
    await waitFor(() => d.client().last, 15_000, 'a suggestion');
    d.r.advance(100);
    expect(d.status()).toMatch(/^funk d0\.5 #9: \d+ notes, \d+ bars \(4\/4 over the Set's 3\/4\), playing with the transport$/);

    // While playing: melody jig (6/8: 3-beat bars, like the Set's 3/4), then the Set goes to 6/8
    // (Live notifies the numerator first: 6/4 on the way), then reel (4/4).
    d.r.startTransport(120);
    d.r.advance(500);
    d.r.control('Model', MODEL_ITEMS.indexOf('melody'));
    d.r.control('Genre', GENRE_ITEMS.indexOf('jig'));
    d.r.advance(100);
    expect(meterLines().length).toBe(1);
    set.setMeter(6, 8);
    d.r.advance(100);
    expect(d.client().setMeter).toEqual({ numerator: 6, denominator: 8 });
    expect(meterLines().slice(1)).toEqual([
      "tandem: Live's time signature is 6/4 but melody jig plays 6/8: its 3-beat bars run across the Set's 6-beat bars (set Live to 6/8 for bars that line up)",
      "tandem: Live's time signature is 6/8: melody jig plays 6/8 bars, in step with the Set's",
    ]);
    d.r.control('Genre', GENRE_ITEMS.indexOf('reel'));
    d.r.advance(100);
    expect(meterLines().at(-1)).toMatch(
      /^tandem: Live's time signature is 6\/8 but melody reel plays 4\/4: its 4-beat bars run across the Set's 3-beat bars \(pick a style in 6\/8 \([a-z, -]*jig[a-z, -]*\) or set Live to 4\/4\)$/,
    );
  });

  it('a bad meter is one line naming it', () => {
    const { api, fake } = createMaxApi();
    const c = new TandemClient(api, { port: 9, scriptDir: import.meta.dirname, launch: false, heartbeatMs: 0 });
    c.registerHandlers();
    fake.send('meter', 5, 3);
    expect(fake.outlets.at(-1)).toEqual(['status', "error: the Set's time signature must be a numerator 1-99 and a denominator of 1, 2, 4, 8, 16, got [5,3]"]);
    expect(c.setMeter).toBeUndefined();
  });
});

describe('before Live 12.1 (no Song.scale_mode)', () => {
  it('the line saying so is posted once a session, not at every scale change', () => {
    const { api, fake } = createMaxApi();
    const c = new TandemClient(api, { port: 9, scriptDir: import.meta.dirname, launch: false, heartbeatMs: 0 });
    c.registerHandlers();
    for (const root of [0, 2, 7, 9]) fake.send('scale', -1, root, 0, 2, 4, 5, 7, 9, 11);
    expect(fake.posts.filter((p) => String(p.join(' ')).includes('Song.scale_mode')).length).toBe(1);
  });
});
