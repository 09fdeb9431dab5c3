import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeMidiFile } from '../../src/midi-file/write';
import { tandem, type CliRun } from '../helpers/cli';

const tmp = () => mkdtempSync(join(tmpdir(), 'tandem-files-'));
const gen = (...args: string[]) => tandem(['generate', '--model-impl', 'baseline', '--bars', '2', ...args]);

/** One line on stderr, starting "tandem: ", no stack trace. */
function oneLine(r: CliRun, code: number, re: RegExp): void {
  expect(r.stderr, r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr.trim()).toMatch(/^tandem: /);
  expect(r.stderr.trim()).toMatch(re);
  expect(r.code, r.stderr).toBe(code);
}

/** A drum .mid of `bars` bars: one kick per beat. */
function drumFile(path: string, bars = 2): string {
  const notes = Array.from({ length: bars * 4 }, (_, i) => ({ pitch: 36, velocity: 100, channel: 9, startTicks: i * 960, durationTicks: 120 }));
  writeFileSync(
    path,
    writeMidiFile(
      { notes, tempos: [{ ticks: 0, bpm: 120 }], meters: [{ ticks: 0, meter: { numerator: 4, denominator: 4 } }], totalTicks: bars * 3840 },
      { format: 1 },
    ),
  );
  return path;
}

describe('generate never replaces a file without --force', () => {
  it('folder names carry every setting; a repeated run gets a counter and keeps the first', () => {
    const dir = tmp();
    expect(gen('--out', dir, '--temperature', '1').code).toBe(0);
    expect(gen('--out', dir, '--temperature', '1.5').code).toBe(0);
    expect(gen('--out', dir, '--bpm', '90').code).toBe(0);
    expect(gen('--out', dir, '--fill-every', '2').code).toBe(0);
    const before = readdirSync(dir).sort();
    expect(before).toEqual([
      'drums-ngram-rock-d0.5-t1-b2-f0-120bpm-s0-1.mid',
      'drums-ngram-rock-d0.5-t1-b2-f0-90bpm-s0-1.mid',
      'drums-ngram-rock-d0.5-t1-b2-f2-120bpm-s0-1.mid',
      'drums-ngram-rock-d0.5-t1.5-b2-f0-120bpm-s0-1.mid',
    ]);
    const first = readFileSync(join(dir, before[0]));
    const again = gen('--out', dir, '--seed', '0', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).files).toEqual([join(dir, 'drums-ngram-rock-d0.5-t1-b2-f0-120bpm-s0-run2-1.mid')]);
    expect(readFileSync(join(dir, before[0]))).toEqual(first);
    // with --force the same name is written again, no counter
    expect(JSON.parse(gen('--out', dir, '--force', '--json').stdout).files).toEqual([join(dir, before[0])]);
  });

  it('refuses --out naming an existing file (even a non-MIDI one) unless --force', () => {
    const dir = tmp();
    const mine = join(dir, 'notes.mid');
    writeFileSync(mine, 'my own text');
    oneLine(gen('--out', mine), 2, /cannot write .*notes.mid: it already exists \(use --force to replace it\)$/);
    expect(readFileSync(mine, 'utf8')).toBe('my own text');
    expect(gen('--out', mine, '--force').code).toBe(0);
    expect(readFileSync(mine).subarray(0, 4).toString()).toBe('MThd');
    expect(readdirSync(dir)).toEqual(['notes.mid']);
  });

  it('refuses --out equal to --primer, even with --force and through a link', () => {
    const dir = tmp();
    const primer = drumFile(join(dir, 'primer.mid'));
    const bytes = readFileSync(primer);
    oneLine(gen('--primer', primer, '--out', primer, '--force'), 2, /--out must be a different file from --primer/);
    const alias = join(dir, 'alias.mid');
    symlinkSync(primer, alias);
    oneLine(gen('--primer', alias, '--out', primer, '--force'), 2, /--out must be a different file from --primer/);
    expect(readFileSync(primer)).toEqual(bytes);
  });

  it('refuses to write through a planted symbolic link', () => {
    const dir = tmp();
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    const link = join(dir, 'out.mid');
    symlinkSync(victim, link);
    oneLine(gen('--out', link, '--force'), 2, /out.mid: it is a symbolic link; Tandem does not write through links/);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });
});

