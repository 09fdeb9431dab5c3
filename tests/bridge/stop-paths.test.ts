import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testBrowser } from './engine-fixtures';
import { noteOns, unreleased } from '../helpers/midi';

const ROOT = join(import.meta.dirname, '..', '..');

interface Run {
  code: number | null;
  stderr: string;
  /** [status, data1, data2, ms since the child started] per message sent, in order. */
  sent: number[][];
}

/**
 * Runs a `play` session in a child (tests/helpers/play-child.ts) whose output is an in-memory port,
 * does `act` once notes are flowing, and reads back every message it sent.
 */
async function playAndStop(engine: 'baseline' | 'chromium', act: (pid: number) => void, fault?: 'throw'): Promise<Run> {
  const file = join(mkdtempSync(join(tmpdir(), 'tandem-stop-')), 'sent.json');
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tests/helpers/play-child.ts'), file, engine, ...(fault ? [fault] : [])], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let acted = false;
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    // Three seconds after the session starts playing, act.
    if (!acted && /tandem: playing /.test(stderr)) {
      acted = true;
      setTimeout(() => act(child.pid!), 3000);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { code, stderr, sent: JSON.parse(readFileSync(file, 'utf8')) as number[][] };
}

const asMsgs = (sent: number[][]) => sent.map(([a, b, c, t]) => ({ bytes: [a, b, c] as [number, number, number], timeMs: t }));

describe('stop paths of play: every note-on gets its note-off', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} while notes sound`, async () => {
      const r = await playAndStop('baseline', (pid) => process.kill(pid, signal));
      expect(r.code, r.stderr).toBe(0);
      expect(noteOns(asMsgs(r.sent)).length, r.stderr).toBeGreaterThan(8);
      expect(unreleased(asMsgs(r.sent))).toEqual([]);
      // the last thing sent is the panic: All Notes Off on the drum channel
      expect(r.sent.some(([s, d]) => s === 0xb9 && d === 123)).toBe(true);
    }, 90_000);
  }

  it('an uncaught error: stopped with the error named, exit 1, no stuck note', async () => {
    const r = await playAndStop('baseline', (pid) => process.kill(pid, 'SIGUSR2'), 'throw');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stopped by: an injected uncaught error/);
    expect(noteOns(asMsgs(r.sent)).length).toBeGreaterThan(4);
    expect(unreleased(asMsgs(r.sent))).toEqual([]);
  }, 90_000);

  // With CI=true a missing browser fails here (testBrowser) instead of skipping.
  const browser = testBrowser();
  it.skipIf(!browser.path)(
    `the browser killed mid-play: the music goes on (a worker thread takes over), then Ctrl-C leaves no stuck note${browser.skip ? ` (${browser.skip})` : ''}`,
    async () => {
      let killedAt = 0;
      const t0 = performance.now();
      const r = await playAndStop('chromium', (pid) => {
        // The engine's Chromium is a descendant of the child: kill its browser process (the one with --user-data-dir).
        const tree = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
          .trim()
          .split('\n')
          .map((l) => l.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/)!);
        const parentOf = new Map(tree.map((t) => [Number(t[1]), Number(t[2])]));
        const under = (p: number): boolean => {
          for (let q = parentOf.get(p); q; q = parentOf.get(q)) if (q === pid) return true;
          return false;
        };
        const browser = tree.find((t) => under(Number(t[1])) && /--user-data-dir/.test(t[3]) && !/--type=/.test(t[3]));
        expect(browser, 'the engine browser under the play process').toBeDefined();
        process.kill(Number(browser![1]), 'SIGKILL');
        killedAt = performance.now() - t0;
        setTimeout(() => process.kill(pid, 'SIGINT'), 8000);
      });
      expect(r.code, r.stderr).toBe(0);
      expect(unreleased(asMsgs(r.sent))).toEqual([]);
      // notes kept coming after the kill (the child's clock started before ours; compare late notes only)
      const last = Math.max(...noteOns(asMsgs(r.sent)).map((m) => m.timeMs));
      expect(last, r.stderr).toBeGreaterThan(killedAt + 3000);
    },
    150_000,
  );
});
