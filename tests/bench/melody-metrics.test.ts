import { describe, expect, it } from 'vitest';
import { parseChordSymbol, parseKey, type ChordOrNone } from '../../src/music/chords';
import type { MelodyMeter } from '../../src/models/melody/spec';
import {
  addHistograms,
  emptyHistograms,
  endsOnBarLine,
  inKeyShare,
  jsDivergence,
  notesPerBar,
  share,
  spearman,
  strongBeatChordTones,
  strongBeatOnRoot,
  totalVariation,
  twoBarKeys,
  type EvalLine,
  type NoteTriple,
} from '../../bench/melody-metrics';
import { densityFigures, halves } from '../../bench/melody-report';
import { chordAt, generateTwin, pieceOf, segmentsOf } from '../../bench/melody-eval-data';
import { groupedAccuracy, RandomForest } from '../../bench/forest';
import { makeRng } from '../../src/random';

const C_MAJOR_SCALE: NoteTriple[] = [60, 62, 64, 65, 67, 69, 71].map((p, i) => [p, i * 2, 2] as const);

function line(notes: NoteTriple[], opts: { key?: string; meter?: MelodyMeter; chords?: Array<string | undefined>; bars?: number } = {}): EvalLine {
  const meter = opts.meter ?? '4/4';
  const spb = meter === '4/4' ? 16 : 12;
  const bars = opts.bars ?? Math.max(1, Math.ceil(Math.max(...notes.map(([, s, d]) => s + d)) / spb));
  const barChords: Array<ChordOrNone | undefined> = (opts.chords ?? []).map((c) => (c ? parseChordSymbol(c) : undefined));
  return { notes, key: parseKey(opts.key ?? 'C major'), meter, stepsPerBar: spb, steps: bars * spb, barChords };
}

describe('in-key share', () => {
  it('is 1 for a C major scale in C major and 2/7 in F# major (only F and B are in F# major)', () => {
    expect(share(inKeyShare(C_MAJOR_SCALE, parseKey('C major')))).toBe(1);
    expect(share(inKeyShare(C_MAJOR_SCALE, parseKey('F# major')))).toBeCloseTo(2 / 7, 12);
  });

  it('counts a C major scale in A minor fully and in C minor 4 of 7 (E, A, B are not in C minor)', () => {
    expect(share(inKeyShare(C_MAJOR_SCALE, parseKey('A minor')))).toBe(1);
    expect(share(inKeyShare(C_MAJOR_SCALE, parseKey('C minor')))).toBeCloseTo(4 / 7, 12);
  });
});

describe('histograms and distances', () => {
  it('counts pitch class from the tonic, intervals, inter-onsets and positions in the bar', () => {
    // D E F# A in D major at steps 0 4 8 12, then D an octave and a half up (+17) at 16
    const h = addHistograms(
      emptyHistograms(),
      line(
        [
          [62, 0, 4],
          [64, 4, 4],
          [66, 8, 4],
          [69, 12, 4],
          [86, 16, 4],
        ],
        { key: 'D major', bars: 2 },
      ),
    );
    expect(h.pitchClass.slice(0, 8)).toEqual([2, 0, 1, 0, 1, 0, 0, 1]);
    expect(h.interval[13 + 2]).toBe(2); // +2 twice
    expect(h.interval[13 + 3]).toBe(1); // +3
    expect(h.interval[26]).toBe(1); // +17: beyond an octave up
    expect(h.interOnset[3]).toBe(4); // four gaps of 4 steps
    expect(h.beatPosition[0]).toBe(2);
    expect(h.beatPosition[4] + h.beatPosition[8] + h.beatPosition[12]).toBe(3);
  });

  it('total variation and JS divergence: 0 for the same shape, 1 for disjoint, known values between', () => {
    expect(totalVariation([1, 2, 3], [2, 4, 6])).toBe(0);
    expect(totalVariation([1, 0], [0, 5])).toBe(1);
    expect(totalVariation([1, 0], [1, 1])).toBeCloseTo(0.5, 12);
    expect(jsDivergence([3, 1], [6, 2])).toBeCloseTo(0, 12);
    expect(jsDivergence([1, 0], [0, 1])).toBeCloseTo(1, 12);
    // p = (1, 0), q = (1/2, 1/2): m = (3/4, 1/4); JS = 1/2 log2(4/3) + 1/2 (1/2 log2(2/3) + 1/2 log2 2)
    expect(jsDivergence([1, 0], [1, 1])).toBeCloseTo(0.5 * Math.log2(4 / 3) + 0.25 * Math.log2(2 / 3) + 0.25, 12);
  });
});

