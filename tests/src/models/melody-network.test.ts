import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeTf } from '../../../bridge/engine/node-tf';
import { readMelodyNetArtifacts } from '../../../bridge/models/load-melody';
import { REPO_ROOT } from '../../../bridge/data/paths';
import { InvalidValueError } from '../../../src/errors';
import { parseChordProgression, parseKey, inKey } from '../../../src/music/chords';
import { decodeTokens, encodeLine, fillStepInput } from '../../../src/models/melody/encode';
import { MelodyRnn, MIN_P, type MelodyLine } from '../../../src/models/melody/melody-rnn';
import { netProbe } from '../../../src/models/probes';
import { parseMelodyRequest } from '../../../src/models/melody/request';
import { MELODY_INPUT, STEPS_PER_BAR, VOCAB, keyShift, type MelodyMeter } from '../../../src/models/melody/spec';
import { lineToSequence, primerFromSequence } from '../../../src/models/melody/to-sequence';
import { writeMidiFile } from '../../../src/midi-file/write';
import { readMidiFile } from '../../../src/midi-file/read';

const art = readMelodyNetArtifacts();
if (!art) throw new Error('models/melody/model.json is missing: the trained melody/bass network must be committed');

describe('melody encoding', () => {
  it('turns a line into key-relative steps and back into the same notes', () => {
    const notes: Array<[number, number, number]> = [
      [62, 0, 2],
      [66, 2, 2],
      [69, 4, 4],
      [74, 10, 6],
      [71, 16, 1],
    ];
    for (const key of ['D major', 'G major', 'B minor', 'F# dorian']) {
      const k = parseKey(key);
      const e = encodeLine({
        notes,
        steps: 32,
        key: k,
        meter: '4/4',
        voice: 'melody',
        style: 'reel',
        chords: [
          [0, 16, 'D'],
          [16, 16, 'A7'],
        ],
      });
      expect(e.tokens).toHaveLength(32);
      expect(decodeTokens(e.tokens, k.tonic)).toEqual(notes);
      // chords are key-relative too: D in D major is the tonic (root 0), A7 the dominant (root 7)
      if (key === 'D major') {
        expect(e.chordRoot[0]).toBe(0);
        expect(e.chordRoot[16]).toBe(7);
      }
    }
  });

  it('moves every key to its nearest C, so pitch stays in its register', () => {
    expect([0, 2, 5, 6, 7, 11].map(keyShift)).toEqual([0, 2, 5, -6, -5, -1]);
  });
});

