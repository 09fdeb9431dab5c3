import { chmodSync, chownSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findNode, findTandemHome, nodeCandidates, untrusted } from '../../max-device/src/client/bridge-launcher';

const me = { uid: process.getuid!(), gid: process.getgid!() };
const other = { uid: me.uid === 65534 ? 65533 : 65534, gid: me.gid === 65534 ? 65533 : 65534 };

/**
 * Makes `path` another account's, and returns who checks it: as root the file is given to nobody
 * (root may chown); otherwise the same file is checked as if by another user.
 */
function foreign(path: string): { uid: number; gid: number } {
  if (me.uid !== 0) return other;
  chownSync(path, 65534, 65534);
  return me;
}

/** A Tandem checkout in a private folder (0755 all the way down from a 0700 temp folder). */
function checkout(): { root: string; home: string; dist: string } {
  const root = mkdtempSync(join(tmpdir(), 'tandem-trust-'));
  const home = join(root, 'tandem');
  mkdirSync(join(home, 'bin'), { recursive: true });
  mkdirSync(join(home, 'node_modules'));
  mkdirSync(join(home, 'max-device', 'dist'), { recursive: true });
  writeFileSync(join(home, 'package.json'), JSON.stringify({ name: 'tandem' }));
  writeFileSync(join(home, 'bin', 'tandem.js'), '');
  for (const p of [home, join(home, 'bin'), join(home, 'node_modules')]) chmodSync(p, 0o755);
  chmodSync(join(home, 'bin', 'tandem.js'), 0o644);
  return { root, home, dist: join(home, 'max-device', 'dist') };
}

describe('device launcher trusts only what the user owns', () => {
  it('finds a checkout the user owns and no one else can write', () => {
    const { home, dist } = checkout();
    expect(findTandemHome({}, dist, me)).toEqual({ home, bin: join(home, 'bin', 'tandem.js') });
  });

  it('refuses a checkout others can write to (the repo, bin/tandem.js, node_modules), naming the path', () => {
    for (const rel of ['', 'bin/tandem.js', 'node_modules', 'bin']) {
      const { home, dist } = checkout();
      const p = join(home, rel);
      chmodSync(p, rel === 'bin/tandem.js' ? 0o646 : 0o757);
      expect(findTandemHome({}, dist, me), rel).toEqual({
        reason: expect.stringContaining(`is not trusted: ${p.replace(/\/$/, '')} is writable by every user`),
      });
    }
    const { home, dist } = checkout();
    chmodSync(home, 0o775);
    // group-writable: fine for the user's own group, not for another group
    expect(findTandemHome({}, dist, me)).toHaveProperty('home');
    expect(findTandemHome({}, dist, { uid: me.uid, gid: other.gid === me.gid ? 1 : other.gid })).toEqual({
      reason: expect.stringMatching(/is writable by group/),
    });
  });

  it('refuses a checkout that belongs to another user (a tree another account planted above the device)', () => {
    const { home, dist } = checkout();
    const runner = foreign(home);
    expect(findTandemHome({}, dist, runner)).toEqual({ reason: expect.stringMatching(new RegExp(`${home} belongs to another user \\(uid \\d+\\)`)) });
  });

  it('refuses a world-writable folder above the checkout unless it is sticky (like /tmp)', () => {
    const { root, dist, home } = checkout();
    chmodSync(root, 0o777);
    expect(findTandemHome({}, dist, me)).toEqual({ reason: expect.stringContaining(`${root} (above ${home}) is writable by every user`) });
    chmodSync(root, 0o1777);
    expect(findTandemHome({}, dist, me)).toHaveProperty('home');
  });

  it('skips a Node binary another account owns, and relative PATH entries', () => {
    const { root } = checkout();
    const node = join(root, 'node');
    writeFileSync(node, '#!/bin/sh\necho v22.1.0\n');
    chmodSync(node, 0o755);
    expect(findNode({}, [node], me)).toEqual({ path: node, version: 'v22.1.0' });
    expect(untrusted(node, me)).toBeUndefined();
    const runner = foreign(node);
    expect(findNode({}, [node], runner)).toEqual({ reason: expect.stringMatching(/not trusted: .*node belongs to another user/) });
    const env = { PATH: ['.', 'bin', '/usr/bin', '../x'].join(':') };
    expect(nodeCandidates(env, 'linux', '/home/u').filter((c) => !c.startsWith('/'))).toEqual([]);
    expect(nodeCandidates(env, 'linux', '/home/u')[0]).toBe('/usr/bin/node');
  });
});
