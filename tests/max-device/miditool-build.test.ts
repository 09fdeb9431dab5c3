import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAmxd } from '../../max-device/src/amxd';
import { buildDevice, DEVICES } from '../../max-device/src/build';
import { checkDevice, checkPatcher } from '../../max-device/src/check';
import { GENERATE_PARAMETERS, HUMANIZE_PARAMETERS } from '../../max-device/src/miditool/parameters';
import { fitToScale, parseToolRequest, placeGenerated, setScale } from '../../max-device/src/miditool/live-dicts';
import { miditoolProblems } from '../../max-device/src/miditool-check';
import { PatchBuilder } from '../../max-device/src/patcher/builder';
import { buildToolPatcher } from '../../max-device/src/patcher/miditool';
import type { Patcher } from '../../max-device/src/patcher/types';
import { JsHost } from './fakes/js-host';
import { DictRegistry } from './fakes/midi-tool';

let built: string;
beforeAll(async () => {
  built = mkdtempSync(join(tmpdir(), 'tandem-tools-'));
  await buildDevice(built);
});
afterAll(() => rmSync(built, { recursive: true, force: true }));

const boxByText = (p: Patcher, text: string) => p.boxes.map((b) => b.box).find((b) => b.text === text)!;

describe('the built MIDI Tools', () => {
  it('are a Note Generator (nagg) and a Note Transformation (natt) that pass the offline check', () => {
    for (const [file, type, code] of [
      ['Tandem Generate.amxd', 'nagg', 1851877223],
      ['Tandem Humanize.amxd', 'natt', 1851880564],
    ] as const) {
      const bytes = readFileSync(join(built, file));
      expect(bytes.subarray(0, 12).toString('latin1')).toBe(`ampf\x04\x00\x00\x00${type}`);
      const { doc } = decodeAmxd(bytes);
      expect((doc.patcher.project as { amxdtype: number }).amxdtype).toBe(code);
      expect(doc.patcher.openrect).toEqual([0, 0, 152, 147]); // the tool panel, as Max's templates open
      expect(checkDevice(join(built, file), type).problems).toEqual([]);
      const toolIn = boxByText(doc.patcher, 'live.miditool.in');
      expect([toolIn.numinlets, toolIn.numoutlets]).toEqual([1, 2]); // appversion 8.6.0
    }
    expect(DEVICES.map((d) => d.type)).toEqual(['mmmm', 'nagg', 'natt']);
  });

  it('the checker wants 3 outlets on live.miditool.in from Max 8.6.3 on', () => {
    const p = buildToolPatcher('generate');
    p.appversion = { ...p.appversion, revision: 3 };
    expect(checkPatcher(p, built, 'nagg').problems).toContainEqual(
      expect.stringMatching(/\(live\.miditool\.in\) has 1 inlets\/2 outlets; it should have 1\/3/),
    );
  });

  it('flags an asynchronous object on the way into live.miditool.out, a missing path, and the objects outside a MIDI Tool', () => {
    // The tool's own node.script wired to live.miditool.out: its answer would come after the cycle.
    const p = buildToolPatcher('humanize');
    const node = boxByText(p, 'node.script tandem-tool-client.js @autostart 1');
    const out = boxByText(p, 'live.miditool.out');
    p.lines.push({ patchline: { source: [node.id, 0], destination: [out.id, 0] } });
    expect(miditoolProblems(p, 'natt')).toEqual([
      expect.stringMatching(
        /^obj-\d+ \(node\.script tandem-tool-client\.js @autostart 1\) -> obj-\d+ \(live\.miditool\.out\): node\.script is asynchronous, so its notes would reach live\.miditool\.out outside the apply cycle/,
      ),
    ]);
    expect(miditoolProblems(buildToolPatcher('humanize'), 'natt')).toEqual([]);

    const b = new PatchBuilder();
    const toolIn = b.obj('live.miditool.in', [0, 0]);
    const defer = b.obj('deferlow', [0, 40]);
    const toolOut = b.obj('live.miditool.out', [0, 80]);
    b.connect(toolIn, 0, defer, 0);
    b.connect(defer, 0, toolOut, 0);
    const deferred = b.build({ type: 'nagg', devicewidth: 0, dependencies: [], description: '' });
    expect(miditoolProblems(deferred, 'nagg')).toEqual([expect.stringMatching(/\(deferlow\) -> obj-3 \(live\.miditool\.out\): deferlow is asynchronous/)]);
    expect(miditoolProblems(deferred, 'mmmm')).toEqual([
      expect.stringMatching(/live\.miditool\.in\) works only in a MIDI Tool/),
      expect.stringMatching(/live\.miditool\.out\) works only in a MIDI Tool/),
    ]);

    const c = new PatchBuilder();
    c.obj('live.miditool.in', [0, 0]);
    c.obj('live.miditool.out', [0, 80]);
    expect(miditoolProblems(c.build({ type: 'natt', devicewidth: 0, dependencies: [], description: '' }), 'natt')).toEqual([
      expect.stringMatching(/no patch cords lead from .* to .*"Did not receive a Note dictionary in time"/),
    ]);
  });
});