describe('ordinary file mistakes get one line naming the path and the reason', () => {
  it('a folder as --primer, --preset or --out file', () => {
    const dir = tmp();
    const folder = join(dir, 'folder.mid');
    mkdirSync(folder);
    oneLine(gen('--primer', folder, '--out', dir), 2, /cannot read .*folder.mid: it is a folder; the primer must be a file/);
    const presetDir = join(dir, 'p.json');
    mkdirSync(presetDir);
    oneLine(gen('--preset', presetDir, '--out', dir), 2, /cannot read .*p.json: it is a folder; the preset must be a file/);
    oneLine(gen('--out', folder), 2, /cannot write .*folder.mid: it is a folder, not a file/);
  });

  it('--out under a file, in /proc, or with a 300-character name (exit 1)', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'file'), '');
    oneLine(gen('--out', join(dir, 'file', 'x.mid')), 1, /cannot write .*file\/x.mid: a part of the path is a file, not a folder/);
    oneLine(gen('--out', '/proc/tandem-test.mid'), 1, /cannot write \/proc\/tandem-test.mid: /);
    // a missing folder under /proc: Node's recursive mkdir loops forever there
    oneLine(gen('--out', '/proc/tandem-test/x.mid'), 1, /cannot write \/proc\/tandem-test\/x.mid: no such file or folder \(ENOENT\)$/);
    oneLine(
      tandem(['play', '--model-impl', 'baseline', '--duration', '1s', '--out', '/proc/tandem-test']),
      1,
      /cannot write \/proc\/tandem-test: no such file or folder \(ENOENT\)$/,
    );
    oneLine(gen('--out', join(dir, 'n'.repeat(300) + '.mid')), 1, /the name is too long for the file system \(ENAMETOOLONG\)$/);
    expect(readdirSync(dir)).toEqual(['file']);
  });

  it('a primer with a huge delta time at 1 tick per beat is refused, not a RangeError', () => {
    const dir = tmp();
    // MThd, format 0, 1 track, 1 tick per beat; one note-on after a delta of 0x1FFFFFF beats
    const track = [0x8f, 0xff, 0xff, 0x7f, 0x99, 36, 100, 0x00, 0x89, 36, 0, 0x00, 0xff, 0x2f, 0x00];
    const bytes = Buffer.from([...Buffer.from('MThd'), 0, 0, 0, 6, 0, 0, 0, 1, 0, 1, ...Buffer.from('MTrk'), 0, 0, 0, track.length, ...track]);
    const primer = join(dir, 'far.mid');
    writeFileSync(primer, bytes);
    oneLine(gen('--primer', primer, '--out', dir), 2, /far.mid: track 1 runs past 4096 bars .* at most 4096 bars are read/);
  });

  it('a FIFO as --primer or --preset is refused at once instead of waiting forever', () => {
    const dir = tmp();
    const fifo = join(dir, 'pipe.mid');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    oneLine(gen('--primer', fifo, '--out', dir), 2, /cannot read .*pipe.mid: it is not a regular file/);
    const fifoJson = join(dir, 'pipe.json');
    execFileSync('mkfifo', [fifoJson]);
    oneLine(gen('--preset', fifoJson, '--out', dir), 2, /cannot read .*pipe.json: it is not a regular file/);
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it('a 50 MB primer is refused by size before it is read', () => {
    const dir = tmp();
    const big = join(dir, 'big.mid');
    writeFileSync(big, Buffer.alloc(50 << 20, 0x90));
    oneLine(gen('--primer', big, '--out', dir), 2, /big.mid: it is 50.0 MB; a primer may be at most 4.0 MB/);
  });
});

describe('--duration', () => {
  it('refuses a duration past what a timer can hold instead of stopping at once', () => {
    const r = tandem(['play', '--model-impl', 'baseline', '--duration', '35792m', '--out', tmp()]);
    oneLine(r, 2, /--duration must be at most 35791m .*leave --duration out/);
  });
});

describe('session folders', () => {
  it('are not created for nothing: a refused run leaves the out folder as it was', () => {
    const dir = tmp();
    expect(existsSync(dir)).toBe(true);
    oneLine(tandem(['play', '--model-impl', 'baseline', '--bpm', '999', '--out', dir]), 2, /--bpm/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
