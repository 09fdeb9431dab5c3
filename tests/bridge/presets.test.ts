import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listPresets, loadPreset, parsePreset, PRESETS_DIR } from '../../bridge/presets';

describe('presets', () => {
  it('ships valid presets, each named after its file', () => {
    const names = listPresets();
    expect(names).toEqual(expect.arrayContaining(['boom-bap', 'four-on-the-floor', 'sparse-jazz-brushes', 'busy-funk']));
    for (const n of names) expect(loadPreset(n).name).toBe(n);
  });

  it('names the bad field of a broken preset', () => {
    const good = JSON.parse(readFileSync(join(PRESETS_DIR, 'busy-funk.json'), 'utf8'));
    const bad = (patch: object) => () => parsePreset(JSON.stringify({ ...good, ...patch }), 'x.json');
    expect(bad({ density: 2 })).toThrow(/field "density" must be between 0 and 1, got 2/);
    expect(bad({ genre: 'metal' })).toThrow(/field "genre" must be one of/);
    expect(bad({ bars: '8' })).toThrow(/field "bars" must be a whole number/);
    expect(bad({ swing: 0.5 })).toThrow(/field "swing" is not a preset field/);
    expect(() => parsePreset('{"name": "x"', 'y.json')).toThrow(/y.json.*not valid JSON/);
    // a broken key: V8 quotes the text over several lines; the error stays one line (found by npm run fuzz)
    const broken = JSON.stringify(good, null, 2).replace('"description"', '"descr"ption"');
    expect(() => parsePreset(broken, 'b.json')).toThrow(/^preset b.json: is not valid JSON \(Unexpected token/);
    expect(() => parsePreset(broken, 'b.json')).not.toThrow(/\n/);
    const { temperature, ...missing } = good;
    void temperature;
    expect(() => parsePreset(JSON.stringify(missing), 'z.json')).toThrow(/field "temperature" is missing/);
  });

  it('checks own properties only: constructor, __proto__ and toString are not fields', () => {
    const good = readFileSync(join(PRESETS_DIR, 'busy-funk.json'), 'utf8').trim();
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const text = `${good.slice(0, -1)}, ${JSON.stringify(key)}: {"polluted": true}}`;
      expect(() => parsePreset(text, 'p.json'), key).toThrow(new RegExp(`field "${key}" is not a preset field`));
    }
    // a preset's own fields are what it returns: nothing else rides along
    expect(Object.keys(parsePreset(good, 'p.json')).sort()).toEqual(['bars', 'density', 'description', 'fillEvery', 'genre', 'model', 'name', 'temperature']);
  });
});
