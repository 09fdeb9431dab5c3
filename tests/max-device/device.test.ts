import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAmxd, encodeAmxd } from '../../max-device/src/amxd';
import { AMXD_NAME, buildDevice, DEVICES, DIST } from '../../max-device/src/build';
import { checkDevice, checkPatcher, es5Problems, jsRequires, node12Problems } from '../../max-device/src/check';
import { messageBoxSelectors } from '../../max-device/src/patcher/messages';
import { PatchBuilder, PatchBuildError } from '../../max-device/src/patcher/builder';
import { buildTandemPatcher, SCRIPTS } from '../../max-device/src/patcher/tandem';
import type { Patcher } from '../../max-device/src/patcher/types';
import { GENRE_ITEMS, PARAMETERS } from '../../max-device/src/parameters';
import { DRUM_GENRES } from '../../src/conditioning/genres';

let built: string;
beforeAll(async () => {
  built = mkdtempSync(join(tmpdir(), 'tandem-device-'));
  await buildDevice(built);
});
afterAll(() => rmSync(built, { recursive: true, force: true }));

/** A copy of the built device folder whose patcher `edit` changed; returns the .amxd path. */
function variant(edit: (p: Patcher) => void, also?: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-variant-'));
  for (const f of readdirSync(built)) copyFileSync(join(built, f), join(dir, f));
  const { doc } = decodeAmxd(readFileSync(join(built, AMXD_NAME)));
  edit(doc.patcher);
  writeFileSync(join(dir, AMXD_NAME), encodeAmxd(doc));
  also?.(dir);
  return join(dir, AMXD_NAME);
}
const boxByText = (p: Patcher, text: string) => p.boxes.map((b) => b.box).find((b) => b.text === text)!;
const boxByName = (p: Patcher, longname: string) =>
  p.boxes.map((b) => b.box).find((b) => b.saved_attribute_attributes?.valueof?.parameter_longname === longname)!;

describe('the built device', () => {
  it('is a MIDI-effect .amxd: ampf/mmmm, meta, ptch holding the patcher JSON with its NUL', () => {
    const bytes = readFileSync(join(built, AMXD_NAME));
    expect(bytes.subarray(0, 12).toString('latin1')).toBe('ampf\x04\x00\x00\x00mmmm');
    expect(bytes.subarray(12, 24).toString('latin1')).toBe('meta\x04\x00\x00\x00\x01\x00\x00\x00');
    expect(bytes.subarray(24, 28).toString('latin1')).toBe('ptch');
    const n = bytes.readUInt32LE(28);
    expect(32 + n).toBe(bytes.length);
    expect(bytes.subarray(bytes.length - 2).toString('latin1')).toBe('\n\0');
    const patcher = JSON.parse(bytes.subarray(32, bytes.length - 1).toString('utf8')).patcher as Patcher;
    expect(patcher.openinpresentation).toBe(1);
    expect((patcher.project as { amxdtype: number }).amxdtype).toBe(0x6d6d6d6d); // 'mmmm', as Max stores it
  });

  it('passes the offline check', () => {
    const r = checkDevice(join(built, AMXD_NAME));
    expect(r.problems).toEqual([]);
    expect(r.facts.join('\n')).toMatch(
      /12 Live parameters: Model, Genre, Density, Temperature, Bars, Fill every, Follow transport, Generate, Write clip, Continue, Key, Write to/,
    );
  });

  it('is what is committed in max-device/dist (run npm run build:device after changing max-device/src)', () => {
    for (const f of readdirSync(built)) {
      expect(readFileSync(join(DIST, f)).equals(readFileSync(join(built, f))), f).toBe(true);
    }
  });

  it('has the Live parameters the issue asks for, with names, ranges, units and defaults', () => {
    const p = buildTandemPatcher();
    const v = (n: string) => boxByName(p, n).saved_attribute_attributes!.valueof!;
    expect(v('Density')).toMatchObject({ parameter_type: 0, parameter_mmin: 0, parameter_mmax: 100, parameter_unitstyle: 5, parameter_initial: [50] });
    // Drum genres and any keep their indices (saved sets); the other models' styles follow.
    expect(v('Genre').parameter_enum!.slice(0, DRUM_GENRES.length + 1)).toEqual([...DRUM_GENRES, 'any']);
    expect(v('Genre').parameter_enum).toEqual(expect.arrayContaining(['jig', 'reel', 'chorale', 'pop']));
    expect(v('Model').parameter_enum).toEqual(['drums', 'melody', 'bass']);
    expect(GENRE_ITEMS[PARAMETERS.genre.initial]).toBe('rock');
    expect(v('Bars')).toMatchObject({ parameter_type: 1, parameter_mmin: 1, parameter_mmax: 64, parameter_initial: [8] });
    expect(v('Temperature')).toMatchObject({ parameter_mmin: 0.05, parameter_mmax: 3, parameter_initial: [1] });
    expect(boxByName(p, 'Follow transport').maxclass).toBe('live.toggle');
    expect(boxByName(p, 'Generate')).toMatchObject({ maxclass: 'live.text', mode: 0 });
    for (const button of ['Generate', 'Write clip', 'Continue']) expect(v(button).parameter_invisible, button).toBe(2); // Hidden: no undo step per click
    for (const stored of ['Density', 'Genre', 'Follow transport']) expect(v(stored).parameter_invisible, stored).toBeUndefined(); // automatable
    expect(v('Write to')).toMatchObject({ parameter_type: 2, parameter_enum: ['Session', 'Arrangement'], parameter_invisible: 1 }); // saved, not automatable
    for (const b of p.boxes.map((x) => x.box).filter((x) => x.presentation)) {
      const [x, y, w, h] = b.presentation_rect!;
      expect(x >= 0 && y >= 0 && x + w <= p.devicewidth && y + h <= 169, `${b.id} ${b.presentation_rect}`).toBe(true);
    }
  });
});

