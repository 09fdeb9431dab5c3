import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidAlive } from '../../bridge/engine/chromium-host';
import { ChromiumEngine } from '../../bridge/engine/chromium-engine';
import { NodeEngine } from '../../bridge/engine/node-engine';
import { engineRequest, eventually, plain, processGroup, testBrowser, testNetModel } from './engine-fixtures';

const browser = testBrowser();
const LONG = 240_000;
const FAST = { backend: 'wasm', launchTimeoutMs: 30_000, loadTimeoutMs: 60_000 } as const;
const drums = testNetModel('drums');
const bass = testNetModel('bass');

describe.skipIf(!browser.path)(`Chromium engines share one browser${browser.skip ? ` (${browser.skip})` : ''}`, () => {
  const drumReq = engineRequest('drums', { style: 'funk', density: 0.6, bars: 4, seed: 11 });
  const bassReq = engineRequest('bass', { style: 'pop', key: 'A minor', chords: 'Am F C G', bars: 4, seed: 11 });
  const expected: Record<string, unknown> = {};
  beforeAll(async () => {
    for (const [name, model, req] of [
      ['drums', drums, drumReq],
      ['bass', bass, bassReq],
    ] as const) {
      const node = new NodeEngine();
      await node.load(model);
      expected[name] = plain(await node.generate(req));
      await node.close();
    }
  }, LONG);

  const open = async (generateTimeoutMs = 20_000) => {
    const a = new ChromiumEngine({ ...FAST, generateTimeoutMs, executablePath: browser.path, log: () => undefined });
    const b = new ChromiumEngine({ ...FAST, generateTimeoutMs, executablePath: browser.path, log: () => undefined });
    await Promise.all([a.load(drums), b.load(bass)]);
    return [a, b] as const;
  };
  let engines: ChromiumEngine[] = [];
  afterAll(async () => {
    for (const e of engines) await e.close();
  });

  it(
    'runs two models in pages of one browser, each giving its own notes; the last to close ends it',
    async () => {
      const [a, b] = await open();
      engines = [a, b];
      expect(a.browserPid).toBeDefined();
      expect(b.browserPid).toBe(a.browserPid);
      const [gotDrums, gotBass] = await Promise.all([a.generate(drumReq), b.generate(bassReq)]);
      expect(plain(gotDrums)).toEqual(expected.drums);
      expect(plain(gotBass)).toEqual(expected.bass);
      const pid = a.browserPid!;
      await a.close();
      expect(pidAlive(pid)).toBe(true);
      expect(plain(await b.generate(bassReq))).toEqual(expected.bass);
      await b.close();
      expect(await eventually(() => processGroup(pid).length === 0)).toBe(true);
    },
    LONG,
  );

  it(
    'relaunches one browser for both after it is killed, and both give the same notes again',
    async () => {
      const [a, b] = await open();
      engines = [a, b];
      const first = a.browserPid!;
      process.kill(first, 'SIGKILL');
      expect(await eventually(() => !pidAlive(first))).toBe(true);
      const [gotDrums, gotBass] = await Promise.all([a.generate(drumReq), b.generate(bassReq)]);
      expect(plain(gotDrums)).toEqual(expected.drums);
      expect(plain(gotBass)).toEqual(expected.bass);
      expect(a.browserPid).not.toBe(first);
      expect(b.browserPid).toBe(a.browserPid);
      expect(a.info().relaunches + b.info().relaunches).toBe(2);
      const pid = a.browserPid!;
      await Promise.all([a.close(), b.close()]);
      expect(await eventually(() => processGroup(pid).length === 0)).toBe(true);
    },
    LONG,
  );

  it(
    'ends a browser that stops answering even while another engine holds it; both go on in a new one',
    async () => {
      const [a, b] = await open(2_000);
      engines = [a, b];
      const stopped = a.browserPid!;
      try {
        process.kill(stopped, 'SIGSTOP');
        const [gotDrums, gotBass] = await Promise.all([a.generate(drumReq), b.generate(bassReq)]);
        expect(plain(gotDrums)).toEqual(expected.drums);
        expect(plain(gotBass)).toEqual(expected.bass);
        expect(await eventually(() => !pidAlive(stopped))).toBe(true);
        expect(b.browserPid).toBe(a.browserPid);
      } finally {
        if (pidAlive(stopped)) process.kill(stopped, 'SIGKILL');
        await Promise.all([a.close(), b.close()]);
      }
    },
    LONG,
  );
});
