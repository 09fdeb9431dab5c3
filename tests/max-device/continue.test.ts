import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import maxApi from 'max-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runGenerate } from '../../bridge/cli/generate';
import { writeFileAtomic } from '../../bridge/fs/atomic-write';
import type { OscServer } from '../../bridge/osc/server';
import type { SuggestionStore } from '../../bridge/storage/suggestions';
import { TandemClient } from '../../max-device/src/client/client';
import { GENRE_ITEMS, KEY_ITEMS, MODEL_ITEMS } from '../../max-device/src/parameters';
import { readMidiFile } from '../../src/midi-file/read';
import { writeMidiFile } from '../../src/midi-file/write';
import { DRUM_CHANNEL } from '../../src/music/sequence';
import { PPQ } from '../../src/time/units';
import { fake } from './fakes/max-api';
import { JsHost } from './fakes/js-host';
import { FakeLiveSet, type LiveNote } from './fakes/live-api';
import { startBridge, waitFor } from './helpers';

const READER = join(import.meta.dirname, '../../max-device/src/tandem-live-reader.js');
let server: OscServer;
let store: SuggestionStore;
let client: TandemClient | undefined;
beforeAll(async () => {
  ({ server, store } = await startBridge());
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => fake.reset());
afterEach(async () => {
  await client?.close();
  client = undefined;
});
const statuses = () => fake.outlets.filter((o) => o[0] === 'status').map((o) => String(o[1]));
const hit = (pitch: number, start_time: number, velocity: number): LiveNote => ({ pitch, start_time, duration: 0.25, velocity, mute: 0 });

/** The device as the patch wires it: the Live reader's primer and scale messages go to the client (route status primer scale, prepend). */
async function device(set: FakeLiveSet, seed = 7): Promise<{ c: TandemClient; js: JsHost }> {
  client = new TandemClient(maxApi, { port: server.port, scriptDir: import.meta.dirname, launch: false, seed, heartbeatMs: 0 });
  client.registerHandlers();
  await client.start();
  const js = new JsHost(READER, set, {
    onOutlet: (_n, args) => {
      const [sel, ...rest] = args;
      if (sel === 'status') fake.outlets.push(['status', rest.join(' ')]);
      else fake.send(String(sel), ...rest);
    },
  });
  js.send('bang'); // live.thisdevice, after deferlow
  return { c: client, js };
}

describe("Continue: the device continues the musician's clip (Live reader js + client + bridge, on fakes)", () => {
  it('continues a 2-bar drum clip looping inside a longer clip: the suggestion starts with its bars, then the same notes as tandem generate --primer', async () => {
    // The musician's groove: bars 2-3 of a 4-bar clip are looped (beats 4 to 12).
    const groove = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((beat) => [
      hit(42, 4 + beat, 70 + beat),
      ...(beat % 2 === 0 ? [hit(36, 4 + beat, 110)] : [hit(38, 4 + beat, 100)]),
    ]);
    const set = new FakeLiveSet({
      tracks: [[{ name: 'my groove', length: 16, notes: [hit(49, 0, 120), ...groove], loop: { looping: true, start: 4, end: 12 } }]],
      deviceTrack: 0,
      detailClip: { track: 0, slot: 0 },
    });
    const { c, js } = await device(set, 7);
    fake.send('genre', GENRE_ITEMS.indexOf('funk'));
    fake.send('bars', 4);
    js.send('readclip'); // the Continue button
    const s = await waitFor(() => c.last, 10_000, 'the continuation');
    expect(s.seed).toBe(7);
    expect(s.lengthBeats).toBe(16);
    expect(s.primerBeats).toBe(8);
    expect(statuses().at(-1)).toMatch(/^funk d0\.5 #7: \d+ notes, 4 bars \(2 of "my groove", then 2 new\)$/);
    // Its first two bars are the clip's loop, as played; then new bars (a hit of bar 3 may come a little early).
    const first = s.notes.filter((n) => n.startBeats < 7.75).map((n) => [n.pitch, n.startBeats, n.velocity]);
    expect(first).toEqual(groove.map((n) => [n.pitch, n.start_time - 4, n.velocity]).sort((a, b) => a[1] - b[1] || a[0] - b[0]));
    expect(s.notes.some((n) => n.startBeats >= 8)).toBe(true);
    // The same notes as the CLI continuing that clip saved as a .mid.
    const dir = mkdtempSync(join(tmpdir(), 'tandem-continue-'));
    const clipFile = join(dir, 'clip.mid');
    writeFileAtomic(
      clipFile,
      writeMidiFile({
        notes: groove.map((n) => ({
          pitch: n.pitch,
          velocity: n.velocity,
          startTicks: Math.round((n.start_time - 4) * PPQ),
          durationTicks: 240,
          channel: DRUM_CHANNEL,
        })),
        tempos: [{ ticks: 0, bpm: 120 }],
        meters: [],
        totalTicks: 8 * PPQ,
      }),
    );
    const cli = await runGenerate({
      model: 'drums',
      modelImpl: 'baseline',
      genre: 'funk',
      bars: '4',
      seed: '7',
      bpm: '120',
      primer: clipFile,
      quiet: true,
      out: join(dir, 'cli.mid'),
    });
    const saved = readMidiFile(readFileSync(s.file)).sequence.notes;
    expect(saved.map((n) => [n.pitch, n.velocity, n.startTicks])).toEqual(cli.sequences[0].notes.map((n) => [n.pitch, n.velocity, n.startTicks]));
  });

  it('keeps the last whole bars when the clip is longer than Bars - 1, and says what is wrong on the status line', async () => {
    const notes = Array.from({ length: 8 }, (_, bar) => hit(36 + bar, bar * 4, 100));
    const set = new FakeLiveSet({
      tracks: [
        [
          { name: 'long', length: 32, notes },
          { name: 'empty', length: 8, notes: [] },
          { name: 'short', length: 3, notes: [hit(36, 0, 90)] },
        ],
      ],
      deviceTrack: 0,
      detailClip: { track: 0, slot: 0 },
    });
    const { c, js } = await device(set);
    fake.send('bars', 3);
    js.send('readclip');
    const s = await waitFor(() => c.last, 10_000, 'the continuation');
    // 8 bars of clip, Bars 3: its last 2 bars, then 1 new.
    expect(s.primerBeats).toBe(8);
    expect(s.notes.filter((n) => n.startBeats < 7.75).map((n) => [n.pitch, n.startBeats])).toEqual([
      [42, 0],
      [43, 4],
    ]);
    for (const [slot, text] of [
      [1, 'error: the clip "empty" has no notes in its last 2 bars: nothing to continue'],
      [2, 'error: the clip "short" is 3 beats long; Continue needs at least one whole bar (4 beats)'],
    ] as const) {
      set.detailClip = { track: 0, slot };
      js.send('readclip');
      expect(statuses().at(-1)).toBe(text);
    }
    set.detailClip = { track: 0, slot: 0 };
    fake.send('bars', 1);
    js.send('readclip');
    expect(statuses().at(-1)).toBe("error: set Bars to 2 or more to continue a clip (the clip's bars are part of the suggestion)");
  });
});

describe("Key from the Live Set's scale (melody and bass)", () => {
  it("asks for the Set's key while Scale Mode is on, follows changes, and the Key menu wins; drums take none", async () => {
    const set = new FakeLiveSet({ tracks: [[null]], deviceTrack: 0, scale: { root: 2, intervals: [0, 2, 3, 5, 7, 8, 10], mode: 1, name: 'Minor' } });
    const { c } = await device(set, 3);
    // What the bridge saved for each request (session.jsonl: one line per suggestion, with its key).
    const log = () => {
      try {
        return readFileSync(join(store.dir, 'session.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { key?: string });
      } catch {
        return [];
      }
    };
    const keys = () => log().map((e) => e.key);
    const ask = async (n: number) => {
      fake.send('generate');
      await waitFor(() => (log().length >= n ? true : undefined), 10_000, `suggestion ${n}`);
    };
    const before = log().length;
    fake.send('model', MODEL_ITEMS.indexOf('bass'));
    fake.send('genre', GENRE_ITEMS.indexOf('pop'));
    fake.send('bars', 2);
    await ask(before + 1);
    await waitFor(() => c.last, 10_000, 'the first line');
    expect(statuses().at(-1)).toMatch(/^bass pop d0\.5 #3 in D minor: \d+ notes, 2 bars$/);
    set.setScale({ root: 7, intervals: [0, 2, 4, 5, 7, 9, 11], name: 'Major' });
    await ask(before + 2);
    set.setScale({ mode: 0 }); // Scale Mode off: the style's usual keys
    await ask(before + 3);
    fake.send('key', KEY_ITEMS.indexOf('A minor'));
    await ask(before + 4);
    fake.send('model', MODEL_ITEMS.indexOf('drums'));
    fake.send('genre', GENRE_ITEMS.indexOf('rock'));
    await ask(before + 5);
    expect(keys().slice(before)).toEqual(['D minor', 'G major', undefined, 'A minor', undefined]);
    expect(c.setKey).toBeUndefined();
  });
});
