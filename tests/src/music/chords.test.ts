import { describe, expect, it } from 'vitest';
import {
  chordsOfBar,
  chordAtStepOfBar,
  checkProgressionMeter,
  progressionText,
  inKey,
  keyName,
  parseChordProgression,
  parseChordSymbol,
  parseKey,
} from '../../../src/music/chords';
import { InvalidValueError } from '../../../src/errors';

describe('chord symbols', () => {
  it('parses what musicians write into pitch classes', () => {
    expect(parseChordSymbol('C')).toMatchObject({ root: 0, bass: 0, pitchClasses: [0, 4, 7] });
    expect(parseChordSymbol('Am')).toMatchObject({ root: 9, pitchClasses: [0, 4, 9] });
    expect(parseChordSymbol('F#m7')).toMatchObject({ root: 6, pitchClasses: [1, 4, 6, 9] });
    expect(parseChordSymbol('Bb/D')).toMatchObject({ root: 10, bass: 2, pitchClasses: [2, 5, 10] });
    expect(parseChordSymbol('G7')).toMatchObject({ root: 7, pitchClasses: [2, 5, 7, 11] });
    expect(parseChordSymbol('Bdim')).toMatchObject({ root: 11, pitchClasses: [2, 5, 11] });
    expect(parseChordSymbol('N.C.')).toMatchObject({ root: -1, pitchClasses: [] });
  });

  it('parses the POP909 corpus forms to the same chords', () => {
    expect(parseChordSymbol('B:maj7').pitchClasses).toEqual(parseChordSymbol('Bmaj7').pitchClasses);
    expect(parseChordSymbol('A:min7/b7')).toMatchObject({ root: 9, bass: 7 });
    expect(parseChordSymbol('C:maj/3')).toMatchObject({ root: 0, bass: 4 });
    expect(parseChordSymbol('G:sus4(b7)').pitchClasses).toEqual([0, 2, 5, 7]);
    expect(parseChordSymbol('N').root).toBe(-1);
  });

  it('refuses a bad symbol naming it and the syntax', () => {
    expect(() => parseChordSymbol('H7')).toThrow(InvalidValueError);
    expect(() => parseChordSymbol('Cxyz')).toThrow(/chord must be a chord symbol such as C, Am/);
    expect(() => parseChordProgression('C G Q F')).toThrow(/"Q"/);
    expect(() => parseChordProgression('  ')).toThrow(/one chord symbol per bar/);
  });

  it('repeats a progression to the length, one chord per bar without |', () => {
    const p = parseChordProgression('C G, Am F');
    expect(p.map((bar) => bar.map((c) => c.symbol))).toEqual([['C'], ['G'], ['Am'], ['F']]);
    expect(chordsOfBar(p, 5)[0].symbol).toBe('G');
    expect(progressionText(p.map((bar) => bar.map((c) => c.symbol)))).toBe('C G Am F');
  });

  it('splits bars at | into 1, 2 or 4 chords, as lead sheets write them', () => {
    const p = parseChordProgression('| C G/B | Am F |');
    expect(p.map((bar) => bar.map((c) => c.symbol))).toEqual([
      ['C', 'G/B'],
      ['Am', 'F'],
    ]);
    expect(parseChordProgression('C | G').map((bar) => bar.length)).toEqual([1, 1]);
    expect(parseChordProgression('C F G C | Am').map((bar) => bar.length)).toEqual([4, 1]);
    // The chord sounding at a step: two chords in a 16-step bar change on step 8 (beat 3).
    expect([0, 7, 8, 15].map((s) => chordAtStepOfBar(p[0], s, 16).symbol)).toEqual(['C', 'C', 'G/B', 'G/B']);
    expect([0, 3, 4, 11].map((s) => chordAtStepOfBar(parseChordProgression('C F G | C')[0], s, 12).symbol)).toEqual(['C', 'C', 'F', 'G']);
    expect(progressionText(p.map((bar) => bar.map((c) => c.symbol)))).toBe('C G/B | Am F');
  });

  it('refuses an empty bar, a crowded bar, a count the meter cannot split and a bad symbol, naming the value', () => {
    expect(() => parseChordProgression('C G || Am')).toThrow(/chords must be bars of 1 to 4 chords \(bar 2 is empty\).*got "C G \|\| Am"/);
    expect(() => parseChordProgression('C G | Am F C G Dm')).toThrow(/chords must be at most 4 chords in a bar.*got "bar 2: Am F C G Dm"/);
    expect(() => parseChordProgression('C G | Am Q')).toThrow(/"Q"/);
    expect(() => parseChordProgression('|')).toThrow(InvalidValueError);
    const three = parseChordProgression('C G Am | F');
    expect(() => checkProgressionMeter(three, 4, '4/4')).toThrow(/chords must be 1, 2 or 4 chords splitting a 4\/4 bar evenly.*got "bar 1: C G Am"/);
    expect(() => checkProgressionMeter(three, 3, '3/4')).not.toThrow();
    expect(() => checkProgressionMeter(parseChordProgression('C G | F'), 3, '3/4')).toThrow(/1 or 3 chords splitting a 3\/4 bar/);
    expect(() => checkProgressionMeter(parseChordProgression('C G | F'), 2, '6/8')).not.toThrow();
    expect(() => parseChordProgression(Array(65).fill('C').join(' '))).toThrow(/at most 64 bars/);
  });
});

describe('keys', () => {
  it('parses keys in the usual spellings and writes them back', () => {
    expect(parseKey('D major')).toEqual({ tonic: 2, mode: 'major' });
    expect(parseKey('Am')).toEqual({ tonic: 9, mode: 'minor' });
    expect(parseKey('F# dorian')).toEqual({ tonic: 6, mode: 'dorian' });
    expect(parseKey('Gb:maj')).toEqual({ tonic: 6, mode: 'major' });
    expect(parseKey('E:min')).toEqual({ tonic: 4, mode: 'minor' });
    expect(keyName(parseKey('Bb'))).toBe('Bb major');
    expect(() => parseKey('H major')).toThrow(/key must be a key such as/);
    expect(() => parseKey('C lydianish')).toThrow(InvalidValueError);
  });

  it('knows which pitch classes are in a key', () => {
    const d = parseKey('D major');
    expect([2, 4, 6, 7, 9, 11, 1].every((pc) => inKey(pc, d))).toBe(true);
    expect(inKey(0, d)).toBe(false);
    expect(inKey(5, d)).toBe(false);
  });
});
