import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMidiFile } from '../../src/midi-file/read';
import { DRUM_GENRES } from '../../src/conditioning/genres';
import { onsetsPerBar, quantizeDrums } from '../../src/tokens/drum-grid';
import { tandem } from '../helpers/cli';
import { findBrowser } from '../../bridge/engine/find-browser';

const tmp = () => mkdtempSync(join(tmpdir(), 'tandem-cli-'));

describe('tandem generate', () => {
  it('writes drum MIDI files and prints the JSON contract', () => {
    const out = tmp();
    const r = tandem([
      'generate',
      '--model',
      'drums',
      '--model-impl',
      'baseline',
      '--genre',
      'rock',
      '--density',
      '0.7',
      '--bars',
      '8',
      '--temperature',
      '1.0',
      '--seed',
      '7',
      '--count',
      '4',
      '--out',
      out + '/',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['files', 'notes', 'model', 'engine', 'ms']));
    expect(json.files).toHaveLength(4);
    expect(json.model).toBe('drums-ngram');
    let notes = 0;
    for (const f of json.files) {
      const { sequence } = readMidiFile(readFileSync(f));
      notes += sequence.notes.length;
      expect(sequence.notes.every((n) => n.channel === 9)).toBe(true);
      expect(sequence.tempos[0].bpm).toBeCloseTo(120, 3);
      expect(sequence.totalTicks).toBe(8 * 3840);
    }
    expect(notes).toBe(json.notes);
  });

  it('gives the same notes for the same flags and seed', () => {
    const a = tmp();
    const b = tmp();
    const args = ['generate', '--model-impl', 'baseline', '--genre', 'jazz', '--seed', '3', '--quiet'];
    expect(tandem([...args, '--out', join(a, 'x.mid')]).code).toBe(0);
    expect(tandem([...args, '--out', join(b, 'x.mid')]).code).toBe(0);
    expect(readFileSync(join(a, 'x.mid'))).toEqual(readFileSync(join(b, 'x.mid')));
  });

  it('writes clearly different densities for 0.1 and 0.9', () => {
    const dir = tmp();
    const mean = (density: string) => {
      const r = tandem([
        'generate',
        '--model-impl',
        'baseline',
        '--genre',
        'funk',
        '--density',
        density,
        '--count',
        '4',
        '--out',
        join(dir, `d${density}.mid`),
        '--json',
      ]);
      const files: string[] = JSON.parse(r.stdout).files;
      const per = files.flatMap((f) => onsetsPerBar(quantizeDrums(readMidiFile(readFileSync(f)).sequence.notes, 128).grid));
      return per.reduce((x, y) => x + y, 0) / per.length;
    };
    expect(mean('0.9')).toBeGreaterThan(2 * mean('0.1'));
  });

  it('continues a primer, keeping its first bars', () => {
    const dir = tmp();
    const primer = join(dir, 'primer.mid');
    expect(tandem(['generate', '--model-impl', 'baseline', '--genre', 'rock', '--bars', '2', '--seed', '1', '--out', primer, '--quiet']).code).toBe(0);
    const out = join(dir, 'cont.mid');
    const r = tandem(['generate', '--model-impl', 'baseline', '--genre', 'rock', '--bars', '4', '--seed', '9', '--primer', primer, '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).request.primerBars).toBe(2);
    const p = readMidiFile(readFileSync(primer)).sequence.notes;
    const c = readMidiFile(readFileSync(out)).sequence.notes;
    expect(c.filter((n) => n.startTicks < 2 * 3840 - 120)).toEqual(p.filter((n) => n.startTicks < 2 * 3840 - 120));
    expect(c.filter((n) => n.startTicks >= 2 * 3840).length).toBeGreaterThan(0);
  });

  it('refuses a control or preset the chosen model does not take, naming it', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--model', 'bass', '--fill-every', '4'], /^tandem: --fill-every must be left out: bass has no fill-every control, got 4$/],
      [
        ['--preset', 'busy-funk', '--model', 'melody'],
        /^tandem: --preset must be a preset for the melody model \(busy-funk is for drums\): add --model drums, got "busy-funk"$/,
      ],
    ];
    for (const [args, re] of cases) {
      const r = tandem(['generate', '--model-impl', 'baseline', ...args, '--out', tmp()]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim(), args.join(' ')).toMatch(re);
    }
  });

  it('answers every bad flag value with one clear line and exit code 2', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--density', '1.7'], /^tandem: --density must be between 0 and 1, got 1.7$/],
      [['--genre', 'metal'], /--genre must be one of rock, funk, .* got "metal"/],
      [['--bars', '0'], /--bars must be a whole number from 1 to 64, got 0/],
      [['--temperature', 'hot'], /--temperature must be between .*, got "hot"/],
      [['--count', '2.5'], /--count must be a whole number/],
      [['--seed', '-1'], /--seed must be a whole number/],
      [['--fill-every', 'x'], /--fill-every must be a whole number/],
      [['--bpm', '999'], /--bpm must be a tempo from 20 to 400 BPM, got 999/],
      [['--model', 'piano'], /--model must be one of drums, melody, bass, got "piano"/],
      [['--model-impl', 'big'], /--model-impl must be one of network, baseline/],
      [['--preset', 'nope'], /--preset must be one of boom-bap, .* got "nope"/],
      [['--primer', '/no/such.mid'], /--primer must be a path to an existing .mid file/],
      [['--nonsense'], /unknown option '--nonsense'/],
    ];
    for (const [args, re] of cases) {
      const r = tandem(['generate', '--model-impl', 'baseline', ...args, '--out', tmp()]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr.trim(), args.join(' ')).toMatch(re);
    }
  }, 240_000); // 15 CLI runs of ~4 s each; minutes on a loaded 2-core machine

  it('rejects a broken primer file naming it', () => {
    const dir = tmp();
    const bad = join(dir, 'bad.mid');
    writeFileSync(bad, 'hello');
    const r = tandem(['generate', '--model-impl', 'baseline', '--primer', bad, '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad.mid: not a Standard MIDI File/);
  });

  it('applies a preset, with flags overriding it', () => {
    const dir = tmp();
    const r = tandem(['generate', '--model-impl', 'baseline', '--preset', 'busy-funk', '--bars', '4', '--out', dir, '--json']);
    expect(r.code).toBe(0);
    const req = JSON.parse(r.stdout).request;
    expect(req).toMatchObject({ genre: 'funk', density: 0.9, fillEvery: 4, bars: 4 });
  });

  it('writes into tandem-out/ by default and says where', () => {
    const cwd = tmp();
    const r = tandem(['generate', '--model-impl', 'baseline', '--count', '2'], { cwd });
    expect(r.code).toBe(0);
    // the names carry every setting that changes the notes (model, genre, density, temperature, bars, fills, tempo, seed)
    expect(r.stdout).toMatch(/wrote .*tandem-out\/drums-ngram-rock-d0.5-t1-b8-f0-120bpm-s0-1.mid/);
    expect(r.stdout).toMatch(/KK \|/); // the drum grid picture
    expect(readdirSync(join(cwd, 'tandem-out')).sort()).toEqual([
      'drums-ngram-rock-d0.5-t1-b8-f0-120bpm-s0-1.mid',
      'drums-ngram-rock-d0.5-t1-b8-f0-120bpm-s0-2.mid',
    ]);
  });
});