describe('melody network (TF.js) against its PyTorch original', () => {
  beforeAll(async () => {
    await initNodeTf('wasm');
  });

  it("builds the trainer's inputs from the encoding and reproduces its logits", async () => {
    const fx = JSON.parse(readFileSync(join(REPO_ROOT, 'tests/fixtures/melody-parity.json'), 'utf8')) as {
      line: {
        tokens: number[];
        chordRoot: number[];
        chordTones: number[];
        density: number[];
        meter: MelodyMeter;
        mode: 'major';
        style: 'pop' | null;
        voice: 'melody' | 'bass';
      };
      inputs: number[][];
      logits: number[][];
    };
    const n = fx.inputs.length;
    const I = MELODY_INPUT.size;
    const inputs = new Float32Array(n * I);
    const row = new Float32Array(I);
    let last = -1;
    let maxIn = 0;
    for (let s = 0; s < n; s++) {
      const prev = s > 0 ? fx.line.tokens[s - 1] : 0;
      if (prev >= 2) last = prev - 2;
      const l = fx.line;
      fillStepInput(row, prev, last, {
        position: s % STEPS_PER_BAR[l.meter],
        meter: l.meter,
        chordRoot: l.chordRoot[s],
        chordTones: l.chordTones[s],
        mode: l.mode,
        style: l.style ?? undefined,
        voice: l.voice,
        density: l.density[s],
      });
      inputs.set(row, s * I);
      fx.inputs[s].forEach((v, k) => (maxIn = Math.max(maxIn, Math.abs(row[k] - v))));
    }
    const model = MelodyRnn.load(art);
    const logits = model.rollout.teacherForced(inputs, n, 1);
    let maxLogit = 0;
    fx.logits.forEach((r, s) => r.forEach((v, k) => (maxLogit = Math.max(maxLogit, Math.abs(logits[s * VOCAB + k] - v)))));
    // The asynchronous read-back (the engines' backend probe, WebGPU) gives the same numbers.
    const perStep = await model.rollout.teacherForcedAsync(inputs, n, 1);
    expect(perStep).toHaveLength(n);
    perStep.forEach((r, s) => expect(Array.from(r)).toEqual(Array.from(logits.subarray(s * VOCAB, (s + 1) * VOCAB))));
    model.dispose();
    expect(n).toBeGreaterThanOrEqual(16);
    expect(maxIn).toBeLessThan(1e-6);
    expect(maxLogit).toBeLessThan(1e-3);
  });

  it("gives the engines' backend probe the same outputs every run, and other outputs for other weights", async () => {
    const probe = netProbe('bass-gru');
    const outs = await probe.outputs(art, 8);
    expect(outs).toHaveLength(8);
    expect(outs[0]).toHaveLength(2 * VOCAB);
    expect(await probe.outputs(art, 8)).toEqual(outs);
    expect(outs[0].some((v) => v !== 0)).toBe(true);
    // Weights changed by a little: the probe's outputs move (a parity check can fail).
    const w = new Float32Array(art.weights.slice(0));
    for (let i = 0; i < w.length; i += 7) w[i] += 0.01;
    const other = await probe.outputs({ modelJson: art.modelJson, weights: w.buffer }, 8);
    expect(Math.max(...other[7].map((v, k) => Math.abs(v - outs[7][k])))).toBeGreaterThan(1e-3);
  });
});

