/**
 * The melody/bass network's sampling rules that come from the data (sessions 7 and 8): the bass rests on N.C., an
 * opening N.C. bar is a melody's pickup, the interval prior, the onset calibration, the density gains (per voice, and
 * the jig melody's own), the melody's chord-tone bonuses (chords given per half bar, and one chord a bar) and the
 * register calibration. Each test fails with its rule off.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeTf } from '../../../bridge/engine/node-tf';
import { readMelodyNetArtifacts } from '../../../bridge/models/load-melody';
import { parseChordProgression } from '../../../src/music/chords';
import { DENSITY_GAIN, MelodyRnn, DENSITY_STRETCH, type MelodyLine } from '../../../src/models/melody/melody-rnn';
import { parseMelodyRequest } from '../../../src/models/melody/request';
import { chordToneSplit, toneBonus } from '../../../src/models/melody/sampling-rules';

const art = readMelodyNetArtifacts();
if (!art) throw new Error('models/melody/model.json is missing: the trained melody/bass network must be committed');

describe('melody network sampling rules from the data', () => {
  let model: MelodyRnn;
  beforeAll(async () => {
    await initNodeTf('wasm');
    model = MelodyRnn.load(art);
  });

  it("a bass rests where the chords say N.C. (the data's basses do), a melody plays on, an opening N.C. bar as a pickup", () => {
    const ask = (voice: 'bass' | 'melody', style: 'reel' | 'pop') =>
      parseMelodyRequest({ voice, style, key: 'D major', chords: 'N.C. D G N.C. A D N.C. D', bars: 8, seed: 9, count: 16 });
    const silent = new Set([0, 3, 6]);
    // Steps of the N.C. bars where a note begins or still sounds.
    const soundingInSilentBars = (lines: MelodyLine[]) =>
      lines.flatMap((l) => l.notes.flatMap(([, s, d]) => Array.from({ length: d }, (_, k) => s + k).filter((k) => silent.has(Math.floor(k / l.stepsPerBar)))))
        .length;
    for (const style of ['reel', 'pop'] as const) {
      const bass = model.generateSync(ask('bass', style));
      expect(soundingInSilentBars(bass)).toBe(0);
      // ... and plays the other bars.
      expect(bass.every((l) => l.notes.length >= 5)).toBe(true);
    }
    const melody = model.generateSync(ask('melody', 'reel'));
    expect(soundingInSilentBars(melody)).toBeGreaterThan(0);
    // An opening N.C. bar is a pickup: nothing begins before its last beat (step 12), notes begin after the first one.
    expect(melody.flatMap((l) => l.notes.filter(([, s]) => s < 12))).toEqual([]);
    expect(melody.every((l) => l.notes.some(([, s]) => s >= 16 * 3 && s < 16 * 4))).toBe(true);
    const pickup = model.pickupOnNoChord;
    try {
      model.pickupOnNoChord = false;
      expect(model.generateSync(ask('melody', 'reel')).flatMap((l) => l.notes.filter(([, s]) => s < 12)).length).toBeGreaterThan(16);
    } finally {
      model.pickupOnNoChord = pickup;
    }
    const saved = model.bassRestsOnNoChord;
    try {
      model.bassRestsOnNoChord = false;
      // The network alone plays on there: N.C. is also what it saw where training dropped the chords.
      expect(soundingInSilentBars(model.generateSync(ask('bass', 'reel')))).toBeGreaterThan(100);
    } finally {
      model.bassRestsOnNoChord = saved;
    }
  });

  it("keeps to the intervals the voice's training lines play in the style (model.json's intervals)", async () => {
    await initNodeTf('wasm');
    // A bass that may only move by fourths and fifths (or repeat), against the same network without the prior.
    const steps = [-7, -5, 0, 5, 7];
    const spec = { ...art.modelJson.spec, intervals: { ...art.modelJson.spec.intervals, 'bass/reel': steps } };
    const model = MelodyRnn.load({ ...art, modelJson: { ...art.modelJson, spec } });
    try {
      const req = parseMelodyRequest({ voice: 'bass', style: 'reel', key: 'D major', chords: 'D G Em A', bars: 8, seed: 3, count: 8, density: 1 });
      const intervals = (lines: MelodyLine[]) => lines.flatMap((l) => l.notes.slice(1).map(([p], i) => p - l.notes[i][0]));
      const kept = intervals(model.generateSync(req));
      expect(kept.length).toBeGreaterThan(50);
      expect(kept.filter((iv) => !steps.includes(iv))).toEqual([]);
      model.intervalPrior = false;
      expect(intervals(model.generateSync(req)).filter((iv) => !steps.includes(iv)).length).toBeGreaterThan(10);
    } finally {
      model.dispose();
    }
  });

  it("begins notes where model.json's onsetBias says (fitted on the training split), and stretches the bass's density with DENSITY_GAIN", async () => {
    await initNodeTf('wasm');
    const onsetBias = { ...art.modelJson.spec.onsetBias, 'bass/reel': Array.from({ length: 16 }, (_, k) => (k === 8 ? 6 : 0)) };
    const model = MelodyRnn.load({ ...art, modelJson: { ...art.modelJson, spec: { ...art.modelJson.spec, onsetBias } } });
    try {
      const req = (density: number) =>
        parseMelodyRequest({ voice: 'bass', style: 'reel', key: 'G major', chords: 'G C D G', bars: 8, seed: 2, count: 12, density });
      const onBeat3 = (lines: MelodyLine[]) => lines.flatMap((l) => l.notes.filter(([, s]) => s % 16 === 8)).length;
      const biased = onBeat3(model.generateSync(req(0.5)));
      model.onsetCalibration = false;
      expect(biased).toBeGreaterThan(onBeat3(model.generateSync(req(0.5))) + 20);
      // Density 0 against 1: the gain makes the busiest at least 3 times the sparsest, the network alone less.
      const perBar = (d: number) => model.generateSync(req(d)).reduce((a, l) => a + l.notes.length, 0) / (12 * 8);
      expect(DENSITY_GAIN.bass).toBeGreaterThan(0);
      expect(perBar(1) / perBar(0)).toBeGreaterThanOrEqual(3);
      model.densityGain = { melody: 0, bass: 0 };
      expect(perBar(1) / perBar(0)).toBeLessThan(3);
    } finally {
      model.dispose();
    }
  });

  it("plays chord tones on a melody's strong beats where the chords are given per half bar, with the style's bonus from model.json", async () => {
    await initNodeTf('wasm');
    const model = MelodyRnn.load(art);
    try {
      expect(toneBonus(model.spec.chordToneBias?.['melody/reel'])[0]).toBeGreaterThan(0);
      const chords = parseChordProgression('| G C | D G | Em C | D G |');
      const req = parseMelodyRequest({ voice: 'melody', style: 'reel', key: 'G major', chords: '| G C | D G | Em C | D G |', bars: 8, seed: 8, count: 16 });
      const toneShare = (lines: MelodyLine[]) => {
        let hits = 0;
        let total = 0;
        for (const l of lines)
          for (const [p, s] of l.notes) {
            if (s % 8 !== 0) continue;
            const c = chords[Math.floor(s / 16) % 4][(s % 16) / 8];
            total++;
            if ((c.pitchClasses as readonly number[]).includes(p % 12)) hits++;
          }
        return hits / Math.max(1, total);
      };
      const withBonus = toneShare(model.generateSync(req));
      model.chordToneBias = 0;
      expect(withBonus).toBeGreaterThan(toneShare(model.generateSync(req)) + 0.03);
    } finally {
      model.dispose();
    }
  });

  it('splits a chord-tone shift into a bonus and a penalty that keep the chance of a note beginning on the beat', () => {
    for (const [shift, share] of [
      [0.5, 0.8],
      [2.6, 0.73],
      [1, 0.3],
    ]) {
      const [bonus, penalty] = chordToneSplit(shift, share);
      expect(bonus + penalty).toBeCloseTo(shift, 9);
      expect(bonus).toBeGreaterThan(0);
      expect(penalty).toBeGreaterThan(0);
      // The pitches' total weight is unchanged: share x e^bonus + (1 - share) x e^-penalty = 1.
      expect(share * Math.exp(bonus) + (1 - share) * Math.exp(-penalty)).toBeCloseTo(1, 9);
    }
    expect(chordToneSplit(0, 0.7)).toEqual([0, 0]);
    expect(toneBonus(0.7)).toEqual([0.7, 0]);
    expect(toneBonus(undefined)).toEqual([0, 0]);
  });

  it("a chord-tone shift split into bonus and penalty keeps a chorale's strong-beat onsets, a bonus alone adds some", async () => {
    await initNodeTf('wasm');
    const split = chordToneSplit(2.8, 0.73);
    const spec = { ...art.modelJson.spec, chordToneBias: { ...art.modelJson.spec.chordToneBias, 'melody/chorale': split } };
    const model = MelodyRnn.load({ ...art, modelJson: { ...art.modelJson, spec } });
    try {
      const req = parseMelodyRequest({
        voice: 'melody',
        style: 'chorale',
        key: 'C major',
        chords: '| C G | Am F | Dm G | C C |',
        bars: 8,
        seed: 11,
        count: 24,
      });
      const strongOnsets = () => model.generateSync(req).reduce((a, l) => a + l.notes.filter(([, s]) => s % 8 === 0).length, 0);
      const withSplit = strongOnsets();
      model.chordToneBias = 0;
      const alone = strongOnsets();
      model.chordToneBias = 2.8;
      const bonusOnly = strongOnsets();
      expect(bonusOnly - alone).toBeGreaterThan(Math.max(10, 2 * Math.abs(withSplit - alone)));
    } finally {
      model.dispose();
    }
  });

  it("stretches a jig melody's density beyond the data's (DENSITY_STRETCH): busiest at least 3 times the sparsest", async () => {
    await initNodeTf('wasm');
    const model = MelodyRnn.load(art);
    try {
      const perBar = (density: number) =>
        model
          .generateSync(parseMelodyRequest({ voice: 'melody', style: 'jig', key: 'D major', chords: 'D G A D', bars: 8, seed: 5, count: 12, density }))
          .reduce((a, l) => a + l.notes.length, 0) /
        (12 * 8);
      expect(DENSITY_STRETCH['melody/jig'].gain).toBeGreaterThan(0);
      expect(perBar(1) / perBar(0)).toBeGreaterThanOrEqual(3);
      model.densityStretch = {};
      expect(perBar(1) / perBar(0)).toBeLessThan(3);
    } finally {
      model.dispose();
    }
  });

  it("plays chord tones on a waltz melody's downbeats over one chord a bar, with the style's bonus from model.json", async () => {
    await initNodeTf('wasm');
    const model = MelodyRnn.load(art);
    try {
      expect(toneBonus(model.spec.chordToneBarBias?.['melody/waltz'])[0]).toBeGreaterThan(0);
      const chords = parseChordProgression('G C D G Em C D G');
      const req = parseMelodyRequest({ voice: 'melody', style: 'waltz', key: 'G major', chords: 'G C D G Em C D G', bars: 8, seed: 4, count: 16 });
      const toneShare = (lines: MelodyLine[]) => {
        const down = lines.flatMap((l) => l.notes.filter(([, s]) => s % 12 === 0));
        const hits = down.filter(([p, s]) => (chords[Math.floor(s / 12)][0].pitchClasses as readonly number[]).includes(p % 12));
        return hits.length / Math.max(1, down.length);
      };
      const withBonus = toneShare(model.generateSync(req));
      model.chordToneBarBias = 0;
      expect(withBonus).toBeGreaterThan(toneShare(model.generateSync(req)) + 0.03);
    } finally {
      model.dispose();
    }
  });

  it('moves a pop bass line up its register with a registerTilt, keeping it in the register', async () => {
    await initNodeTf('wasm');
    // Off in the shipped model.json (see the model card); the mechanism, with a tilt of 1.5 log-odds per octave.
    const spec = { ...art.modelJson.spec, registerTilt: { 'bass/pop': 1.5 } };
    const model = MelodyRnn.load({ ...art, modelJson: { ...art.modelJson, spec } });
    try {
      const [lo, hi] = model.register('bass', 'pop')!;
      const req = parseMelodyRequest({ voice: 'bass', style: 'pop', key: 'A minor', chords: 'Am F C G', bars: 8, seed: 6, count: 16 });
      const pitches = (lines: MelodyLine[]) => lines.flatMap((l) => l.notes.map(([p]) => p));
      const mean = (ps: number[]) => ps.reduce((a, p) => a + p, 0) / ps.length;
      const tilted = pitches(model.generateSync(req));
      expect(tilted.filter((p) => p < lo || p > hi)).toEqual([]);
      model.registerCalibration = false;
      expect(mean(tilted)).toBeGreaterThan(mean(pitches(model.generateSync(req))) + 1);
    } finally {
      model.dispose();
    }
  });
});