describe('chord figures on strong beats', () => {
  it('counts notes on the downbeat and the middle of a 4/4 bar against the bar chord, leaving out bars without one', () => {
    // bar 1 over C: C at 0 (tone), D at 4 (weak), F at 8 (not a tone); bar 2 has no chord
    const l = line(
      [
        [60, 0, 4],
        [62, 4, 4],
        [65, 8, 8],
        [67, 16, 16],
      ],
      { chords: ['C', undefined] },
    );
    expect(strongBeatChordTones(l)).toEqual({ hits: 1, total: 2 });
    expect(strongBeatOnRoot(l)).toEqual({ hits: 1, total: 2 });
  });

  it('uses the downbeat only in 3/4, the dotted beats in 6/8', () => {
    const waltz = line(
      [
        [55, 0, 4],
        [64, 4, 2],
        [65, 6, 2],
        [67, 8, 4],
      ],
      { meter: '3/4', chords: ['C'] },
    ); // F at the half bar is no strong beat in 3/4
    expect(strongBeatChordTones(waltz)).toEqual({ hits: 1, total: 1 });
    const jig = line(
      [
        [60, 0, 6],
        [65, 6, 6],
      ],
      { meter: '6/8', chords: ['G'] },
    );
    expect(strongBeatChordTones(jig)).toEqual({ hits: 0, total: 2 });
    expect(
      strongBeatOnRoot(
        line(
          [
            [43, 0, 6],
            [50, 6, 6],
          ],
          { meter: '6/8', chords: ['G'] },
        ),
      ),
    ).toEqual({ hits: 1, total: 2 });
  });

  it('with half-bar chords (eval --half-bar-chords), measures beat 3 against the chord of the second half', () => {
    // C on the downbeat, G on beat 3: over the bar chord C the G is a tone but no root; over C | G it is the root.
    const l = line(
      [
        [48, 0, 8],
        [43, 8, 8],
      ],
      { chords: ['C'] },
    );
    expect(strongBeatOnRoot(l)).toEqual({ hits: 1, total: 2 });
    const half = { ...l, halfBarChords: [parseChordSymbol('C'), parseChordSymbol('G')] };
    expect(strongBeatOnRoot(half)).toEqual({ hits: 2, total: 2 });
    expect(strongBeatChordTones({ ...half, notes: [[48, 0, 8] as const, [48, 8, 8] as const] })).toEqual({ hits: 1, total: 2 });
  });

  it('cuts real segments with the chord of each half bar when asked, in 4/4 and 6/8 but not 3/4, and twins are asked for them', () => {
    const notes: Array<[number, number, number]> = Array.from({ length: 32 }, (_, i) => [48 + (i % 5), i * 4, 4]);
    const chords: Array<[number, number, string]> = Array.from({ length: 16 }, (_, i) => [i * 8, 8, i % 2 ? 'G' : 'C']);
    const track = (meter: { numerator: number; denominator: number }, style: string) => ({
      id: `t/${style}/bass`,
      corpus: 'nottingham' as const,
      role: 'bass' as const,
      style,
      split: 'validation' as const,
      key: 'C major',
      meter,
      bpm: 120,
      notes,
      chords,
      steps: 128,
    });
    const [pop] = segmentsOf(track({ numerator: 4, denominator: 4 }, 'pop'), undefined, true);
    expect(pop.barChords.map((c) => c?.symbol)).toEqual(Array(8).fill('C'));
    expect(pop.halfBarChords!.map((c) => c?.symbol)).toEqual(Array(8).fill(['C', 'G']).flat());
    expect(segmentsOf(track({ numerator: 4, denominator: 4 }, 'pop'), undefined)[0].halfBarChords).toBeUndefined();
    expect(segmentsOf(track({ numerator: 3, denominator: 4 }, 'waltz'), undefined, true)[0].halfBarChords).toBeUndefined();
    // the twin's request: two chords a bar (a fake network records what it is asked)
    let asked: unknown;
    const net = {
      generateSync: (req: { chords: unknown }) => {
        asked = req.chords;
        return [{ notes: [], key: pop.key, meter: pop.meter, stepsPerBar: 16, steps: 128 }];
      },
    };
    const twin = generateTwin(net as unknown as Parameters<typeof generateTwin>[0], pop, 1);
    expect((asked as Array<Array<{ symbol: string }>>).map((bar) => bar.map((c) => c.symbol))[0]).toEqual(['C', 'G']);
    expect(twin.halfBarChords).toBe(pop.halfBarChords);
  });

  it('reads the chord sounding at a step from corpus chords, none where a label does not parse', () => {
    const chords: Array<[number, number, string]> = [
      [0, 8, 'C:maj'],
      [8, 8, 'G:7'],
      [16, 16, 'Q:weird'],
    ];
    expect(chordAt(chords, 7)?.root).toBe(0);
    expect(chordAt(chords, 8)?.root).toBe(7);
    expect(chordAt(chords, 20)).toBeUndefined();
    expect(chordAt(chords, 40)).toBeUndefined();
  });
});

