import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../bridge/data/paths';
import { findBrowser } from '../../bridge/engine/find-browser';
import { pidAlive, sweepDeadProfiles } from '../../bridge/engine/profiles';
import { until } from '../helpers/wait';

const tmp = () => mkdtempSync(join(tmpdir(), 'tandem-profiles-'));

/** A process id that ran and exited (not reused this quickly on a normal system). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  expect(pidAlive(r.pid!)).toBe(false);
  return r.pid!;
}

describe('browser profile sweep', () => {
  it('removes only the profiles of Tandem processes that no longer run', () => {
    const root = tmp();
    const dead = deadPid();
    const names = [
      `tandem-chromium-${dead}-aB3xYz`,
      `tandem-chromium-${process.pid}-aB3xYz`,
      `tandem-chromium-1-aB3xYz`,
      'tandem-chromium-aB3xYz',
      'something-else',
    ];
    for (const n of names) mkdirSync(join(root, n, 'Default'), { recursive: true });
    expect(sweepDeadProfiles(root)).toEqual([join(root, names[0])]);
    expect(readdirSync(root).sort()).toEqual(names.slice(1).sort());
  });
});

/** Runs `tandem generate` on Chromium with its own temp folder; resolves once its profile exists. */
async function generateUntilProfile(root: string): Promise<{ pid: number; exited: Promise<{ code: number | null; signal: string | null }> }> {
  const child = spawn(
    process.execPath,
    [join(REPO_ROOT, 'bin', 'tandem.js'), 'generate', '--engine', 'chromium', '--count', '8', '--bars', '32', '--out', join(root, 'out') + '/'],
    { env: { ...process.env, TMPDIR: root }, stdio: 'ignore' },
  );
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const t0 = Date.now();
  while (!readdirSync(root).some((n) => n.startsWith('tandem-chromium-'))) {
    if (Date.now() - t0 > 60_000) throw new Error('no browser profile appeared in 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  // let the browser start writing into it
  await new Promise((r) => setTimeout(r, 1500));
  return { pid: child.pid!, exited };
}

const leftovers = (root: string) => readdirSync(root).filter((n) => n.startsWith('tandem-chromium-') || n.startsWith('org.chromium.'));

const noBrowser = !findBrowser().path && process.env.CI !== 'true';
describe.skipIf(noBrowser)(`generate on Chromium, interrupted${noBrowser ? ' [skipped: no Chrome/Chromium on this machine]' : ''}`, () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal}: exits ${code} and leaves no browser profile`, async () => {
      const root = tmp();
      const run = await generateUntilProfile(root);
      process.kill(run.pid, signal);
      expect(await run.exited).toEqual({ code, signal: null });
      // Chromium's own helper processes remove its singleton-socket folder (org.chromium.*) as they
      // exit, which on a loaded machine can be a moment after Tandem itself has: what counts is
      // that nothing is left once they are gone (3 s at most), not the order.
      await until("Chromium's helpers to remove what is left of the profile", () => leftovers(root).length === 0, 3000, 100);
    });
  }

  it('kill -9: the profile left behind is swept at the next start', async () => {
    const root = tmp();
    const run = await generateUntilProfile(root);
    process.kill(run.pid, 'SIGKILL');
    await run.exited;
    const left = leftovers(root).filter((n) => n.startsWith('tandem-chromium-'));
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(new RegExp(`^tandem-chromium-${run.pid}-`));
    // what the next launch does first: the profile and Chromium's singleton-socket folder go
    expect(sweepDeadProfiles(root)).toEqual([join(root, left[0])]);
    expect(leftovers(root)).toEqual([]);
  });
});
