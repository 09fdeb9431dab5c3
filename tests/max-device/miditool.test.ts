import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGenerate } from '../../bridge/cli/generate';
import { writeFileAtomic } from '../../bridge/fs/atomic-write';
import { writeMidiFile } from '../../src/midi-file/write';
import { DRUM_CHANNEL } from '../../src/music/sequence';
import { PPQ } from '../../src/time/units';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OscServer } from '../../bridge/osc/server';
import { ToolClient, type ToolMaxApi } from '../../max-device/src/client/tool-client';
import type { LiveToolContext, LiveToolNote } from '../../max-device/src/miditool/live-dicts';
import { GENRE_ITEMS, MODEL_ITEMS } from '../../max-device/src/parameters';
import { GENERATE_PARAMETERS, HUMANIZE_PARAMETERS } from '../../max-device/src/miditool/parameters';
import { buildToolPatcher } from '../../max-device/src/patcher/miditool';
import { JsHost } from './fakes/js-host';
import { FakeLiveSet, type LiveNote } from './fakes/live-api';
import { createMaxApi } from './fakes/max-api';
import { DictRegistry, ERRORS, FakeMidiToolHost } from './fakes/midi-tool';
import { PatchRunner, type Msg } from './fakes/patch-runner';
import { startBridge, waitFor } from './helpers';

const ANSWERER = join(import.meta.dirname, '../../max-device/src/tandem-miditool.js');

let server: OscServer;
beforeAll(async () => {
  ({ server } = await startBridge());
});
afterAll(async () => {
  await server.close();
});
const clients: ToolClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});

/** D minor, a 4-bar time selection (beats 4..20) on a 16th grid: the context Live gives the tool. */
const CONTEXT: LiveToolContext = {
  clip: { time_selection_start: 4, time_selection_end: 20, first_note_start: 0, last_note_end: 0, lowest_pitch: 0, highest_pitch: 0 },
  scale: { scale_mode: 1, root_note: 2, scale_intervals: [0, 2, 3, 5, 7, 8, 10], scale_name: 'Minor' },
  grid: { interval: 0.25, enabled: 1 },
};

/**
 * A built MIDI Tool on the fake Max (patch runner): its js is the real tandem-miditool.js, its
 * node.script the real ToolClient (own max-api, dicts shared with the js) on an in-process bridge,
 * Live's side the fake of fakes/midi-tool.ts.
 */
function tool(
  role: 'generate' | 'humanize',
  notes: Omit<LiveToolNote, 'note_id'>[],
  context: LiveToolContext = CONTEXT,
  scriptStartsAfterMs = 100,
  set?: FakeLiveSet,
) {
  const dicts = new DictRegistry();
  const live = new FakeMidiToolHost(role === 'generate' ? 'nagg' : 'natt', dicts, notes, context);
  const { api, fake } = createMaxApi(dicts.map);
  let client: ToolClient | undefined;
  const patcher = buildToolPatcher(role);
  const r = new PatchRunner(
    patcher,
    {
      startsAfterMs: scriptStartsAfterMs,
      boot: (out) => {
        client = new ToolClient(api as unknown as ToolMaxApi, { port: server.port, scriptDir: import.meta.dirname, launch: false, heartbeatMs: 0 });
        clients.push(client);
        client.registerHandlers();
        fake.onOutlet((args) => out(...(args as (string | number)[])));
        void client.start();
        return { receive: (m: Msg) => void fake.send(m.sel, ...m.args) };
      },
    },
    {
      tool: live,
      js: (box, out) => {
        const host = new JsHost(ANSWERER, set, {
          args: String(box.text).split(/\s+/).slice(2),
          Dict: dicts.Dict,
          onOutlet: (n, args) => out(n, args as (string | number)[]),
        });
        return { receive: (inlet, m) => host.sendTo(inlet, m.sel, ...m.args) };
      },
    },
  );
  // Loading restores each parameter (its saved value, here its initial one) and sends it out
  // before live.thisdevice bangs (Max's Initial Enable: "output the initial value on load").
  const load = () => {
    r.load();
    for (const spec of Object.values(role === 'generate' ? GENERATE_PARAMETERS : HUMANIZE_PARAMETERS)) r.control(spec.longname, spec.initial);
  };
  const inId = r.find((b) => b.text === 'live.miditool.in').id;
  /** The user clicks Apply (or Auto Apply fires): a bang into live.miditool.in. */
  const apply = () => r.send(inId, 0, { sel: 'bang', args: [] });
  const status = () => r.comments.get('status') ?? '';
  return { r, live, load, apply, status, client: () => client, dicts };
}