describe('copy check keys', () => {
  it('are key-relative: the same tune in D gives the keys it gives in C', () => {
    const inC = line(
      [
        [60, 0, 2],
        [62, 2, 2],
        [64, 4, 2],
        [65, 6, 2],
        [67, 16, 4],
        [65, 20, 4],
      ],
      { bars: 3 },
    );
    const inD = line(
      inC.notes.map(([p, s, d]) => [p + 2, s, d] as const),
      { key: 'D major', bars: 3 },
    );
    expect(twoBarKeys(inC)).toEqual(twoBarKeys(inD));
    expect(twoBarKeys(inC)).toHaveLength(1); // bars 1-2 hold 6 notes; bars 2-3 hold 2, under the 4 needed
    expect(twoBarKeys(inC)).not.toEqual(
      twoBarKeys(
        line(
          inC.notes.map(([p, s, d]) => [p + 1, s, d] as const),
          { bars: 3 },
        ),
      ),
    );
  });
});

describe('line shape', () => {
  it('notes per bar and ending on a bar line', () => {
    expect(notesPerBar(line(C_MAJOR_SCALE, { bars: 2 }))).toBe(3.5);
    expect(endsOnBarLine(line(C_MAJOR_SCALE, { bars: 1 }))).toBe(true);
    expect(endsOnBarLine({ ...line(C_MAJOR_SCALE, { bars: 1 }), notes: [[60, 12, 6]] })).toBe(false);
  });

  it('pieceOf groups the voices and key sections of one song', () => {
    expect(pieceOf('pop909/012/k2/bass')).toBe('pop909/012');
    expect(pieceOf('nottingham/jigs12/bass')).toBe(pieceOf('nottingham/jigs12'));
    expect(pieceOf('jsb/valid/3/soprano')).toBe('jsb/valid/3');
  });
});

describe('density and rank figures', () => {
  it('Spearman is 1 for a monotone relation, -1 reversed, and ties take their mean rank', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 25, 100])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 2, 3], [1, 1, 2])).toBeCloseTo(Math.sqrt(3) / 2, 12);
  });

  it('densityFigures: 1..5 notes per bar at five densities gives ratio 5 and Spearman 1', () => {
    const at = [1, 2, 3, 4, 5].map((n) => [
      line(
        Array.from({ length: n }, (_, i) => [60, i * 3, 1] as const),
        { bars: 1 },
      ),
    ]);
    const d = densityFigures([0, 0.25, 0.5, 0.75, 1], at);
    expect(d.means).toEqual([1, 2, 3, 4, 5]);
    expect(d.ratio).toBe(5);
    expect(d.spearmanMeans).toBeCloseTo(1, 12);
  });

  it('halves deal every piece into one of two halves of equal size, the same way every run', () => {
    const pieces = Array.from({ length: 10 }, (_, i) => `p${i}`);
    const h = halves(pieces);
    expect([...h.values()].filter(Boolean)).toHaveLength(5);
    expect([...halves(pieces)]).toEqual([...h]);
  });
});

describe('random forest', () => {
  const rng = makeRng('forest-test');
  const xs = Array.from({ length: 400 }, () => [rng(), rng(), rng(), rng()]);

  it('learns a separable rule and predicts held-out points', () => {
    const rf = new RandomForest({ trees: 20 }).train(
      xs,
      xs.map((x) => (x[1] > 0.5 ? 1 : 0)),
    );
    const test = Array.from({ length: 200 }, () => [rng(), rng(), rng(), rng()]);
    const ok = test.filter((x) => rf.predict(x) === (x[1] > 0.5 ? 1 : 0)).length;
    expect(ok / test.length).toBeGreaterThan(0.9);
  });

  it('grouped cross-validation: near 50 % on labels that carry no signal, near 100 % on ones that do', () => {
    const noise = groupedAccuracy(
      xs.map((x, i) => ({ features: x, label: (i % 2) as 0 | 1, group: `g${i % 40}` })),
      5,
      { trees: 20 },
    );
    expect(noise.accuracy).toBeGreaterThan(0.35);
    expect(noise.accuracy).toBeLessThan(0.65);
    const signal = groupedAccuracy(
      xs.map((x, i) => ({ features: [x[0], x[1], (i % 2) + 0.1 * x[2]], label: (i % 2) as 0 | 1, group: `g${i % 40}` })),
      5,
      { trees: 20 },
    );
    expect(signal.accuracy).toBeGreaterThan(0.95);
    expect(signal.groups).toBe(40);
  });
});