describe('melody network generation', () => {
  let model: MelodyRnn;
  beforeAll(async () => {
    await initNodeTf('wasm');
    model = MelodyRnn.load(art);
  });
  const monophonic = (l: MelodyLine) => l.notes.every((n, i) => i === 0 || n[1] >= l.notes[i - 1][1] + l.notes[i - 1][2]);

  it('gives the same notes for the same request and seed, alone or in a batch', () => {
    const req = parseMelodyRequest({ voice: 'melody', style: 'reel', key: 'D major', chords: 'D G A D', bars: 4, seed: 11, count: 3 });
    const a = model.generateSync(req);
    const b = model.generateSync(req);
    expect(a.map((l) => l.notes)).toEqual(b.map((l) => l.notes));
    const alone = model.generateSync({ ...req, count: 1 });
    expect(alone[0].notes).toEqual(a[0].notes);
    expect(a[1].notes).not.toEqual(a[0].notes);
  });

  it('plays in the key asked: the same seed in E is the line in D moved up a tone', () => {
    const base = { voice: 'melody', style: 'reel', bars: 4, seed: 5 } as const;
    // The register fold is absolute (a line near the top of the register in D folds an octave down in E), so the
    // key-relative network is checked without it; the fold has its own test below.
    model.foldRegister = false;
    let inD, inE;
    try {
      inD = model.generateSync(parseMelodyRequest({ ...base, key: 'D major', chords: 'D G A D' }))[0];
      inE = model.generateSync(parseMelodyRequest({ ...base, key: 'E major', chords: 'E A B E' }))[0];
    } finally {
      model.foldRegister = true;
    }
    expect(inD.notes.length).toBeGreaterThan(8);
    expect(inE.notes).toEqual(inD.notes.map(([p, s, d]) => [p + 2, s, d]));
    expect(inE.key).toEqual(parseKey('E major'));
  });

  it('keeps each voice in its range, one note at a time, bars long, on the chords given', () => {
    for (const [voice, style, chords] of [
      ['melody', 'pop', 'C G Am F'],
      ['bass', 'pop', 'C G Am F'],
      ['bass', 'chorale', 'G D Em C'],
      ['melody', 'jig', 'G C D G'],
    ] as const) {
      const req = parseMelodyRequest({ voice, style, key: style === 'jig' || style === 'chorale' ? 'G major' : 'C major', chords, bars: 8, seed: 2, count: 4 });
      const [lo, hi] = model.voiceRange(voice, style);
      const shift = keyShift(req.key!.tonic);
      for (const l of model.generateSync(req)) {
        expect(l.steps).toBe(8 * STEPS_PER_BAR[l.meter]);
        expect(l.notes.length).toBeGreaterThan(2);
        expect(monophonic(l)).toBe(true);
        expect(l.notes.every(([p]) => p >= lo + shift && p <= hi + shift)).toBe(true);
        expect(l.notes.every(([, s, d]) => s + d <= l.steps)).toBe(true);
        expect(l.chords).toEqual(parseChordProgression(`${chords} ${chords}`).map((bar) => bar.map((c) => c.symbol)));
        expect(l.chordsDrawn).toBe(false);
      }
    }
    expect(model.generateSync(parseMelodyRequest({ voice: 'melody', style: 'jig', bars: 2 }))[0]).toMatchObject({ meter: '6/8', stepsPerBar: 12, steps: 24 });
  });

  it('keeps a voice in its absolute register in every key (folk basses in MIDI 36-47, as the data plays them), pitch classes kept', () => {
    const reg = model.register('bass', 'reel');
    expect(reg).toEqual([36, 47]);
    const lines = (fold: boolean) => {
      model.foldRegister = fold;
      try {
        return ['D major', 'A major', 'Bb major', 'F# minor'].flatMap((key) =>
          model.generateSync(parseMelodyRequest({ voice: 'bass', style: 'reel', key, bars: 8, seed: 11, count: 4 })),
        );
      } finally {
        model.foldRegister = true;
      }
    };
    const folded = lines(true);
    const notes = folded.flatMap((l) => l.notes.map(([p]) => p));
    expect(notes.length).toBeGreaterThan(60);
    expect(notes.every((p) => p >= 36 && p <= 47)).toBe(true);
    // Without the fold the key-relative network leaves the register in some keys (the figure the fold fixes).
    expect(
      lines(false)
        .flatMap((l) => l.notes.map(([p]) => p))
        .filter((p) => p < 36 || p > 47).length,
    ).toBeGreaterThan(10);
    // Octaves move, pitch classes do not: still in the key asked.
    const inKeyShare = folded.flatMap((l) => l.notes.map(([p]) => inKey(p, l.key))).filter(Boolean).length / notes.length;
    expect(inKeyShare).toBeGreaterThan(0.9);
  });

  it("a bass line begins more bars on the given chord's root with the downbeat bonus, and returns to it on beat 3 with the middle-beat bonus where the bar's chords are spelled out; the melody voice is untouched by them", () => {
    const chords = parseChordProgression('C G Am F Dm G C F');
    const req = parseMelodyRequest({ voice: 'bass', style: 'pop', key: 'C major', chords: 'C G Am F Dm G C F', bars: 8, seed: 4, count: 24 });
    const rootShare = (lines: MelodyLine[], at: number) => {
      let hits = 0;
      let total = 0;
      for (const l of lines) for (const [p, s] of l.notes) if (s % 16 === at) (total++, (hits += p % 12 === chords[Math.floor(s / 16) % 8][0].root ? 1 : 0));
      return hits / Math.max(1, total);
    };
    const withBonus = model.generateSync(req);
    const melodyWith = model.generateSync({ ...req, voice: 'melody', count: 2 });
    const saved = [model.downbeatRootBias, model.middleBeatRootBias];
    try {
      model.downbeatRootBias = 0;
      model.middleBeatRootBias = 0;
      const without = model.generateSync(req);
      expect(rootShare(withBonus, 0)).toBeGreaterThan(rootShare(without, 0));
      expect(rootShare(withBonus, 0)).toBeGreaterThan(0.8);
      model.middleBeatRootBias = 3;
      // One chord a bar: beat 3 is the network's (real basses leave for the next harmony there); the bonus changes nothing.
      expect(model.generateSync(req).map((l) => l.notes)).toEqual(without.map((l) => l.notes));
      // The same chords spelled out per half bar (| C C | G G | ...): beat 3 returns to the root.
      const split = { ...req, chords: parseChordProgression('| C C | G G | Am Am | F F | Dm Dm | G G | C C | F F |') };
      const splitWith = model.generateSync(split);
      model.middleBeatRootBias = 0;
      expect(rootShare(splitWith, 8)).toBeGreaterThan(rootShare(model.generateSync(split), 8) + 0.1);
      model.middleBeatRootBias = 3;
      expect(model.generateSync({ ...req, voice: 'melody', count: 2 }).map((l) => l.notes)).toEqual(melodyWith.map((l) => l.notes));
    } finally {
      [model.downbeatRootBias, model.middleBeatRootBias] = saved;
    }
  });

  it("a bass over two chords a bar (| C G | Am F |) plays the second chord's root on beat 3 far more often than over one chord a bar, and its .mid marks each change at its tick", () => {
    const ask = (chords: string) => parseMelodyRequest({ voice: 'bass', style: 'pop', key: 'C major', chords, bars: 8, seed: 5, count: 24 });
    // Share of beat-3 notes (step 8 of 16) on the root of the bar's second chord in | C G | Am F |.
    const beat3On = (lines: MelodyLine[], pcOfBar: (bar: number) => number) => {
      let hits = 0;
      let total = 0;
      for (const l of lines) for (const [p, s] of l.notes) if (s % 16 === 8) (total++, (hits += p % 12 === pcOfBar(Math.floor(s / 16)) ? 1 : 0));
      return hits / Math.max(1, total);
    };
    const secondRoot = (bar: number) => (bar % 2 === 0 ? 7 : 5); // G in C-G bars, F in Am-F bars
    const split = model.generateSync(ask('| C G | Am F |'));
    const whole = model.generateSync(ask('C Am'));
    expect(split[0].chords.slice(0, 2)).toEqual([
      ['C', 'G'],
      ['Am', 'F'],
    ]);
    const withSplit = beat3On(split, secondRoot);
    const withWhole = beat3On(whole, secondRoot);
    expect(withSplit).toBeGreaterThan(0.6);
    expect(withSplit).toBeGreaterThan(withWhole + 0.3);
    // The network itself hears the change (not only the beat-3 bonus): beat 4's notes too sit on G/F more often.
    const saved = model.middleBeatRootBias;
    try {
      model.middleBeatRootBias = 0;
      const chordTone = (lines: MelodyLine[]) => {
        let hits = 0;
        let total = 0;
        const tones = (bar: number) => (bar % 2 === 0 ? [7, 11, 2] : [5, 9, 0]);
        for (const l of lines) for (const [p, s] of l.notes) if (s % 16 >= 8) (total++, (hits += tones(Math.floor(s / 16)).includes(p % 12) ? 1 : 0));
        return hits / Math.max(1, total);
      };
      expect(chordTone(model.generateSync(ask('| C G | Am F |')))).toBeGreaterThan(chordTone(model.generateSync(ask('C Am'))) + 0.15);
    } finally {
      model.middleBeatRootBias = saved;
    }
    const seq = lineToSequence(split[0], { channel: 1, bpm: 100 });
    const marks = seq.markers!.filter((m) => !m.text.startsWith('key ')).slice(0, 5);
    // Written as SMF marker events (FF 06 len text): G's and F's are in the file.
    const bytes = Buffer.from(writeMidiFile(seq, { format: 1 }));
    expect(bytes.includes(Buffer.from([0xff, 0x06, 1, 'G'.charCodeAt(0)]))).toBe(true);
    expect(bytes.includes(Buffer.from([0xff, 0x06, 1, 'F'.charCodeAt(0)]))).toBe(true);
    expect(marks.map((m) => [m.ticks, m.text])).toEqual([
      [0, 'C'],
      [1920, 'G'],
      [3840, 'Am'],
      [5760, 'F'],
      [7680, 'C'],
    ]);
  });

  it('refuses chords a meter cannot split evenly, naming the bar and what is allowed', () => {
    expect(() => model.generateSync(parseMelodyRequest({ voice: 'bass', style: 'pop', chords: 'C G Am | F', bars: 2 }))).toThrow(
      /chords must be 1, 2 or 4 chords splitting a 4\/4 bar evenly.*got "bar 1: C G Am"/,
    );
    expect(() => model.generateSync(parseMelodyRequest({ voice: 'melody', style: 'waltz', chords: 'G D | C', bars: 2 }))).toThrow(
      /1 or 3 chords splitting a 3\/4 bar/,
    );
    expect(model.generateSync(parseMelodyRequest({ voice: 'melody', style: 'waltz', chords: 'G D7 G | C', bars: 2 }))[0].chords).toEqual([
      ['G', 'D7', 'G'],
      ['C'],
    ]);
    expect(model.generateSync(parseMelodyRequest({ voice: 'melody', style: 'jig', chords: 'D A | G', bars: 2 }))[0].chords).toEqual([['D', 'A'], ['G']]);
  });

  it('cuts the unlikely tail with min-p: the higher it is, the fewer different notes eight variations play', () => {
    const req = parseMelodyRequest({ voice: 'melody', style: 'reel', key: 'D major', chords: 'D G A D', bars: 4, seed: 1, count: 8 });
    const variety = (minP: number) => {
      const saved = model.minP;
      try {
        model.minP = { melody: minP, bass: minP };
        return new Set(model.generateSync(req).flatMap((l) => l.notes.map(([p, s]) => `${p}@${s}`))).size;
      } finally {
        model.minP = saved;
      }
    };
    const [off, cut] = [variety(0), variety(0.8)];
    expect(cut).toBeLessThan(off * 0.7);
    expect(MIN_P.melody).toBeGreaterThan(0);
  });

  it('draws a progression from the style when no chords are given, the same for the same seed', () => {
    const req = parseMelodyRequest({ voice: 'bass', style: 'pop', bars: 8, seed: 9, count: 2 });
    const [a, b] = model.generateSync(req);
    expect(a.chordsDrawn).toBe(true);
    expect(a.chords).toHaveLength(8);
    expect(a.chords.every((bar) => bar.length === 1 && bar[0] !== 'N.C.')).toBe(true);
    expect(model.generateSync(req)[1].chords).toEqual(b.chords);
    const seq = lineToSequence(a, { channel: 1 });
    expect(seq.markers![0].text).toMatch(/key C major, chords drawn/);
  });

  it('continues a primer: its whole bars are kept as they are', () => {
    const primer = {
      notes: [
        [62, 0, 4],
        [66, 4, 4],
        [69, 8, 4],
        [74, 12, 4],
        [73, 16, 8],
        [71, 24, 8],
      ] as Array<[number, number, number]>,
      steps: 32,
    };
    const [l] = model.generateSync(parseMelodyRequest({ voice: 'melody', style: 'reel', key: 'D major', chords: 'D A', bars: 4, seed: 1, primer }));
    expect(l.notes.filter(([, s]) => s < 32)).toEqual(primer.notes);
    expect(l.notes.some(([, s]) => s >= 32)).toBe(true);
    expect(() => model.generateSync(parseMelodyRequest({ voice: 'melody', style: 'reel', bars: 2, primer }))).toThrow(InvalidValueError);
    expect(() => model.generateSync(parseMelodyRequest({ voice: 'melody', style: 'reel', bars: 4, primer: { notes: [[60, 0, 2]], steps: 8 } }))).toThrow(
      /at least one whole bar/,
    );
  });

  it('writes a .mid that reads back with the notes, meter, key signature and chord markers', () => {
    const [l] = model.generateSync(parseMelodyRequest({ voice: 'melody', style: 'waltz', key: 'G major', chords: 'G D7 G C', bars: 4, seed: 3 }));
    const seq = lineToSequence(l, { channel: 0, bpm: 100 });
    const back = readMidiFile(writeMidiFile(seq, { format: 1 }), 'waltz.mid').sequence;
    expect(back.notes.map((n) => [n.pitch, n.startTicks, n.durationTicks])).toEqual(seq.notes.map((n) => [n.pitch, n.startTicks, n.durationTicks]));
    expect(back.meters[0].meter).toEqual({ numerator: 3, denominator: 4 });
    expect(seq.keySignature).toEqual({ sharps: 1, minor: false });
    expect(seq.markers!.map((m) => m.text)).toEqual(['key G major', 'G', 'D7', 'G', 'C']);
    // the line as a primer again: the same notes on the grid
    expect(primerFromSequence(seq, 'melody').notes).toEqual(l.notes);
  });

  it('rejects what it cannot play, naming it', () => {
    expect(() => parseMelodyRequest({ voice: 'tenor' })).toThrow(/voice must be melody or bass/);
    expect(() => parseMelodyRequest({ style: 'polka' })).toThrow(/style must be one of reel, jig/);
    expect(() => parseMelodyRequest({ key: 'Q minor' })).toThrow(/key must be a key such as/);
    expect(() => parseMelodyRequest({ chords: 'C G Xm' })).toThrow(/"Xm"/);
  });

  it('mostly plays in the key (loose: the figure itself is measured by npm run eval:melody)', () => {
    const lines = model.generateSync(parseMelodyRequest({ voice: 'melody', style: 'pop', key: 'A minor', chords: 'Am F C G', bars: 8, seed: 4, count: 8 }));
    const notes = lines.flatMap((l) => l.notes);
    const share = notes.filter(([p]) => inKey(p % 12, parseKey('A minor'))).length / notes.length;
    expect(share).toBeGreaterThan(0.7);
  });
});