describe("the tool client's reading of Live's context", () => {
  it("the Set's scale: the nearest mode as the key, every note fitted to the scale itself", () => {
    expect(setScale({ scale_mode: 1, root_note: 2, scale_intervals: [0, 2, 3, 5, 7, 8, 10] })).toEqual({
      key: 'D minor',
      pitchClasses: [0, 2, 4, 5, 7, 9, 10],
    });
    expect(setScale({ scale_mode: 0, root_note: 2, scale_intervals: [0, 2, 3, 5, 7, 8, 10] })).toBeUndefined();
    const pentatonic = setScale({ scale_mode: 1, root_note: 9, scale_intervals: [0, 3, 5, 7, 10] })!; // A minor pentatonic
    expect(pentatonic.key).toBe('A minor');
    expect(fitToScale(61, pentatonic.pitchClasses)).toBe(60); // C# -> C (down on a tie with D)
    expect(fitToScale(63, pentatonic.pitchClasses)).toBe(62);
    expect(() => setScale({ scale_mode: 1, root_note: 12, scale_intervals: [0] })).toThrow(/root_note must be 0..11, got 12/);
  });

  it('Generate: the selection (or Bars from the insert marker), its bars, the grid never coarser than a 16th; drums ignore the scale', () => {
    const base = { role: 'generate', key: 'k', reply: 'r', notes: [] };
    const scale = { scale_mode: 1, root_note: 0, scale_intervals: [0, 2, 4, 5, 7, 9, 11] };
    const a = parseToolRequest({
      ...base,
      settings: { density: 70 },
      context: { clip: { time_selection_start: 2, time_selection_end: 9 }, grid: { interval: 1, enabled: 1 }, scale },
    });
    expect(a).toMatchObject({ model: 'drums', genre: 'rock', density: 0.7, from: 2, to: 9, bars: 2, step: 0.25, scale: undefined });
    const b = parseToolRequest({
      ...base,
      settings: { model: 2, genre: 23, bars: 3 },
      context: { clip: { time_selection_start: 5, time_selection_end: 5, insert_marker_time: 8 }, grid: { interval: 0.125, enabled: 0 }, scale },
    });
    expect(b).toMatchObject({ model: 'bass', genre: 'chorale', from: 8, to: 20, bars: 3, step: undefined, key_name: 'C major' });
    // A jig's bar is 6/8 (3 beats): a 12-beat selection is 4 of its bars; Bars without a selection counts them too.
    expect(
      parseToolRequest({ ...base, settings: { model: 1, genre: 20 }, context: { clip: { time_selection_start: 0, time_selection_end: 12 } } }),
    ).toMatchObject({ genre: 'jig', bars: 4, to: 12 });
    expect(parseToolRequest({ ...base, settings: { model: 1, genre: 20, bars: 2 }, context: { clip: {} } })).toMatchObject({ bars: 2, from: 0, to: 6 });
    expect(() => parseToolRequest({ ...base, settings: { density: 150 }, context: {} })).toThrow('density must be between 0 and 100, got 150');
    expect(() => parseToolRequest({ ...base, settings: { model: 7 }, context: {} })).toThrow('model must be a menu index 0..2, got 7');
    const placed = placeGenerated(
      [
        { pitch: 61, velocity: 90, startBeats: 0.02, durationBeats: 0.5 },
        { pitch: 61, velocity: 80, startBeats: 0, durationBeats: 0.5 },
        { pitch: 64, velocity: 70, startBeats: 6.6, durationBeats: 2 },
        { pitch: 64, velocity: 70, startBeats: 6.9, durationBeats: 1 },
      ],
      { from: 2, to: 9, step: 0.25, scale: [0, 2, 4, 5, 7, 9, 11] },
    );
    expect(placed).toEqual([
      { pitch: 60, start_time: 2, duration: 0.5, velocity: 90 },
      { pitch: 64, start_time: 8.5, duration: 0.5, velocity: 70 }, // cut at the selection's end; the one snapped onto it is dropped
    ]);
  });

  it('Humanize: notes counted from their first bar; a selection over the limit is refused by name', () => {
    const job = parseToolRequest({
      role: 'humanize',
      key: 'k',
      reply: 'r',
      settings: { genre: 1, seed: 7 },
      context: {},
      notes: [{ pitch: 36, start_time: 9, duration: 0.25, velocity: 99.6 }],
    });
    expect(job).toMatchObject({ genre: 'funk', seed: 7, origin: 8, notes: [{ pitch: 36, velocity: 100, startBeats: 1, durationBeats: 0.25 }] });
    const many = Array.from({ length: 2049 }, (_, i) => ({ pitch: 42, start_time: i / 4, duration: 0.1 }));
    expect(() => parseToolRequest({ role: 'humanize', key: 'k', reply: 'r', notes: many })).toThrow(
      'the selection holds 2049 notes; Tandem Humanize takes at most 2048 at once: select fewer bars',
    );
  });
});

