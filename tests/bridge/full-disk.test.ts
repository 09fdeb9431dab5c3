import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tandem } from '../helpers/cli';

/**
 * The real CLI on a real full disk: a 128 KB tmpfs, filled up. Mounting needs root; elsewhere these
 * cases skip and say why (the same paths are covered by the injected-ENOSPC tests in
 * tests/bridge/fs/atomic-write.test.ts and tests/bridge/storage/suggestions.test.ts, which run everywhere).
 */
const mnt = mkdtempSync(join(tmpdir(), 'tandem-fulldisk-'));
let why = '';
try {
  if (process.getuid?.() !== 0) why = 'not running as root, so no tmpfs can be mounted';
  else execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=128k', 'tmpfs', mnt], { stdio: 'pipe' });
} catch (err) {
  why = `mounting a tmpfs failed: ${(err as Error).message.split('\n')[0]}`;
}
if (why) console.warn(`full-disk tests skipped: ${why}`);

describe.skipIf(why !== '')(`on a real full disk (tmpfs)${why ? ` [skipped: ${why}]` : ''}`, () => {
  beforeAll(() => {
    try {
      writeFileSync(join(mnt, 'filler'), Buffer.alloc(1 << 20));
    } catch {
      // ENOSPC: the disk is full now, which is the point
    }
    expect(statSync(join(mnt, 'filler')).size).toBe(128 * 1024);
  });
  afterAll(() => {
    execFileSync('umount', [mnt]);
  });

  it('generate: exit 1, one line naming the file and ENOSPC, nothing left behind', () => {
    const r = tandem(['generate', '--model-impl', 'baseline', '--out', mnt + '/']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^tandem: cannot write .*drums-ngram-rock-.*-1.mid: no space left on the device \(ENOSPC\)$/);
    expect(readdirSync(mnt)).toEqual(['filler']);
  });

  it('play: the music goes on, the user is told once, no empty file, exit 1', () => {
    const out = join(mnt, 'sessions');
    mkdirSync(out);
    const r = tandem(['play', '--model-impl', 'baseline', '--engine', 'node', '--duration', '5s', '--out', out]);
    expect(r.stdout).toMatch(/played [1-9]\d* phrase/);
    expect(r.stderr.match(/cannot save suggestions/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/tandem: \d+ suggestion\(s\) could not be saved \(last: .*no space left on the device \(ENOSPC\)\)/);
    expect(r.code).toBe(1);
    const [session] = readdirSync(out);
    expect(readdirSync(join(out, session))).toEqual([]);
  });
});