describe('line picture', () => {
  it('draws a piano roll of the first bars with chords above and bar lines', async () => {
    const { linePicture } = await import('../../../src/models/melody/picture');
    const { makeSequence } = await import('../../../src/music/sequence');
    const seq = {
      ...makeSequence(
        [
          { pitch: 62, velocity: 90, startTicks: 0, durationTicks: 480, channel: 0 },
          { pitch: 66, velocity: 90, startTicks: 3840, durationTicks: 240, channel: 0 },
        ],
        { totalTicks: 7680 },
      ),
      markers: [
        { ticks: 0, text: 'key D major' },
        { ticks: 0, text: 'D' },
        { ticks: 3840, text: 'A7' },
      ],
    };
    expect(linePicture(seq).split('\n')).toEqual([
      '     D                A7',
      'F#4 |................|o...............|',
      'D4  |o-..............|................|',
    ]);
  });
});

describe('melody model files', () => {
  it('says in one line what is wrong with a broken model.json, never a TypeError', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { TandemError } = await import('../../../src/errors');
    const dir = mkdtempSync(join(tmpdir(), 'tandem-melody-model-'));
    writeFileSync(join(dir, 'model.json'), '{"format":"tandem-melody-gru","spec":{},"weightsManifest":[]}');
    const art = readMelodyNetArtifacts(dir)!;
    expect(() => MelodyRnn.load(art)).toThrow(TandemError);
    expect(() => MelodyRnn.load(art)).toThrow(/lacks its spec/);
    writeFileSync(join(dir, 'model.json'), '{"format":"tandem-melody-gru"}');
    expect(() => readMelodyNetArtifacts(dir)).toThrow(/no weights manifest/);
    writeFileSync(join(dir, 'model.json'), 'not json');
    expect(() => readMelodyNetArtifacts(dir)).toThrow(/not readable JSON/);
  });

  it('never begins the pitch just begun in a chorale (the data cannot show a repeated note)', () => {
    return initNodeTf('wasm').then(() => {
      const model = MelodyRnn.load(art);
      for (const voice of ['melody', 'bass'] as const) {
        const lines = model.generateSync(
          parseMelodyRequest({ voice, style: 'chorale', key: 'G major', chords: 'G D Em C', bars: 8, seed: 6, count: 6, density: 1 }),
        );
        for (const l of lines)
          for (let i = 1; i < l.notes.length; i++)
            expect(l.notes[i][0] !== l.notes[i - 1][0] || l.notes[i][1] > l.notes[i - 1][1] + l.notes[i - 1][2]).toBe(true);
      }
      model.dispose();
    });
  });
});