describe('tandem generate with the drum network', () => {
  const dir = tmp();
  const args = ['generate', '--genre', 'funk', '--density', '0.8', '--count', '2', '--seed', '5', '--json'];
  // run twice into the same file: --force replaces it
  const runNode = () => JSON.parse(tandem([...args, '--engine', 'node', '--force', '--out', join(dir, 'node.mid')]).stdout);

  it('runs in-process with --engine node', () => {
    expect(runNode()).toMatchObject({ model: 'drums-gru', engine: 'node', backend: 'wasm' });
  });

  const noBrowser = !findBrowser().path && process.env.CI !== 'true';
  it.skipIf(noBrowser)(
    `writes the same notes through Chromium (--engine chromium) as in-process${noBrowser ? ' [skipped: no Chrome/Chromium on this machine]' : ''}`,
    () => {
      const node = runNode();
      const chromium = JSON.parse(tandem([...args, '--engine', 'chromium', '--out', join(dir, 'chromium.mid')]).stdout);
      expect(chromium.engine).toBe('chromium');
      chromium.files.forEach((f: string, i: number) => expect(readFileSync(f)).toEqual(readFileSync(node.files[i])));
    },
  );

  it('runs a small request in-process by default (issue 15: no browser launch for one groove) and says why', () => {
    const auto = JSON.parse(tandem([...args, '--out', join(dir, 'auto.mid')]).stdout);
    expect(auto).toMatchObject({ engine: 'node', backend: 'wasm', where: expect.stringMatching(/^drums-gru in this process \((no GPU|2 variation)/) });
  });
});

describe('tandem generate with the melody and bass network in either engine (issue 12 point 2)', () => {
  const dir = tmp();
  const noBrowser = !findBrowser().path && process.env.CI !== 'true';
  it.skipIf(noBrowser)(
    `writes the same melody and bass through Chromium (--engine chromium) as in-process${noBrowser ? ' [skipped: no Chrome/Chromium on this machine]' : ''}`,
    () => {
      for (const model of ['melody', 'bass']) {
        const args = [
          'generate',
          '--model',
          model,
          '--genre',
          'pop',
          '--key',
          'A minor',
          '--chords',
          'Am F C G',
          '--bars',
          '4',
          '--count',
          '2',
          '--seed',
          '3',
          '--backend',
          'wasm',
          '--json',
        ];
        const run = (engine: string) => {
          const r = tandem([...args, '--engine', engine, '--out', join(dir, `${model}-${engine}.mid`)]);
          expect(r.code, r.stderr).toBe(0);
          return JSON.parse(r.stdout);
        };
        const node = run('node');
        const chromium = run('chromium');
        expect(node).toMatchObject({ model: `${model}-gru`, engine: 'node' });
        expect(chromium).toMatchObject({ model: `${model}-gru`, engine: 'chromium', backend: 'wasm' });
        expect(chromium.files).toHaveLength(2);
        chromium.files.forEach((f: string, i: number) => expect(readFileSync(f)).toEqual(readFileSync(node.files[i])));
      }
    },
  );
});

describe('tandem genres and doctor', () => {
  it('lists the 18 drum genres', () => {
    const r = tandem(['genres', '--model', 'drums', '--json']);
    expect(JSON.parse(r.stdout)).toEqual([...DRUM_GENRES]);
  });

  it('reports the machine as JSON, with a reason where MIDI ports cannot open', () => {
    const r = tandem(['doctor', '--json']);
    expect(r.code).toBe(0);
    const { checks } = JSON.parse(r.stdout) as { checks: Array<{ name: string; ok: boolean; detail: string }> };
    const by = Object.fromEntries(checks.map((c) => [c.name, c]));
    expect(by.Node.ok).toBe(true);
    expect(by['TF.js wasm (Node)'].ok).toBe(true);
    expect(by['TF.js cpu (Node)'].ok).toBe(true);
    for (const name of ['Drums network', 'Drums baseline', 'Melody network', 'Bass network', 'Bass baseline']) expect(by[name]?.ok, name).toBe(true);
    expect(by['MIDI ports'].ok).toBe(existsSync('/dev/snd/seq'));
    if (!by['MIDI ports'].ok) expect(by['MIDI ports'].detail).toMatch(/ALSA sequencer/);
    expect(by['OSC port'].detail).toMatch(/127.0.0.1:57121/);
    expect(by.Datasets.ok).toBe(true);
    if (by.Browser.ok || process.env.CI === 'true') {
      expect(by['Chromium backends'].ok).toBe(true);
      const backends = JSON.parse(r.stdout).backends as Array<{ backend: string; ok: boolean }>;
      expect(backends.map((b) => b.backend)).toEqual(expect.arrayContaining(['webgl', 'wasm', 'cpu']));
      expect(backends.find((b) => b.backend === 'wasm')!.ok).toBe(true);
    }
  });
});

describe('melody and bass lines', () => {
  it("lists styles and writes a melody in the style's meter", () => {
    expect(JSON.parse(tandem(['genres', '--model', 'melody', '--json']).stdout)).toEqual(expect.arrayContaining(['jig', 'reel', 'waltz', 'pop', 'chorale']));
    const dir = tmp();
    const r = tandem(['generate', '--model', 'melody', '--genre', 'waltz', '--bars', '8', '--seed', '2', '--out', join(dir, 'w.mid'), '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.model).toBe('melody-gru');
    const { sequence } = readMidiFile(readFileSync(json.files[0]));
    expect(sequence.meters[0].meter).toEqual({ numerator: 3, denominator: 4 });
    expect(sequence.totalTicks).toBe(8 * 2880);
    // monophonic: no note starts before the previous one ends
    for (let i = 1; i < sequence.notes.length; i++)
      expect(sequence.notes[i].startTicks).toBeGreaterThanOrEqual(sequence.notes[i - 1].startTicks + sequence.notes[i - 1].durationTicks);
  });

  it('writes a reel in D and a pop melody and bass over the chords asked, on the network, and continues a melody', () => {
    const dir = tmp();
    const run = (args: string[]) => {
      const r = tandem(['generate', ...args, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout);
      return { json, seq: readMidiFile(readFileSync(json.files[0])).sequence };
    };
    const reel = run([
      '--model',
      'melody',
      '--genre',
      'reel',
      '--key',
      'D major',
      '--density',
      '0.6',
      '--bars',
      '8',
      '--chords',
      'D G A D',
      '--seed',
      '3',
      '--out',
      join(dir, 'reel.mid'),
    ]);
    expect(reel.json.model).toBe('melody-gru');
    expect(reel.seq.totalTicks).toBe(8 * 3840);
    const inD = reel.seq.notes.filter((n) => [2, 4, 6, 7, 9, 11, 1].includes(n.pitch % 12)).length / reel.seq.notes.length;
    expect(inD).toBeGreaterThan(0.8);
    const pop = run(['--model', 'melody', '--genre', 'pop', '--key', 'C major', '--chords', 'C G Am F', '--seed', '1', '--out', join(dir, 'pop.mid')]);
    const bass = run(['--model', 'bass', '--genre', 'pop', '--key', 'C major', '--chords', 'C G Am F', '--seed', '1', '--out', join(dir, 'bass.mid')]);
    expect(bass.json.model).toBe('bass-gru');
    expect(Math.max(...bass.seq.notes.map((n) => n.pitch))).toBeLessThan(Math.min(...pop.seq.notes.map((n) => n.pitch)) + 12);
    expect(new Set(bass.seq.notes.map((n) => n.channel))).toEqual(new Set([1]));
    expect(new Set(pop.seq.notes.map((n) => n.channel))).toEqual(new Set([0]));
    // A melody primer: its whole bars come back as they were, then new bars follow.
    const more = run([
      '--model',
      'melody',
      '--genre',
      'pop',
      '--key',
      'C major',
      '--primer',
      join(dir, 'pop.mid'),
      '--bars',
      '12',
      '--seed',
      '2',
      '--out',
      join(dir, 'more.mid'),
    ]);
    const firstEight = (ns: typeof more.seq.notes) => ns.filter((n) => n.startTicks < 8 * 3840).map((n) => [n.pitch, n.startTicks]);
    expect(firstEight(more.seq.notes)).toEqual(firstEight(pop.seq.notes));
    expect(more.seq.notes.some((n) => n.startTicks >= 8 * 3840)).toBe(true);
    const bad = tandem(['generate', '--model', 'bass', '--chords', 'C G H7 F', '--out', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^tandem: --chords must be a chord symbol such as C, Am, F#m7.*got "H7"/m);
    // Two chords a bar, as lead sheets write them; three in a 4/4 bar and an empty bar exit 2 naming the bar.
    const split = run([
      '--model',
      'bass',
      '--genre',
      'pop',
      '--key',
      'C major',
      '--chords',
      '| C G | Am F |',
      '--bars',
      '4',
      '--seed',
      '1',
      '--out',
      join(dir, 'split.mid'),
    ]);
    expect(split.seq.notes.length).toBeGreaterThan(4);
    const three = tandem(['generate', '--model', 'bass', '--genre', 'pop', '--chords', 'C G Am | F', '--out', dir]);
    expect(three.code).toBe(2);
    expect(three.stderr).toMatch(/^tandem: --chords must be 1, 2 or 4 chords splitting a 4\/4 bar evenly.*got "bar 1: C G Am"$/m);
    const empty = tandem(['generate', '--model', 'melody', '--chords', 'C || G', '--out', dir]);
    expect(empty.code).toBe(2);
    expect(empty.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('makes busier bass lines at higher density and refuses drum genres', () => {
    const dir = tmp();
    const notes = (d: string) =>
      JSON.parse(
        tandem(['generate', '--model', 'bass', '--genre', 'pop', '--density', d, '--count', '4', '--bars', '8', '--out', join(dir, `b${d}.mid`), '--json'])
          .stdout,
      ).notes;
    expect(notes('0.9')).toBeGreaterThan(1.5 * notes('0.1'));
    const r = tandem(['generate', '--model', 'melody', '--genre', 'rock', '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--genre must be one of reel, jig, .* for the melody model, got "rock"/);
  });
});

describe('tandem play', () => {
  it('runs a session for --duration, saving every suggestion, and says so when MIDI ports cannot open', () => {
    const out = tmp();
    const r = tandem(['play', '--duration', '3s', '--model-impl', 'baseline', '--genre', 'funk', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/played \d+ phrase\(s\); saved in /);
    const [session] = readdirSync(out);
    const files = readdirSync(join(out, session));
    expect(files).toContain('session.jsonl');
    expect(files.filter((f) => f.endsWith('.mid')).length).toBeGreaterThanOrEqual(2);
    if (!existsSync('/dev/snd/seq')) expect(r.stderr).toMatch(/MIDI port "Tandem Out" cannot open: no ALSA sequencer .*Playing without MIDI output/);
  });

  it('plays the drum network in headless Chromium with --engine chromium and exits when --duration ends', () => {
    const out = tmp();
    const r = tandem(['play', '--duration', '4s', '--engine', 'chromium', '--genre', 'funk', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/playing funk drums \(drums-gru in Chromium \((wasm|webgl|webgpu|cpu)\)\)/);
    const [session] = readdirSync(out);
    const log = readFileSync(join(out, session, 'session.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { model: string });
    expect(log.length).toBeGreaterThanOrEqual(2);
    expect(log.every((l) => l.model === 'drums-gru')).toBe(true);
  });

  it('plays drums and bass together with --parts, sharing the key and chords, every phrase of both saved', () => {
    const out = tmp();
    const r = tandem([
      'play',
      '--parts',
      'drums,bass',
      '--genre',
      'drums:funk,bass:pop',
      '--key',
      'A minor',
      '--chords',
      'Am F C G',
      '--duration',
      '4s',
      '--model-impl',
      'baseline',
      '--bpm',
      '160',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/playing funk drums \(drums-ngram .*channel 10\) \+ pop bass \(bass-ngram .*channel 2\) in A minor over Am F C G/);
    const [session] = readdirSync(out);
    const log = readFileSync(join(out, session, 'session.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { model: string; key?: string; chords?: string; file: string });
    const bass = log.filter((l) => l.model === 'bass-ngram');
    expect(log.filter((l) => l.model === 'drums-ngram').length).toBeGreaterThanOrEqual(2);
    expect(bass.length).toBeGreaterThanOrEqual(2);
    expect(bass.every((l) => l.key === 'A minor')).toBe(true);
    expect(bass[0].chords).toBe('Am F');
    for (const l of log) expect(existsSync(join(out, session, l.file))).toBe(true);
  });

  it('answers bad --parts and per-part --genre with one line and exit code 2', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--parts', 'drums,piano'], /--parts must be a comma-separated list of drums, melody, bass .*got "piano"/],
      [['--parts', 'bass,drums,bass'], /--parts must be each part once \(bass is named twice\)/],
      [
        ['--parts', 'drums,bass', '--genre', 'polka'],
        /--genre must be a genre of one of the parts \(drums: rock .*; bass: reel .*\), or one per part as drums:funk,bass:pop, got "polka"/,
      ],
      [['--parts', 'drums,bass', '--genre', 'drums:funk,bass:rock'], /--genre must be one of reel, jig, .* for the bass model, got "rock"/],
      [['--parts', 'drums', '--key', 'C'], /--key must be left out: drums has no key control/],
    ];
    for (const [args, re] of cases) {
      const r = tandem(['play', '--model-impl', 'baseline', '--duration', '1s', ...args, '--out', tmp()]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim(), args.join(' ')).toMatch(re);
    }
  }, 120_000);

  it('answers bad flags with one line and exit code 2', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--clock', 'smpte'], /--clock must be one of internal, midi, got "smpte"/],
      [['--duration', 'soon'], /--duration must be a length like 30s/],
      [['--bars-ahead', '0'], /--bars-ahead must be a whole number from 1 to 16/],
      [['--density', '-1'], /--density must be between 0 and 1/],
      [['--engine', 'gpu'], /--engine must be one of auto, chromium, node, got "gpu"/],
      [['--backend', 'metal'], /--backend must be webgpu, webgl, wasm or cpu/],
    ];
    for (const [args, re] of cases) {
      const r = tandem(['play', '--model-impl', 'baseline', '--duration', '1s', ...args, '--out', tmp()]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim(), args.join(' ')).toMatch(re);
    }
  });
});
