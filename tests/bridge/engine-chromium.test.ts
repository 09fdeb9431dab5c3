import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChromiumEngine } from '../../bridge/engine/chromium-engine';
import { BackendUnavailableError, type BackendReport } from '../../bridge/engine/engine';
import { NodeEngine } from '../../bridge/engine/node-engine';
import { choiceCost, PRUNE_FACTOR } from '../../bridge/engine/page/protocol';
import { EngineModelMismatchError, type EngineRequest } from '../../bridge/engine/engine';
import { InvalidValueError } from '../../src/errors';
import { drumRequest, engineRequest, plain, testBrowser, testDrumModel, testNetModel } from './engine-fixtures';

const model = testDrumModel();
const browser = testBrowser();
const LONG = 240_000;

describe.skipIf(!browser.path)(`ChromiumEngine in real headless Chromium${browser.skip ? ` (${browser.skip})` : ''}`, () => {
  let engine: ChromiumEngine;
  let node: NodeEngine;
  const log: string[] = [];

  beforeAll(async () => {
    engine = new ChromiumEngine({ executablePath: browser.path, probeCache: false, log: (l) => log.push(l) });
    await engine.load(model);
    node = new NodeEngine();
    await node.load(model);
  }, LONG);
  afterAll(async () => {
    await engine?.close();
    await node?.close();
  });

  it('probes every backend, reports each, and runs on the fastest one that passes parity', () => {
    const info = engine.info();
    expect(info.backends.map((b) => b.backend)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    for (const b of info.backends) {
      if (b.ok) expect(b.parityError).toBeLessThanOrEqual(1e-3);
      else expect(b.reason).toMatch(/\w/);
    }
    const ok = info.backends.filter((b) => b.ok);
    expect(ok.map((b) => b.backend)).toContain('cpu'); // the reference always passes
    const chosen = info.backends.filter((b) => b.chosen);
    expect(chosen).toHaveLength(1);
    expect(chosen[0].ok).toBe(true);
    expect(choiceCost(chosen[0])).toBe(Math.min(...ok.map(choiceCost)));
    // Every working backend is timed at one variation; the batch of 16 only for those within
    // PRUNE_FACTOR of the fastest (the others say why, and cannot be chosen).
    const fastest = Math.min(...ok.map((b) => b.msPerBar!));
    for (const b of ok) {
      expect(b.msPerBar).toBeGreaterThan(0);
      if (b.msPerBar16 === undefined) {
        expect(b.msPerBar!).toBeGreaterThan(PRUNE_FACTOR * fastest); // its single first run, against the fastest's best
        expect(b.note).toMatch(/batch of 16 not timed: [\d.]+x slower than the fastest/);
      } else expect(b.msPerBar16).toBeGreaterThan(0);
    }
    expect(chosen[0].msPerBar16).toBeGreaterThan(0);
    expect(info.backend).toBe(chosen[0].backend);
    expect(info).toMatchObject({ kind: 'chromium', running: 'chromium', relaunches: 0, tfVersion: '4.22.0', probe: 'measured' });
    expect(info.timings!.modelLoadedMs).toBeGreaterThan(info.timings!.pageReadyMs);
    expect(info.browser!.pid).toBeGreaterThan(0);
  });

  const requests: EngineRequest[] = [
    drumRequest({ style: 'funk', density: 0.7, bars: 8, seed: 11, count: 1 }),
    drumRequest({ style: 'jazz', density: 0.3, bars: 4, temperature: 1.3, seed: 12345, count: 4, fillEvery: 2 }),
    drumRequest({ bars: 2, seed: 7, count: 2 }),
  ];

  it('gives the same notes as NodeEngine for the same request and seed', async () => {
    for (const req of requests) {
      const [fromPage, inProcess] = [await engine.generate(req), await node.generate(req)];
      expect(fromPage).toHaveLength(req.count);
      expect(fromPage[0].notes.length).toBeGreaterThan(0);
      expect(plain(fromPage)).toEqual(plain(inProcess));
    }
    const [a] = await engine.generate({ ...requests[0], seed: 99 });
    expect(plain([a])).not.toEqual(plain((await node.generate(requests[0])).slice(0, 1)));
  });

  it('continues a primer in the page as in-process', async () => {
    const [primer] = await node.generate(drumRequest({ style: 'hiphop', bars: 2, seed: 3 }));
    const req = drumRequest({ style: 'hiphop', bars: 4, seed: 4, count: 2, primer });
    expect(plain(await engine.generate(req))).toEqual(plain(await node.generate(req)));
  });

  it(
    'gives the same notes on every backend that passes parity',
    async () => {
      const passing = engine
        .info()
        .backends.filter((b) => b.ok)
        .map((b) => b.backend);
      const req = requests[1];
      const expected = await node.generate(req);
      try {
        for (const backend of passing) {
          const report = await engine.useBackend(backend);
          expect(report).toMatchObject({ backend, ok: true, chosen: true });
          expect(engine.info().backend).toBe(backend);
          // wasm: the same kernels as NodeEngine, bit for bit. Other kernels round float32
          // differently (offsets within 1e-5 of a step), which the notes' whole ticks absorb.
          expect(plain(await engine.generate(req)), `notes on ${backend}`).toEqual(plain(expected));
        }
      } finally {
        await engine.useBackend(engine.info().backends.find((b) => b.chosen)!.backend);
      }
    },
    LONG,
  );

  it('sends a request error back typed, without relaunching', async () => {
    const [primer] = await node.generate(drumRequest({ bars: 2, seed: 1 }));
    await expect(engine.generate(drumRequest({ bars: 2, primer }))).rejects.toThrow(InvalidValueError);
    await expect(engine.generate(drumRequest({ bars: 2, primer }))).rejects.toThrow(/primer must be shorter than the requested length/);
    // A request for another model is refused before it reaches the page.
    await expect(engine.generate(engineRequest('melody', { bars: 2 }))).rejects.toThrow(EngineModelMismatchError);
    expect(engine.info().relaunches).toBe(0);
    expect(await engine.generate(requests[2])).toHaveLength(2);
  });

  describe('network', () => {
    let server: Server;
    let hits = 0;
    let port = 0;
    beforeAll(async () => {
      server = createServer((_, res) => {
        hits++;
        res.end('reached');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('refuses and reports every request to an outside address, loopback included', async () => {
      const targets = [`http://127.0.0.1:${port}/probe`, 'https://example.com/', 'http://198.51.100.7/x.js', 'https://[2001:db8::1]/'];
      for (const url of targets) expect(await engine.tryFetch(url)).toMatch(/^refused: TypeError: Failed to fetch/);
      expect(hits).toBe(0);
      expect(engine.info().blockedRequests).toEqual(expect.arrayContaining(targets));
      for (const url of targets) expect(log).toContain(`tandem: blocked a request from the engine page to ${url} (the page may only load its own files)`);
      // The engine's own origin still answers (the model files it serves).
      expect(await engine.tryFetch('/model/model.json')).toBe('loaded (HTTP 200)');
    });
  });
});

describe.skipIf(!browser.path)(`ChromiumEngine with a forced backend${browser.skip ? ` (${browser.skip})` : ''}`, () => {
  it(
    'runs on the forced backend only, and names one that does not exist here',
    async () => {
      const engine = new ChromiumEngine({ executablePath: browser.path, backend: 'cpu', log: () => undefined });
      try {
        await engine.load(model);
        const info = engine.info();
        expect(info.backend).toBe('cpu');
        expect(info.backends).toEqual([expect.objectContaining({ backend: 'cpu', ok: true, chosen: true, parityError: 0 })]);
      } finally {
        await engine.close();
      }
      const none = new ChromiumEngine({ executablePath: browser.path, backend: 'webgpu', candidates: ['webgpu'], softwareGpu: false, log: () => undefined });
      try {
        // Without the SwiftShader adapter a GPU-less machine has no WebGPU adapter; on a GPU machine it loads.
        const loaded = await none.load(model).then(
          () => 'loaded',
          (err: unknown) => err,
        );
        if (loaded !== 'loaded') expect(loaded).toBeInstanceOf(BackendUnavailableError);
        else expect(none.info().backend).toBe('webgpu');
      } finally {
        await none.close();
      }
    },
    LONG,
  );
});

describe.skipIf(!browser.path)(`ChromiumEngine probe cache${browser.skip ? ` (${browser.skip})` : ''}`, () => {
  it(
    'goes straight to the cached winner, re-checked, and probes all again when it no longer passes',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tandem-probe-'));
      const probeCache = join(dir, 'probe.json');
      const open = async () => {
        const e = new ChromiumEngine({ executablePath: browser.path, probeCache, candidates: ['wasm', 'cpu'], log: () => undefined });
        await e.load(model);
        const info = e.info();
        await e.close();
        return info;
      };
      try {
        const first = await open();
        expect(first.probe).toBe('measured');
        expect(first.backends.map((b) => b.backend)).toEqual(['wasm', 'cpu']);
        const second = await open();
        expect(second.probe).toBe('cached');
        expect(second.backend).toBe(first.backend);
        expect(second.backends.map((b) => [b.backend, b.chosen])).toEqual(first.backends.map((b) => [b.backend, b.chosen]));
        // A stale cache whose winner no longer passes here (a backend this browser cannot start;
        // webgpu passes on SwiftShader since the weights stopped going through its read-back):
        // the engine must not trust it.
        const stale = JSON.parse(readFileSync(probeCache, 'utf8')) as Record<string, { reports: BackendReport[] }>;
        const gone = 'webnn' as BackendReport['backend'];
        for (const entry of Object.values(stale)) {
          entry.reports = [{ backend: gone, ok: true, parityError: 0, msPerBar: 1, chosen: true }, ...entry.reports.map((r) => ({ ...r, chosen: false }))];
        }
        writeFileSync(probeCache, JSON.stringify(stale));
        const third = await open();
        expect(third.probe).toBe('measured');
        expect(third.backend).toBe(first.backend);
        expect(third.backends.map((b) => b.backend)).toEqual(['wasm', 'cpu']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    LONG,
  );
});