const bar = (n: LiveToolNote, from: number) => Math.floor((n.start_time - from) / 4);
const appliedWithNotes = (live: FakeMidiToolHost, after = 0) => live.applied.slice(after).find((a) => a.notes.length > 0);

describe('Tandem Generate on the fakes (issue 14)', { timeout: 60_000 }, () => {
  it('the first apply says it is waiting; the answer fills the 4-bar selection with a groove, within the synchronous cycle', async () => {
    const { r, live, load, apply, status } = tool('generate', [], CONTEXT, 400);
    load();
    r.advance(50); // live.thisdevice has banged; node.script's script is not running yet
    apply();
    expect(live.applied).toEqual([{ cycle: 1, notes: [] }]); // answered at once, with nothing added
    expect(status()).toMatch(/^waiting for Tandem/);
    expect(r.maxWindow).toContain("node.script: Node script not ready can't handle message request"); // the request was dropped
    r.advance(400); // the script runs, finds the bridge, and re-applies once: the js asks again
    const got = await waitFor(() => appliedWithNotes(live), 20_000, 'a groove');
    const notes = got.notes;
    expect(live.errors).toEqual([]);
    // In the selection, on its 16th grid, every bar played, drum pitches.
    for (const n of notes) {
      expect(n.start_time).toBeGreaterThanOrEqual(4);
      expect(n.start_time + n.duration).toBeLessThanOrEqual(20 + 1e-9);
      expect(Math.abs(n.start_time * 4 - Math.round(n.start_time * 4))).toBeLessThan(1e-6);
    }
    expect(new Set(notes.map((n) => bar(n, 4)))).toEqual(new Set([0, 1, 2, 3]));
    expect(notes.every((n) => n.pitch >= 35 && n.pitch <= 81)).toBe(true);
    expect(live.clip).toHaveLength(notes.length);
    expect(status()).toMatch(/^rock d0\.5 #0: \d+ notes in 4 bars$/);
  });

  it('a control change re-applies: denser at a higher Density, the same notes back at once when it returns', async () => {
    const { r, live, load, apply } = tool('generate', []);
    load();
    r.advance(200);
    await waitFor(() => live.bangs > 0, 5000, 'the client to connect'); // its one re-apply after connecting
    apply();
    const first = (await waitFor(() => appliedWithNotes(live), 20_000, 'the first groove')).notes;
    const mark = live.applied.length;
    r.control('Density', 95);
    expect(live.applied[mark].notes).toEqual([]); // nothing held for these settings yet: nothing added, asked in the background
    const dense = (await waitFor(() => appliedWithNotes(live, mark), 20_000, 'the denser groove')).notes;
    expect(dense.length).toBeGreaterThan(first.length * 1.2);
    r.control('Density', 50);
    // Held: answered within the same call, no bridge round trip.
    expect(live.last()!.notes).toEqual(first);
    r.control('Density', 50);
    expect(live.errors).toEqual([]);
  });

  it("a bass line in the Set's scale (D minor) when Scale Mode is on", async () => {
    const { r, live, load, apply } = tool('generate', []);
    load();
    r.advance(200);
    await waitFor(() => live.bangs > 0, 5000, 'the client to connect');
    r.control('Model', MODEL_ITEMS.indexOf('bass'));
    r.control('Genre', GENRE_ITEMS.indexOf('pop'));
    apply();
    const notes = (await waitFor(() => appliedWithNotes(live), 20_000, 'a bass line')).notes;
    const dMinor = new Set([2, 4, 5, 7, 9, 10, 0]);
    expect(notes.length).toBeGreaterThan(4);
    expect(notes.filter((n) => !dMinor.has(n.pitch % 12))).toEqual([]);
    expect(notes.every((n) => n.pitch >= 23 && n.pitch <= 72)).toBe(true);
    expect(live.errors).toEqual([]);
  });

  it('a genre the model does not have is said on the status line, and nothing is added', async () => {
    const { r, live, load, apply, status } = tool('generate', []);
    load();
    r.advance(200);
    await waitFor(() => live.bangs > 0, 5000, 'the client to connect');
    r.control('Model', MODEL_ITEMS.indexOf('bass'));
    r.control('Genre', GENRE_ITEMS.indexOf('funk'));
    apply();
    await waitFor(() => status().startsWith('error:'), 5000, 'the error');
    expect(status()).toMatch(/funk is not a style of the bass model: pick one of reel, jig, hornpipe, waltz, pop, chorale or any/);
    expect(live.applied.every((a) => a.notes.length === 0)).toBe(true);
    expect(live.errors).toEqual([]);
  });
});

/** A quantized 2-bar beat from beat 0: hats on 8ths, kick on 1 and 3, snare on 2 and 4, all at velocity 100. */
function quantizedBeat(): Omit<LiveToolNote, 'note_id'>[] {
  const notes: Omit<LiveToolNote, 'note_id'>[] = [];
  for (let s = 0; s < 32; s += 2) {
    notes.push({ pitch: 42, start_time: s / 4, duration: 0.25, velocity: 100 });
    if (s % 8 === 0) notes.push({ pitch: 36, start_time: s / 4, duration: 0.25, velocity: 100 });
    if (s % 8 === 4) notes.push({ pitch: 38, start_time: s / 4, duration: 0.25, velocity: 100 });
  }
  return notes;
}

describe('Tandem Humanize on the fakes (issue 14)', { timeout: 60_000 }, () => {
  const noSelection: LiveToolContext = {
    clip: { first_note_start: 0, last_note_end: 8 },
    scale: { scale_mode: 0, root_note: 0, scale_intervals: [0, 2, 4, 5, 7, 9, 11] },
    grid: { interval: 0.25, enabled: 1 },
  };

  it("returns every note of a quantized beat with a drummer's velocities and timing; Amount blends at once", async () => {
    const { r, live, load, apply, status } = tool('humanize', quantizedBeat(), noSelection);
    const input = live.clip.map((n) => ({ ...n }));
    load();
    r.advance(200);
    await waitFor(() => live.bangs > 0, 5000, 'the client to connect');
    apply();
    const mark = live.applied.length - 1;
    expect(live.applied[mark].notes).toEqual(input); // unchanged while the answer is made
    const human = (
      await waitFor(() => live.applied.slice(mark + 1).find((a) => a.notes.some((n, i) => n.velocity !== input[i].velocity)), 30_000, 'the humanized beat')
    ).notes;
    expect(live.errors).toEqual([]);
    expect(human).toHaveLength(input.length);
    human.forEach((n, i) => {
      expect(n.note_id).toBe(input[i].note_id);
      expect(n.pitch).toBe(input[i].pitch);
      expect(n.duration).toBe(input[i].duration);
      expect(Math.abs(n.start_time - input[i].start_time)).toBeLessThanOrEqual(0.125 + 1e-9); // within half a 16th of its step
    });
    const vel = human.map((n) => n.velocity!);
    expect(Math.max(...vel) - Math.min(...vel)).toBeGreaterThan(20);
    expect(human.filter((n, i) => n.start_time !== input[i].start_time).length).toBeGreaterThan(human.length / 2);
    expect(status()).toMatch(/^rock #0: 24 notes humanized at 100 %$/);
    // Amount is blended by the js in the cycle: no new request, answered within the call.
    r.control('Amount', 0);
    expect(live.last()!.notes).toEqual(input);
    r.control('Amount', 50);
    live.last()!.notes.forEach((n, i) => {
      expect(n.velocity).toBe(Math.max(1, Math.min(127, Math.round(100 + 0.5 * (vel[i] - 100)))));
      expect(n.start_time).toBeCloseTo((input[i].start_time + human[i].start_time) / 2, 5);
    });
    expect(live.errors).toEqual([]);
  });

  it('an empty clip: live.miditool.in outputs nothing, and nothing is asked or said wrongly', async () => {
    const { r, live, load, apply, client } = tool('humanize', [], noSelection);
    load();
    r.advance(200);
    await waitFor(() => client()?.phase === 'connected', 5000, 'the client to connect');
    apply();
    await new Promise((res) => setTimeout(res, 100));
    expect(live.applied).toEqual([]);
    expect(live.errors).toEqual([]);
    expect(r.jsIn.filter((m) => m.sel === 'dictionary')).toEqual([]);
  });
});

describe("the MIDI Tool fakes model Live's errors", () => {
  it('a dictionary reaching live.miditool.out outside the cycle is refused as asynchronous; a cycle without one is late', () => {
    const dicts = new DictRegistry();
    const live = new FakeMidiToolHost('nagg', dicts, [], CONTEXT);
    const answer = dicts.put({ notes: [{ pitch: 36, start_time: 4, duration: 0.25 }] });
    live.bang(() => {}); // nobody answers within the cycle
    expect(live.errors).toEqual([ERRORS.late]);
    live.receive('dictionary', answer); // what a node.script answer would do, later
    expect(live.errors).toEqual([ERRORS.late, ERRORS.async]);
    live.bang((outlet) => outlet === 0 && live.receive('dictionary', dicts.put({ notes: [{ pitch: 36, start_time: 4 }] })));
    expect(live.errors.at(-1)).toBe(ERRORS.missing('duration'));
    live.bang((outlet) => outlet === 0 && live.receive('dictionary', answer));
    expect(live.applied).toEqual([{ cycle: 1, notes: [{ pitch: 36, start_time: 4, duration: 0.25 }] }]);
  });
});

describe('Tandem Generate continues the notes before the selection (Live API + primer, issue 14.1)', { timeout: 60_000 }, () => {
  /** A 2-bar groove in beats 0-8 of a 4-bar clip, shown in the Detail View (the clip the tool works on). */
  const groove: LiveNote[] = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((b) => [
    { pitch: 42, start_time: b, duration: 0.25, velocity: 80, mute: 0 },
    { pitch: b % 2 ? 38 : 36, start_time: b, duration: 0.25, velocity: 105, mute: 0 },
  ]);
  const liveSet = (loop?: { looping: boolean; start: number; end: number }) =>
    new FakeLiveSet({ tracks: [[{ name: 'beat', length: 16, notes: groove, ...(loop ? { loop } : {}) }]], deviceTrack: 0, detailClip: { track: 0, slot: 0 } });
  const context = (selection?: [number, number]): LiveToolContext => ({
    ...CONTEXT,
    scale: { scale_mode: 0, root_note: 0, scale_intervals: [0, 2, 4, 5, 7, 9, 11] },
    clip: {
      ...(selection ? { time_selection_start: selection[0], time_selection_end: selection[1] } : { insert_marker_time: 0 }),
      first_note_start: 0,
      last_note_end: 8,
      lowest_pitch: 36,
      highest_pitch: 42,
    },
  });

  it('fills the selection after the groove with what the bridge continues from its last bars', async () => {
    const set = liveSet();
    const { r, live, load, apply, status } = tool('generate', groove, context([8, 16]), 100, set);
    load();
    r.advance(300);
    apply();
    const got = await waitFor(() => appliedWithNotes(live), 20_000, 'the continuation');
    expect(live.errors).toEqual([]);
    expect(set.calls).toContain('live_set tracks 0 clip_slots 0 clip: get_notes_extended 0 128 0 8');
    // Only new notes, inside the selection (the groove is not added again), both bars played.
    expect(got.notes.every((n) => n.start_time >= 8 && n.start_time < 16)).toBe(true);
    expect(new Set(got.notes.map((n) => Math.floor(n.start_time / 4)))).toEqual(new Set([2, 3]));
    expect(status()).toMatch(/^rock d0\.5 #0: \d+ notes in 2 bars, continuing 2 bars before$/);
    // The same new notes tandem generate --primer makes from that groove (4 bars: 2 given, 2 new).
    const dir = mkdtempSync(join(tmpdir(), 'tandem-tool-continue-'));
    const clipFile = join(dir, 'groove.mid');
    writeFileAtomic(
      clipFile,
      writeMidiFile({
        notes: groove.map((n) => ({ pitch: n.pitch, velocity: n.velocity, startTicks: n.start_time * PPQ, durationTicks: 240, channel: DRUM_CHANNEL })),
        tempos: [{ ticks: 0, bpm: 120 }],
        meters: [],
        totalTicks: 8 * PPQ,
      }),
    );
    const cli = await runGenerate({
      model: 'drums',
      modelImpl: 'baseline',
      genre: 'rock',
      density: '0.5',
      temperature: '1',
      bars: '4',
      seed: '0',
      bpm: '120',
      primer: clipFile,
      quiet: true,
      out: join(dir, 'cli.mid'),
    });
    const fromCli = cli.sequences[0].notes
      .filter((n) => n.startTicks >= 8 * PPQ - 120)
      .map((n) => `${n.pitch}@${Math.max(8, Math.round((n.startTicks / PPQ) * 4) / 4)}`);
    expect(new Set(got.notes.map((n) => `${n.pitch}@${n.start_time}`))).toEqual(new Set(fromCli));
  });

  it('without a time selection fills the clip loop (Live API), continuing what comes before it', async () => {
    const set = liveSet({ looping: true, start: 4, end: 12 });
    const { r, live, load, apply, status } = tool('generate', groove, context(), 100, set);
    load();
    r.advance(300);
    apply();
    const got = await waitFor(() => appliedWithNotes(live), 20_000, 'the loop filled');
    expect(got.notes.every((n) => n.start_time >= 4 && n.start_time < 12)).toBe(true);
    expect(new Set(got.notes.map((n) => Math.floor(n.start_time / 4)))).toEqual(new Set([1, 2]));
    expect(status()).toMatch(/^rock d0\.5 #0: \d+ notes in 2 bars, continuing 1 bar before$/);
  });
});
