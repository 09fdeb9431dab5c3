import { describe, expect, it } from 'vitest';
import { CONTROLS, checkNumber, seedFromInt32, seedToInt32, SEED_MAX } from '../../../src/models/controls';
import { MODEL_FACTORIES } from '../../../src/models/factories';
import { MODEL_NAMES, MODEL_SPECS, modelSpec, parseRequest } from '../../../src/models/registry';
import { loadPart } from '../../../bridge/models/load';

describe('model registry', () => {
  it('lists drums, melody and bass, each with a factory for every implementation it names', () => {
    expect(MODEL_NAMES).toEqual(['drums', 'melody', 'bass']);
    for (const spec of MODEL_SPECS) {
      expect(spec.styles).toContain(spec.defaultStyle);
      expect(spec.voiceRange.low).toBeLessThan(spec.voiceRange.high);
      expect(spec.channel).toBeGreaterThanOrEqual(0);
      expect(spec.channel).toBeLessThan(16);
      for (const impl of spec.implementations) expect(MODEL_FACTORIES[impl.id], impl.id).toBeTypeOf('function');
    }
    // Parts sound on channels of their own, so they can play together.
    expect(new Set(MODEL_SPECS.map((s) => s.channel)).size).toBe(MODEL_SPECS.length);
  });

  it('checks requests against the model: its styles, its controls, the table ranges', () => {
    expect(parseRequest('drums', {})).toMatchObject({ style: 'rock', density: CONTROLS.density.default, bars: CONTROLS.bars.default, seed: 0, fillEvery: 0 });
    expect(parseRequest('drums', { style: 'any' }).style).toBeUndefined();
    expect(parseRequest('melody', { style: 'Jig', key: 'D major', chords: 'D G A D' })).toMatchObject({ style: 'jig', key: 'D major', chords: 'D G A D' });
    expect(() => parseRequest('melody', { style: 'funk' })).toThrow(
      /genre must be one of reel, jig, hornpipe, waltz, pop, chorale \(or any\) for the melody model, got "funk"/,
    );
    // The melody/bass network has an "any style" input (trained with style dropout).
    expect(parseRequest('melody', { style: 'any' }).style).toBeUndefined();
    expect(() => parseRequest('bass', { fillEvery: 4 })).toThrow(/fill-every .*bass has no fill-every control/);
    expect(() => parseRequest('drums', { key: 'C major' })).toThrow(/key .*drums has no key control/);
    expect(() => parseRequest('drums', { density: '1.5' })).toThrow('density must be between 0 and 1, got 1.5');
    expect(() => parseRequest('drums', { seed: 2 ** 32 })).toThrow(/seed must be a whole number from 0 to 2\^32-1/);
    expect(parseRequest('drums', { seed: String(SEED_MAX) }).seed).toBe(SEED_MAX);
    expect(() => parseRequest('melody', { key: 'H major' })).toThrow(/key must be a key such as "D major".*got "H major"/);
    expect(() => parseRequest('bass', { chords: 'C G Xm F' })).toThrow(/chords must be a chord symbol such as .*got "Xm"/);
    expect(() => modelSpec('piano')).toThrow('model must be one of drums, melody, bass, got "piano"');
    expect(() => checkNumber('bars', 2.5)).toThrow(/bars must be a whole number from 1 to 64/);
  });

  it('carries every seed through a signed 32-bit int and back', () => {
    for (const s of [0, 1, 2 ** 31 - 1, 2 ** 31, 3_000_000_000, SEED_MAX]) {
      const i = seedToInt32(s);
      expect(i).toBeGreaterThanOrEqual(-(2 ** 31));
      expect(i).toBeLessThan(2 ** 31);
      expect(seedFromInt32(i)).toBe(s);
    }
  });

  it('generates every model through the same entry: bars long, on its channel, in its voice range, seeded', async () => {
    for (const spec of MODEL_SPECS) {
      const { model } = await loadPart(spec, 'baseline');
      const req = parseRequest(spec.name, { bars: 4, seed: 11, count: 2 });
      const [a, b] = await model.generate(req);
      const [again] = await model.generate(req);
      expect(again.notes, spec.name).toEqual(a.notes);
      expect(b.notes, spec.name).not.toEqual(a.notes);
      expect(a.notes.length, spec.name).toBeGreaterThan(0);
      for (const n of a.notes) {
        expect(n.channel, spec.name).toBe(spec.channel);
        expect(n.pitch, spec.name).toBeGreaterThanOrEqual(spec.voiceRange.low);
        expect(n.pitch, spec.name).toBeLessThanOrEqual(spec.voiceRange.high);
      }
      model.dispose();
    }
  });

  it('keeps a primer at the start of each result, for every model', async () => {
    for (const spec of MODEL_SPECS) {
      const { model } = await loadPart(spec, 'baseline');
      const [first] = await model.generate(parseRequest(spec.name, { bars: 2, seed: 1 }));
      const primer = { ...first, totalTicks: 2 * 4 * 960 };
      const [cont] = await model.generate({ ...parseRequest(spec.name, { bars: 4, seed: 2 }), primer });
      const head = cont.notes.filter((n) => n.startTicks < primer.totalTicks - 120).map((n) => [n.pitch, n.startTicks]);
      expect(head, spec.name).toEqual(first.notes.filter((n) => n.startTicks < primer.totalTicks - 120).map((n) => [n.pitch, n.startTicks]));
      model.dispose();
    }
  });
});