describe('the README', () => {
  const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Live 12 MIDI Tools'), readme.indexOf('## The models'));
  it('says where the tools go, lists every control with the range and default they have, and shows both faces', () => {
    expect(section).toContain('User Library/MIDI Tools/Max Generators/');
    expect(section).toContain('Library/MIDI Tools/Max Transformations/');
    for (const [tool, params] of [
      ['Generate', GENERATE_PARAMETERS],
      ['Humanize', HUMANIZE_PARAMETERS],
    ] as const) {
      for (const spec of Object.values(params)) {
        const row = section.split('\n').find((l) => l.startsWith(`| ${tool} | ${spec.longname} |`));
        expect(row, `${tool} ${spec.longname}`).toBeDefined();
        if (spec.type !== 'enum') {
          const shown = spec.longname === 'Temperature' ? spec.initial.toFixed(2) : String(spec.initial);
          expect(row, spec.longname).toContain(`${spec.min}-${spec.max}${spec.unitstyle === 5 ? ' %' : ''}, ${shown}${spec.unitstyle === 5 ? ' %' : ''}`);
        }
      }
    }
    expect(section).toContain('(max-device/dist/generate.svg)');
    expect(section).toContain('(max-device/dist/humanize.svg)');
  });
});

describe('tandem-miditool.js on its own', () => {
  const ANSWERER = join(import.meta.dirname, '../../max-device/src/tandem-miditool.js');
  it('reads a one-element list that a Max dictionary hands back as the element itself (answers held, notes in)', () => {
    const dicts = new DictRegistry();
    const host = new JsHost(ANSWERER, undefined, { args: ['humanize'], Dict: dicts.Dict });
    const note = { pitch: 36, start_time: 4, duration: 0.25, velocity: 100, note_id: 9 };
    const cycle = () => {
      host.sendTo(1, 'dictionary', dicts.put({ clip: {} }));
      host.sendTo(0, 'dictionary', dicts.put({ notes: note })); // one note, not in a list
    };
    cycle();
    const answer = () => dicts.map.get(String(host.outlets.filter((o) => o[0] === 0).at(-1)![2]))!.notes;
    expect(answer()).toEqual([note]); // unchanged while waiting
    const asked = dicts.map.get(String(host.outlets.filter((o) => o[0] === 2).at(-1)![1]))!;
    const store = (host.global('store') as { name: string }).name;
    expect(asked.reply).toBe(store);
    dicts.map.set(store, { entries: { key: asked.key, notes: { start_time: 4.02, velocity: 80 }, text: 'rock #0: 1 notes humanized' } });
    cycle();
    expect(answer()).toEqual([{ ...note, start_time: 4.02, velocity: 80 }]);
    expect(host.outlets.filter((o) => o[0] === 3).at(-1)).toEqual([3, 'rock #0: 1 notes humanized at 100 %']);
  });
});
