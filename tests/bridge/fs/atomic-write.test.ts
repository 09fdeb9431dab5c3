import { lstatSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicAsync } from '../../../bridge/fs/atomic-write';
import { FileAccessError } from '../../../bridge/fs/errors';
import { asyncOf, fullDisk, refusingOpen } from '../../helpers/faulty-fs';

const tmp = () => mkdtempSync(join(tmpdir(), 'tandem-atomic-'));
const data = Buffer.from('MThd' + 'x'.repeat(4000));

function caught(fn: () => unknown): FileAccessError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FileAccessError);
    return err as FileAccessError;
  }
  throw new Error('expected a FileAccessError');
}

describe('writeFileAtomic', () => {
  it('writes the whole file and leaves no temporary file', () => {
    const dir = tmp();
    const file = writeFileAtomic(join(dir, 'a.mid'), data);
    expect(readFileSync(file)).toEqual(data);
    expect(readdirSync(dir)).toEqual(['a.mid']);
  });

  it('on a full disk leaves neither an empty nor a truncated file, and says why in one line', () => {
    const dir = tmp();
    const disk = fullDisk(1000);
    const err = caught(() => writeFileAtomic(join(dir, 'a.mid'), data, { fs: disk }));
    expect(err.message).toBe(`cannot write ${join(dir, 'a.mid')}: no space left on the device (ENOSPC)`);
    expect(err.message).not.toContain('\n');
    expect(err.badInput).toBe(false);
    expect(disk.writes).toBeGreaterThan(1); // the first 1000 bytes really went to disk, then ENOSPC
    expect(readdirSync(dir)).toEqual([]);
  });

  it('on a full disk keeps the old file whole when replacing', () => {
    const dir = tmp();
    const file = join(dir, 'cache.json');
    writeFileSync(file, 'old');
    expect(() => writeFileAtomic(file, data, { replace: true, fs: fullDisk(10) })).toThrow(/no space left/);
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['cache.json']);
  });

  it('names the path and reason on a read-only folder', () => {
    const dir = tmp();
    expect(() => writeFileAtomic(join(dir, 'a.mid'), data, { fs: refusingOpen('EROFS') })).toThrow(
      `cannot write ${join(dir, 'a.mid')}: the file system is read-only (EROFS)`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('never replaces an existing file unless asked', () => {
    const dir = tmp();
    const file = join(dir, 'mine.txt');
    writeFileSync(file, 'my notes');
    const err = caught(() => writeFileAtomic(file, data));
    expect(err.message).toMatch(/mine.txt already exists \(use --force to replace it\)/);
    expect(err.badInput).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('my notes');
    writeFileAtomic(file, data, { replace: true });
    expect(readFileSync(file)).toEqual(data);
    expect(readdirSync(dir)).toEqual(['mine.txt']);
  });

  it('refuses to write through a symbolic link, even when replacing', () => {
    const dir = tmp();
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    const link = join(dir, 'out.mid');
    symlinkSync(victim, link);
    for (const replace of [false, true]) {
      expect(() => writeFileAtomic(link, data, { replace })).toThrow(/out.mid: it is a symbolic link/);
    }
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    // a dangling link is refused too (it would create the file it points at)
    const dangling = join(dir, 'dangling.mid');
    symlinkSync(join(dir, 'nowhere.mid'), dangling);
    expect(() => writeFileAtomic(dangling, data)).toThrow(/symbolic link/);
    expect(readdirSync(dir).sort()).toEqual(['dangling.mid', 'out.mid', 'victim.txt']);
  });

  it('says "a part of the path is a file" for a path under a file, and "too long" for a 300-character name', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'file'), '');
    expect(() => writeFileAtomic(join(dir, 'file', 'x.mid'), data, { mkdir: true })).toThrow(
      /cannot write .*file\/x.mid: a part of the path is a file, not a folder \(ENOTDIR\)/,
    );
    expect(() => writeFileAtomic(join(dir, 'x'.repeat(300) + '.mid'), data)).toThrow(/the name is too long for the file system \(ENAMETOOLONG\)/);
    expect(readdirSync(dir)).toEqual(['file']);
  });
});

describe('writeFileAtomicAsync (the same steps, off the event loop)', () => {
  it('writes the whole file, never replaces one unless asked, and leaves no temporary file', async () => {
    const dir = tmp();
    const file = await writeFileAtomicAsync(join(dir, 'a.mid'), data);
    expect(readFileSync(file)).toEqual(data);
    await expect(writeFileAtomicAsync(file, 'other')).rejects.toThrow(/a.mid already exists \(use --force to replace it\)/);
    expect(readFileSync(file)).toEqual(data);
    await writeFileAtomicAsync(file, 'other', { replace: true });
    expect(readFileSync(file, 'utf8')).toBe('other');
    expect(readdirSync(dir)).toEqual(['a.mid']);
  });

  it('on a full disk leaves neither an empty nor a truncated file, and says why in one line', async () => {
    const dir = tmp();
    const disk = fullDisk(1000);
    const err = await writeFileAtomicAsync(join(dir, 'a.mid'), data, { fs: asyncOf(disk) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileAccessError);
    expect((err as Error).message).toBe(`cannot write ${join(dir, 'a.mid')}: no space left on the device (ENOSPC)`);
    expect(disk.writes).toBeGreaterThan(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses to write through a symbolic link, even when replacing', async () => {
    const dir = tmp();
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    const link = join(dir, 'out.mid');
    symlinkSync(victim, link);
    for (const replace of [false, true]) await expect(writeFileAtomicAsync(link, data, { replace })).rejects.toThrow(/out.mid: it is a symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readdirSync(dir).sort()).toEqual(['out.mid', 'victim.txt']);
  });
});