describe('the offline check fails on broken devices', () => {
  it('a line from an outlet the object does not have', () => {
    const file = variant((p) => {
      const tr = boxByText(p, 'transport');
      p.lines.push({ patchline: { source: [tr.id, 9], destination: [boxByText(p, 'prepend transport').id, 0] } });
    });
    expect(checkDevice(file).problems).toEqual([expect.stringMatching(/^line obj-\d+:9 -> obj-\d+:0: obj-\d+ \(transport\) has outlets 0\.\.8$/)]);
  });

  it('a line to a box that does not exist, and a box whose counts disagree with the table', () => {
    const file = variant((p) => {
      p.lines.push({ patchline: { source: ['obj-999', 0], destination: [boxByText(p, 'midiout').id, 0] } });
      boxByName(p, 'Follow transport').numoutlets = 2; // live.toggle has one outlet
    });
    expect(checkDevice(file).problems.sort()).toEqual([
      expect.stringMatching(/^line obj-999:0 -> obj-\d+:0 joins a box that does not exist \(obj-999\)$/),
      expect.stringMatching(/^obj-\d+ \(live\.toggle\) has 1 inlets\/2 outlets; it should have 1\/1$/),
    ]);
  });

  it('a missing script, and a js script that is not ES5', () => {
    const missing = variant(
      () => {},
      (dir) => rmSync(join(dir, SCRIPTS.clipWriter)),
    );
    expect(checkDevice(missing).problems).toEqual([expect.stringMatching(/runs tandem-clip-writer\.js, which is not next to the device/)]);
    const modern = variant(
      () => {},
      (dir) => writeFileSync(join(dir, SCRIPTS.clipWriter), `${readFileSync(join(dir, SCRIPTS.clipWriter), 'utf8')}\nconst late = () => 1;\n`),
    );
    expect(checkDevice(modern).problems).toEqual([
      expect.stringMatching(/is for Max's legacy js engine \(ES5\) but has "const"/),
      expect.stringMatching(/but has "=>"/),
    ]);
    expect(es5Problems('var a = `x`; for (var k of []) {}')).toEqual([expect.stringMatching(/template literal/), expect.stringMatching(/for\.\.\.of/)]);
  });

  it('the js scripts share one copy of their Live API helpers (require, JS Require Guide): a missing, unlisted or modern module is named', () => {
    for (const script of [SCRIPTS.clipWriter, SCRIPTS.liveReader]) {
      const source = readFileSync(join(import.meta.dirname, '../../max-device/src', script), 'utf8');
      expect(jsRequires(source)).toEqual(['tandem-live-common']);
      // No copy of a helper the module holds.
      for (const helper of ['firstOf', 'lastOf', 'unquote', 'exists', 'findTrack', 'liveVersion'])
        expect(source).not.toMatch(new RegExp(`^function ${helper}\\(`, 'm'));
    }
    const missing = variant(
      () => {},
      (dir) => rmSync(join(dir, SCRIPTS.liveCommon)),
    );
    expect(checkDevice(missing).problems).toEqual([
      expect.stringMatching(/tandem-clip-writer\.js requires tandem-live-common, but tandem-live-common\.js is not next to the device/),
      expect.stringMatching(/tandem-live-reader\.js requires tandem-live-common, but tandem-live-common\.js is not next to the device/),
    ]);
    const unlisted = variant((p) => {
      p.dependency_cache = p.dependency_cache!.filter((d) => d.name !== SCRIPTS.liveCommon);
    });
    expect(checkDevice(unlisted).problems).toContainEqual(
      expect.stringMatching(/tandem-live-common\.js \(required by tandem-clip-writer\.js\) is not listed in the patcher's dependency_cache/),
    );
    const modern = variant(
      () => {},
      (dir) => writeFileSync(join(dir, SCRIPTS.liveCommon), 'exports.x = () => 1;\n'),
    );
    expect(checkDevice(modern).problems).toContainEqual(
      expect.stringMatching(/tandem-live-common\.js \(required by tandem-clip-writer\.js\) is for Max's legacy js engine \(ES5\) but has "=>"/),
    );
  });

  it('a message to node.script that has no handler, or whose name cannot be known', () => {
    const file = variant((p) => {
      const node = boxByText(p, `node.script ${SCRIPTS.client} @autostart 1`);
      p.boxes.push({
        box: { id: 'obj-500', maxclass: 'newobj', text: 'prepend swing', numinlets: 1, numoutlets: 1, outlettype: [''], patching_rect: [0, 0, 80, 22] },
      });
      p.boxes.push({
        box: { id: 'obj-501', maxclass: 'newobj', text: 'pack 0 0', numinlets: 2, numoutlets: 1, outlettype: [''], patching_rect: [0, 40, 80, 22] },
      });
      p.lines.push({ patchline: { source: ['obj-500', 0], destination: [node.id, 0] } });
      p.lines.push({ patchline: { source: ['obj-501', 0], destination: [node.id, 0] } });
    });
    expect(checkDevice(file).problems).toEqual([
      expect.stringMatching(
        /^the patcher sends "swing" to obj-\d+ \(node\.script tandem-client\.js @autostart 1\) but its script has no maxApi\.addHandler\("swing"\) \(handlers: bars, density/,
      ),
      expect.stringMatching(/cannot tell which message obj-501 \(pack 0 0\) sends to node\.script/),
    ]);
  });

  it('a message box sending what the object does not take: flush into makenote (it takes stop)', () => {
    const file = variant((p) => {
      boxByText(p, 'stop').text = 'flush';
    });
    expect(checkDevice(file).problems).toEqual([
      expect.stringMatching(
        /^line obj-\d+:0 -> obj-\d+:0: obj-\d+ \(message\) sends "flush" to obj-\d+ \(makenote 100 100\), which takes int, float, list, clear, clock, stop \(https:\/\/docs\.cycling74\.com\/max8\/refpages\/makenote\)$/,
      ),
    ]);
    expect(messageBoxSelectors('clear, stop')).toEqual(['clear', 'stop']);
    expect(messageBoxSelectors('1')).toEqual(['int']);
    expect(messageBoxSelectors('0.5 2')).toEqual(['list']);
    expect(messageBoxSelectors('$1')).toEqual([undefined]);
    expect(messageBoxSelectors('; max pupdate')).toEqual([';']);
  });

  it('a message box into an object with no message table, a js function the script lacks, a symbol into a number inlet', () => {
    const file = variant((p) => {
      const writer = boxByText(p, `js ${SCRIPTS.clipWriter}`);
      const pipe = boxByText(p, 'pipe 0 0 0 0');
      p.boxes.push({
        box: { id: 'obj-600', maxclass: 'message', text: 'erase', numinlets: 2, numoutlets: 1, outlettype: [''], patching_rect: [0, 0, 50, 22] },
      });
      p.boxes.push({
        box: { id: 'obj-601', maxclass: 'newobj', text: 'zl.reg', numinlets: 2, numoutlets: 2, outlettype: ['', ''], patching_rect: [0, 40, 50, 22] },
      });
      p.lines.push({ patchline: { source: ['obj-600', 0], destination: [writer.id, 0] } });
      p.lines.push({ patchline: { source: ['obj-600', 0], destination: [pipe.id, 3] } });
    });
    const problems = checkDevice(file).problems.filter((x) => !x.includes('zl.reg'));
    expect(problems.sort()).toEqual([
      expect.stringMatching(/obj-600 \(message\) sends "erase" into inlet 3 of obj-\d+ \(pipe 0 0 0 0\), which takes numbers there$/),
    ]);
    // The writer has anything(), so "erase" is taken (and answered with an error status); the checker knows.
    const noAnything = variant(
      (p) => {
        const writer = boxByText(p, `js ${SCRIPTS.clipWriter}`);
        p.boxes.push({
          box: { id: 'obj-600', maxclass: 'message', text: 'erase', numinlets: 2, numoutlets: 1, outlettype: [''], patching_rect: [0, 0, 50, 22] },
        });
        p.lines.push({ patchline: { source: ['obj-600', 0], destination: [writer.id, 0] } });
      },
      (dir) =>
        writeFileSync(join(dir, SCRIPTS.clipWriter), readFileSync(join(dir, SCRIPTS.clipWriter), 'utf8').replace('function anything(', 'function other(')),
    );
    expect(checkDevice(noAnything).problems).toEqual([
      expect.stringMatching(
        /obj-600 \(message\) sends "erase" to obj-\d+ \(js tandem-clip-writer\.js\) but the script has no function erase \(nor anything\)$/,
      ),
    ]);
  });

  it('a button that is a stored parameter (each click an undo step): Generate and Write clip must be hidden', () => {
    const file = variant((p) => {
      delete boxByName(p, 'Generate').saved_attribute_attributes!.valueof!.parameter_invisible;
    });
    expect(checkDevice(file).problems).toEqual([
      expect.stringMatching(/^parameter "Generate" \(obj-\d+\): a button \(live\.text mode 0\) must be a Hidden parameter \(parameter_invisible 2\), got 0/),
    ]);
  });

  it('a node.script bundle that Node 12 cannot run: newer syntax, node: requires, newer built-ins', () => {
    const file = variant(
      () => {},
      (dir) => writeFileSync(join(dir, SCRIPTS.client), `${readFileSync(join(dir, SCRIPTS.client), 'utf8')}\nconst x = a?.b ?? require("node:fs");\n`),
    );
    expect(checkDevice(file).problems).toEqual([
      expect.stringMatching(/^tandem-client\.js must run on Node 12 .* but does not parse as ES2017 \(Line \d+: Unexpected token/),
      expect.stringMatching(/but requires "node:fs": the node: scheme needs Node 14\.18 or 16$/),
    ]);
    expect(node12Problems('var a = [1].at(-1); structuredClone(a); s.replaceAll("a", "b");')).toEqual([
      'calls Array/String.prototype.at (Node 16.6)',
      'calls String.prototype.replaceAll (Node 15)',
      'calls structuredClone (Node 17)',
    ]);
  });

  it('parameters without a default, with a bad range, or a duplicate long name; a box off the device face', () => {
    const file = variant((p) => {
      const d = boxByName(p, 'Density');
      d.saved_attribute_attributes!.valueof!.parameter_initial_enable = 0;
      const t = boxByName(p, 'Temperature').saved_attribute_attributes!.valueof!;
      t.parameter_mmin = 3;
      t.parameter_mmax = 0.05;
      boxByName(p, 'Bars').saved_attribute_attributes!.valueof!.parameter_longname = 'Genre';
      boxByName(p, 'Write clip').presentation_rect = [300, 150, 132, 22];
    });
    const problems = checkDevice(file).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/parameter "Density" \(obj-\d+\): needs a default/),
        expect.stringMatching(/parameter "Temperature" \(obj-\d+\): range needs parameter_mmin < parameter_mmax, got 3\.\.0\.05/),
        expect.stringMatching(/parameter "Genre" \(obj-\d+\): long name also used by obj-\d+/),
        expect.stringMatching(/\(live\.text\) at \[300, 150, 132, 22\] does not fit the device face \(372 x 169\)/),
      ]),
    );
    expect(problems).toHaveLength(5); // + Bars' entry in the parameters table no longer matches
  });

  it('a truncated file or a wrong device type', () => {
    const bytes = readFileSync(join(built, AMXD_NAME));
    const dir = mkdtempSync(join(tmpdir(), 'tandem-trunc-'));
    writeFileSync(join(dir, 'short.amxd'), bytes.subarray(0, bytes.length - 10));
    expect(checkDevice(join(dir, 'short.amxd')).problems).toEqual([
      expect.stringMatching(/^short\.amxd: chunk ptch at byte 24 says \d+ bytes but only \d+ follow$/),
    ]);
    const audio = Buffer.from(bytes);
    audio.write('aaaa', 8, 'latin1');
    const audioFile = variant(
      () => {},
      (d) => writeFileSync(join(d, AMXD_NAME), audio),
    );
    expect(checkPatcher(decodeAmxd(audio).doc.patcher, built).problems).toEqual([]);
    expect(checkDevice(audioFile).problems).toEqual([
      'Tandem.amxd is a aaaa device (audio effect); it should be mmmm (MIDI effect) or nagg (MIDI Tool generator) or natt (MIDI Tool transformation)',
      'project.amxdtype is 1835887981 but the ampf chunk says aaaa (1633771873)',
    ]);
  });
});

describe('the patch builder', () => {
  it('refuses lines the objects cannot take and objects it has no counts for', () => {
    const b = new PatchBuilder();
    const toggle = b.param('live.toggle', PARAMETERS.follow, [0, 0], [0, 0, 16, 16]);
    const pre = b.obj('prepend follow', [0, 40]);
    expect(() => b.connect(toggle, 1, pre, 0)).toThrow(PatchBuildError);
    expect(() => b.connect(toggle, 1, pre, 0)).toThrow(/live\.toggle\) has outlets 0\.\.0, not 1/);
    expect(() => b.connect(toggle, 0, pre, 1)).toThrow(/\(prepend follow\) has inlets 0\.\.0, not 1/);
    expect(() => b.obj('zl.reg', [0, 80])).toThrow(/no inlet\/outlet counts known for newobj zl\.reg/);
    expect(b.obj('route a b c', [0, 120]).io).toMatchObject({ inlets: 2, outlets: 4 });
    expect(b.obj('pipe 0 0 0 0', [0, 160]).io).toMatchObject({ inlets: 4, outlets: 3 });
  });
});

describe('the README section', () => {
  const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Max for Live device'), readme.indexOf('## The models'));

  it('lists every control with the range and default the device has', () => {
    for (const spec of Object.values(PARAMETERS)) {
      const row = section.split('\n').find((l) => l.startsWith(`| ${spec.longname} |`));
      expect(row, spec.longname).toBeDefined();
      if (spec.type !== 'enum') {
        const shown = spec.type === 'float' && spec.longname === 'Temperature' ? spec.initial.toFixed(2) : String(spec.initial);
        expect(row, spec.longname).toContain(`${spec.min}-${spec.max}${spec.unitstyle === 5 ? ' %' : ''}, ${shown}`);
      }
    }
    expect(section).toContain('![The Tandem device');
    expect(section).toContain('(max-device/dist/device.svg)');
  });

  it('shows what npm run check:device prints for the committed devices', () => {
    const shown = DEVICES.flatMap((d) => {
      const r = checkDevice(join(DIST, d.file), d.type);
      return [...r.facts.map((f) => `ok    ${f}`), `${d.file}: device ok`];
    }).join('\n');
    expect(section).toContain(`$ npm run check:device\n${shown}\n`);
  });
});
