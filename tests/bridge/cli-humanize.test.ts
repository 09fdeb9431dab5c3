import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMidiFile } from '../../src/midi-file/read';
import { writeMidiFile } from '../../src/midi-file/write';
import { DRUM_CHANNEL, type Note } from '../../src/music/sequence';
import { makeSequence } from '../../src/music/sequence';
import { TICKS_PER_STEP } from '../../src/time/units';
import { tandem } from '../helpers/cli';
import { runHumanize } from '../../bridge/cli/humanize';
import { InvalidValueError } from '../../src/errors';

const dir = mkdtempSync(join(tmpdir(), 'tandem-humanize-'));
const std = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
};

/** A quantized 4-bar rock beat at velocity 100 (kick, snare, closed hat), plus a bass note on channel 1. */
function writeRockClip(name: string, offGrid = 0): string {
  const notes: Note[] = [];
  const at = (step: number, pitch: number) => notes.push({ pitch, velocity: 100, startTicks: step * TICKS_PER_STEP, durationTicks: 60, channel: DRUM_CHANNEL });
  for (let s = 0; s < 64; s++) {
    if (s % 2 === 0) at(s, 42);
    if (s % 8 === 0) at(s, 36);
    if (s % 8 === 4) at(s, 38);
  }
  notes[3].startTicks += offGrid;
  notes.push({ pitch: 40, velocity: 80, startTicks: 0, durationTicks: 960, channel: 0 });
  const file = join(dir, name);
  writeFileSync(file, writeMidiFile(makeSequence(notes, { bpm: 120, totalTicks: 64 * TICKS_PER_STEP })));
  return file;
}

describe('tandem humanize', { timeout: 180_000 }, () => {
  it("turns a quantized rock beat into one with a drummer's velocities and timing, every note kept", () => {
    const input = writeRockClip('rock.mid');
    const out = join(dir, 'rock-human.mid');
    const r = tandem(['humanize', input, '--out', out, '--genre', 'rock', '--seed', '4', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { notes: number; untouched: number; quantized: number };
    expect(res).toMatchObject({ notes: 48, untouched: 1, quantized: 0 });
    const before = readMidiFile(readFileSync(input)).sequence.notes;
    const after = readMidiFile(readFileSync(out)).sequence.notes;
    expect(after).toHaveLength(before.length);
    const drums = after.filter((n) => n.channel === DRUM_CHANNEL);
    // Same pitches on the same 16ths, now with varied velocities and off-grid timing.
    const key = (n: Note) => `${n.pitch}@${Math.round(n.startTicks / TICKS_PER_STEP)}`;
    expect(drums.map(key).sort()).toEqual(
      before
        .filter((n) => n.channel === DRUM_CHANNEL)
        .map(key)
        .sort(),
    );
    expect(std(drums.map((n) => n.velocity))).toBeGreaterThan(8);
    expect(drums.filter((n) => n.startTicks % TICKS_PER_STEP !== 0).length).toBeGreaterThan(drums.length / 2);
    expect(after.find((n) => n.channel === 0)).toMatchObject({ pitch: 40, velocity: 80, startTicks: 0 });
  });

  it('--amount 0 writes the clip back unchanged', async () => {
    const input = writeRockClip('rock0.mid');
    const out = join(dir, 'rock0-human.mid');
    await runHumanize(input, { out, amount: '0' });
    const a = readMidiFile(readFileSync(input)).sequence.notes.map((n) => [n.pitch, n.startTicks, n.velocity]);
    expect(readMidiFile(readFileSync(out)).sequence.notes.map((n) => [n.pitch, n.startTicks, n.velocity])).toEqual(a);
  });

  it('counts the notes it quantizes first', async () => {
    const input = writeRockClip('loose.mid', 100);
    const res = await runHumanize(input, { out: join(dir, 'loose-human.mid') });
    expect(res).toMatchObject({ notes: 48, quantized: 1 });
  });

  it('refuses bad input with an error naming what was wrong: no drums, bad amount, missing or existing --out', async () => {
    const bass = join(dir, 'bass.mid');
    writeFileSync(bass, writeMidiFile(makeSequence([{ pitch: 40, velocity: 80, startTicks: 0, durationTicks: 960, channel: 0 }], { bpm: 120 })));
    const input = writeRockClip('rock2.mid');
    await expect(runHumanize(bass, { out: join(dir, 'x.mid') })).rejects.toThrow(/drum notes on channel 10/);
    await expect(runHumanize(input, { out: join(dir, 'y.mid'), amount: '2' })).rejects.toThrow(InvalidValueError);
    await expect(runHumanize(input, {})).rejects.toThrow(/--out/);
    await expect(runHumanize(input, { out: input, force: true })).rejects.toThrow(/different file/);
    const taken = join(dir, 'taken.mid');
    writeFileSync(taken, 'keep me');
    await expect(runHumanize(input, { out: taken })).rejects.toThrow(/already exists/);
    expect(readFileSync(taken, 'utf8')).toBe('keep me');
  });

  it('tells a user one line and exits 2 for a clip without drums', () => {
    const bass = join(dir, 'bass-only.mid');
    writeFileSync(bass, writeMidiFile(makeSequence([{ pitch: 40, velocity: 80, startTicks: 0, durationTicks: 960, channel: 0 }], { bpm: 120 })));
    const r = tandem(['humanize', bass, '--out', join(dir, 'z.mid')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/drum notes on channel 10/);
  });
});
