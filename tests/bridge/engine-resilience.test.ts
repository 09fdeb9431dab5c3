import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../bridge/data/paths';
import { pidAlive } from '../../bridge/engine/chromium-host';
import { ChromiumEngine } from '../../bridge/engine/chromium-engine';
import { EngineClosedError } from '../../bridge/engine/engine';
import { NodeEngine } from '../../bridge/engine/node-engine';
import { drumRequest, eventually, plain, processGroup, testBrowser, testDrumModel } from './engine-fixtures';

const model = testDrumModel();
const browser = testBrowser();
const LONG = 240_000;
// Forcing wasm skips the full probe: these tests are about the browser's life, not backend choice.
const FAST = { backend: 'wasm', launchTimeoutMs: 30_000, loadTimeoutMs: 60_000 } as const;

describe.skipIf(!browser.path)(`ChromiumEngine resilience${browser.skip ? ` (${browser.skip})` : ''}`, () => {
  let node: NodeEngine;
  const req = drumRequest({ style: 'rock', density: 0.6, bars: 8, seed: 5, count: 2 });
  let expected: ReturnType<typeof plain>;
  beforeAll(async () => {
    node = new NodeEngine();
    await node.load(model);
    expected = plain(await node.generate(req));
  });
  afterAll(() => node?.close());

  it(
    'relaunches after the browser is killed between requests, and gives the same notes',
    async () => {
      const log: string[] = [];
      const engine = new ChromiumEngine({ ...FAST, executablePath: browser.path, log: (l) => log.push(l) });
      try {
        await engine.load(model);
        const first = engine.browserPid!;
        process.kill(first, 'SIGKILL');
        expect(await eventually(() => !pidAlive(first))).toBe(true);
        expect(plain(await engine.generate(req))).toEqual(expected);
        expect(engine.info()).toMatchObject({ running: 'chromium', relaunches: 1 });
        expect(engine.browserPid).not.toBe(first);
        expect(log).toHaveLength(1);
        expect(log[0]).toMatch(/^tandem: engine browser failed \(the engine browser \(pid \d+\) disconnected.*\); relaunching it and retrying once$/);
      } finally {
        await engine.close();
      }
    },
    LONG,
  );

  it(
    'retries a request whose browser is killed while it generates',
    async () => {
      const engine = new ChromiumEngine({ ...FAST, executablePath: browser.path, log: () => undefined });
      const big = drumRequest({ style: 'funk', bars: 64, seed: 8, count: 16 });
      try {
        await engine.load(model);
        const pid = engine.browserPid!;
        const pending = engine.generate(big);
        await new Promise((r) => setTimeout(r, 300));
        process.kill(pid, 'SIGKILL');
        const grids = await pending;
        expect(plain(grids)).toEqual(plain(await node.generate(big)));
        expect(engine.info().relaunches).toBe(1);
      } finally {
        await engine.close();
      }
    },
    LONG,
  );

  it(
    'treats a browser that stops answering as hung: kills it, relaunches, answers',
    async () => {
      const engine = new ChromiumEngine({ ...FAST, generateTimeoutMs: 2_000, executablePath: browser.path, log: () => undefined });
      let stopped = 0;
      try {
        await engine.load(model);
        stopped = engine.browserPid!;
        process.kill(stopped, 'SIGSTOP');
        const t0 = Date.now();
        expect(plain(await engine.generate(req))).toEqual(expected);
        expect(Date.now() - t0).toBeGreaterThanOrEqual(2_000);
        expect(engine.info().relaunches).toBe(1);
        expect(await eventually(() => !pidAlive(stopped))).toBe(true);
      } finally {
        if (stopped && pidAlive(stopped)) process.kill(stopped, 'SIGKILL');
        await engine.close();
      }
    },
    LONG,
  );

  it(
    'falls back to NodeEngine with one log line when the relaunch fails too',
    async () => {
      // A browser that starts once: the wrapper execs Chromium the first time and fails after.
      const dir = mkdtempSync(join(tmpdir(), 'tandem-once-'));
      const wrapper = join(dir, 'chromium-once');
      writeFileSync(
        wrapper,
        `#!/bin/sh\nif [ -e "${dir}/started" ]; then echo "refusing a second start" >&2; exit 1; fi\ntouch "${dir}/started"\nexec "${browser.path}" "$@"\n`,
      );
      chmodSync(wrapper, 0o755);
      const log: string[] = [];
      const engine = new ChromiumEngine({ ...FAST, executablePath: wrapper, log: (l) => log.push(l) });
      try {
        await engine.load(model);
        const pid = engine.browserPid!;
        process.kill(pid, 'SIGKILL');
        expect(plain(await engine.generate(req))).toEqual(expected);
        const info = engine.info();
        expect(info).toMatchObject({ kind: 'chromium', running: 'node', backend: 'wasm', relaunches: 1 });
        expect(info.fallbackReason).toMatch(/disconnected.*after a relaunch: could not start the engine browser/);
        expect(log).toHaveLength(2);
        expect(log[1]).toMatch(/^tandem: the Chromium engine failed twice, so models run in-process from now on \(NodeEngine on wasm\): /);
        expect(plain(await engine.generate(req))).toEqual(expected);
        expect(log).toHaveLength(2);
        expect(processGroup(pid)).toEqual([]);
      } finally {
        await engine.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    LONG,
  );

  it(
    'leaves no browser process behind on close, and never hangs a caller',
    async () => {
      const engine = new ChromiumEngine({ ...FAST, executablePath: browser.path, log: () => undefined });
      await engine.load(model);
      const pid = engine.browserPid!;
      const profile = engine.info().browser!;
      expect(processGroup(pid).length).toBeGreaterThan(1); // the browser and its renderer, GPU and utility processes
      const pending = engine.generate(drumRequest({ bars: 64, count: 16, seed: 2 }));
      const settled = pending.then(
        () => 'resolved',
        (err: unknown) => err,
      );
      await new Promise((r) => setTimeout(r, 200));
      await engine.close();
      expect(await settled).toBeInstanceOf(Error);
      expect(pidAlive(pid)).toBe(false);
      expect(processGroup(pid)).toEqual([]);
      expect(profile.path).toBe(browser.path);
      await expect(engine.generate(req)).rejects.toThrow(EngineClosedError);
      await engine.close(); // idempotent
    },
    LONG,
  );

  it(
    'takes the browser down with it when the Node process is killed outright',
    async () => {
      // SIGKILL runs no handler: Chromium must notice its DevTools pipe closing and exit on its own.
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'tests/bridge/engine-child.ts'), browser.path!, model.dir], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      try {
        expect(await eventually(() => /browser-pid \d+/.test(out), 120_000)).toBe(true);
        const pid = Number(/browser-pid (\d+)/.exec(out)![1]);
        expect(processGroup(pid).length).toBeGreaterThan(0);
        child.kill('SIGKILL');
        expect(await eventually(() => processGroup(pid).length === 0, 15_000)).toBe(true);
      } finally {
        child.kill('SIGKILL');
      }
    },
    LONG,
  );

  it(
    'removes its temporary profile',
    async () => {
      const before = new Set(listProfiles());
      const engine = new ChromiumEngine({ ...FAST, executablePath: browser.path, log: () => undefined });
      await engine.load(model);
      // Only this process's: other test files (and other checkouts' tests) start browsers at the same time.
      const mine = listProfiles().filter((p) => !before.has(p) && p.startsWith(`tandem-chromium-${process.pid}-`));
      expect(mine).toHaveLength(1);
      await engine.close();
      expect(existsSync(join(tmpdir(), mine[0]))).toBe(false);
    },
    LONG,
  );
});

function listProfiles(): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith('tandem-chromium-'));
}
