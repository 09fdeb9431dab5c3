/**
 * Melody and bass in the Chromium page (issue 12 point 2: one engine for all three models): the
 * page builds the same network with the same factory as Node, and the same request and seed give
 * the same notes in the page and in NodeEngine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChromiumEngine } from '../../bridge/engine/chromium-engine';
import { EngineModelMismatchError, type EngineRequest } from '../../bridge/engine/engine';
import { NodeEngine } from '../../bridge/engine/node-engine';
import { engineRequest, plain, testBrowser, testNetModel } from './engine-fixtures';

const browser = testBrowser();
const LONG = 240_000;

describe.skipIf(!browser.path)(`melody and bass in real headless Chromium${browser.skip ? ` (${browser.skip})` : ''}`, () => {
  let engine: ChromiumEngine;
  let node: NodeEngine;

  beforeAll(async () => {
    // wasm and cpu: the backends every machine has (the full probe, software WebGPU/WebGL included, is the drum test's).
    engine = new ChromiumEngine({ executablePath: browser.path, probeCache: false, candidates: ['wasm', 'cpu'], log: () => undefined });
    await engine.load(testNetModel('melody'));
    node = new NodeEngine();
    await node.load(testNetModel('melody'));
  }, LONG);
  afterAll(async () => {
    await engine?.close();
    await node?.close();
  });

  it("probes the melody network's backends against the reference outputs", () => {
    const info = engine.info();
    expect(info.model).toMatchObject({ id: 'melody-gru', hidden: expect.any(Number) });
    expect(info.backends.map((b) => b.backend)).toEqual(['wasm', 'cpu']);
    for (const b of info.backends) {
      expect(b).toMatchObject({ ok: true, parityError: expect.any(Number) });
      expect(b.parityError).toBeLessThanOrEqual(1e-3);
      expect(b.msPerBar).toBeGreaterThan(0);
    }
    expect(info.backends.filter((b) => b.chosen)).toHaveLength(1);
  });

  const melody: EngineRequest[] = [
    engineRequest('melody', { style: 'reel', key: 'D major', density: 0.6, bars: 8, chords: 'D G A D', seed: 3 }),
    engineRequest('melody', { style: 'pop', chords: 'C G Am F', bars: 4, temperature: 1.2, seed: 12345, count: 3 }),
    engineRequest('melody', { style: 'jig', bars: 4, seed: 9, count: 2 }), // 6/8, chords drawn
    engineRequest('melody', { style: 'any', bars: 2, seed: 1 }),
  ];

  it('gives the same melody notes as NodeEngine for the same request and seed', async () => {
    for (const req of melody) {
      const [fromPage, inProcess] = [await engine.generate(req), await node.generate(req)];
      expect(fromPage).toHaveLength(req.count);
      expect(fromPage[0].notes.length).toBeGreaterThan(0);
      expect(plain(fromPage), `${req.style} seed ${req.seed}`).toEqual(plain(inProcess));
    }
    const [other] = await engine.generate({ ...melody[0], seed: 4 });
    expect(plain([other])).not.toEqual(plain((await node.generate(melody[0])).slice(0, 1)));
  });

  it('continues a melody primer in the page as in-process, and sends a request error back typed', async () => {
    const [primer] = await node.generate(engineRequest('melody', { style: 'hornpipe', bars: 2, seed: 5 }));
    const req = engineRequest('melody', { style: 'hornpipe', bars: 4, seed: 6, count: 2, primer });
    const fromPage = await engine.generate(req);
    expect(plain(fromPage)).toEqual(plain(await node.generate(req)));
    expect(fromPage[0].notes.filter((n) => n.startTicks < primer.totalTicks)).toEqual(primer.notes.filter((n) => n.startTicks < primer.totalTicks));
    await expect(engine.generate(engineRequest('melody', { bars: 2, primer }))).rejects.toThrow(/primer must be shorter than the requested length/);
    await expect(engine.generate(engineRequest('bass', { bars: 2 }))).rejects.toThrow(EngineModelMismatchError);
    expect(engine.info().relaunches).toBe(0);
  });

  it(
    'runs the bass voice of the same network, with the same notes as NodeEngine',
    async () => {
      await engine.load(testNetModel('bass'));
      await node.load(testNetModel('bass'));
      expect(engine.info().model?.id).toBe('bass-gru');
      for (const req of [
        engineRequest('bass', { style: 'pop', key: 'C major', chords: 'C G Am F', bars: 8, seed: 7, count: 2 }),
        engineRequest('bass', { style: 'waltz', bars: 4, seed: 2 }),
      ]) {
        const fromPage = await engine.generate(req);
        expect(fromPage[0].notes.length).toBeGreaterThan(0);
        expect(fromPage[0].notes.every((n) => n.channel === 1)).toBe(true);
        expect(plain(fromPage), `bass ${req.style}`).toEqual(plain(await node.generate(req)));
      }
    },
    LONG,
  );
});
