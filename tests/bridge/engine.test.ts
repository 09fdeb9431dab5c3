import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, parseBackendName, parseEngineChoice } from '../../bridge/engine/auto';
import { chromiumArgs } from '../../bridge/engine/chromium-host';
import { BrowserNotFoundError, EngineClosedError, ModelNotLoadedError } from '../../bridge/engine/engine';
import { NodeEngine } from '../../bridge/engine/node-engine';
import { formatBackendTable } from '../../bridge/engine/report';
import { initNodeTf } from '../../bridge/engine/node-tf';
import { readDrumNetArtifacts } from '../../bridge/models/load';
import { gridFromPlain, gridToPlain, requestFromPlain, requestToPlain } from '../../bridge/engine/page/protocol';
import { InvalidValueError } from '../../src/errors';
import { GrooveRnn } from '../../src/models/drums/groove-rnn';
import { parseDrumRequest } from '../../src/models/request';
import { emptyGrid } from '../../src/tokens/drum-grid';
import { plain, testDrumModel } from './engine-fixtures';

const model = testDrumModel();

describe('page protocol (what crosses into Chromium)', () => {
  it('carries a grid as plain arrays and back without changing a value', () => {
    const g = emptyGrid(16);
    g.velocity[3] = 127;
    g.velocity[40] = 1;
    g.offset[3] = -0.123456789; // stored as float32; must survive exactly
    g.offset[40] = 0.5;
    const wire = JSON.parse(JSON.stringify(gridToPlain(g)));
    const back = gridFromPlain(wire);
    expect(back.velocity).toBeInstanceOf(Uint8Array);
    expect(back.offset).toBeInstanceOf(Float32Array);
    expect(plain([back])).toEqual(plain([g]));
  });

  it('carries a request with a primer, and refuses a malformed grid', () => {
    const primer = emptyGrid(16);
    primer.velocity[0] = 90;
    const req = parseDrumRequest({ genre: 'funk', bars: 2, seed: 4, primer });
    const back = requestFromPlain(JSON.parse(JSON.stringify(requestToPlain(req))));
    expect(back.genre).toBe('funk');
    expect(plain([back.primer!])).toEqual(plain([primer]));
    expect(() => gridFromPlain({ steps: 16, velocity: [1, 2], offset: [0] })).toThrow(/malformed grid/);
  });
});

describe('engine choice', () => {
  it('parses --engine and --backend, naming what is allowed', () => {
    expect(parseEngineChoice(undefined)).toBe('auto');
    expect(parseEngineChoice('Node')).toBe('node');
    expect(() => parseEngineChoice('gpu')).toThrow(new InvalidValueError('engine', 'gpu', 'one of auto, chromium, node'));
    expect(parseBackendName('WebGL')).toBe('webgl');
    expect(() => parseBackendName('metal')).toThrow(/backend must be webgpu, webgl, wasm or cpu, got "metal"/);
  });

  it('auto runs in-process when no browser is found, and says so once', async () => {
    const lines: string[] = [];
    const engine = await createEngine('auto', model, { find: () => ({ reason: 'no Chrome/Chromium found (test)' }), log: (l) => lines.push(l) });
    try {
      expect(engine).toBeInstanceOf(NodeEngine);
      expect(lines).toEqual(['tandem: no Chrome/Chromium found (test); running models in-process (NodeEngine)']);
      await engine.generate(parseDrumRequest({ bars: 1 }));
      expect(lines).toHaveLength(1);
    } finally {
      await engine.close();
    }
  });

  it('chromium without a browser is an error that says how to get one', async () => {
    await expect(createEngine('chromium', model, { find: () => ({ reason: 'no Chrome/Chromium found; set TANDEM_CHROME' }) })).rejects.toThrow(BrowserNotFoundError);
    await expect(createEngine('node', model, { backend: 'webgl' })).rejects.toThrow(/wasm or cpu with --engine node/);
  });

  it('turns the sandbox off only where Chromium needs it, and the SwiftShader adapter only without a GPU', () => {
    expect(chromiumArgs({ sandbox: true, softwareGpu: false })).not.toContain('--no-sandbox');
    expect(chromiumArgs({ sandbox: false, softwareGpu: true })).toEqual(expect.arrayContaining(['--no-sandbox', '--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader']));
    expect(chromiumArgs({ sandbox: true, softwareGpu: false })).not.toContain('--use-webgpu-adapter=swiftshader');
  });
});

describe('NodeEngine', () => {
  let engine: NodeEngine;
  beforeAll(async () => {
    engine = new NodeEngine();
    await expect(engine.generate(parseDrumRequest({}))).rejects.toThrow(ModelNotLoadedError);
    await engine.load(model);
  });
  afterAll(() => engine.close());

  it('generates what the model generates directly, one grid per variation', async () => {
    const req = parseDrumRequest({ genre: 'jazz', density: 0.4, bars: 4, seed: 9, count: 3, fillEvery: 4 });
    const grids = await engine.generate(req);
    expect(grids).toHaveLength(3);
    expect(grids[0].steps).toBe(64);
    await initNodeTf('wasm');
    const direct = GrooveRnn.load(readDrumNetArtifacts(model.dir)!);
    expect(plain(grids)).toEqual(plain(direct.generateSync(req)));
    direct.dispose();
  });

  it('reports its backend, and refuses work after close', async () => {
    const info = engine.info();
    expect(info).toMatchObject({ kind: 'node', running: 'node', backend: 'wasm', model: { id: 'drums-gru', dir: model.dir, hidden: expect.any(Number) } });
    const other = new NodeEngine();
    await other.load(model);
    await other.close();
    await expect(other.generate(parseDrumRequest({}))).rejects.toThrow(EngineClosedError);
    await expect(other.load(model)).rejects.toThrow(EngineClosedError);
  });
});

describe('backend table (tandem doctor)', () => {
  it('shows each backend with status, parity error and speed, failures with their reason', () => {
    const text = formatBackendTable({
      kind: 'chromium',
      running: 'chromium',
      backend: 'wasm',
      probe: 'measured',
      browser: { path: '/usr/bin/chromium', version: 'Chrome/150.0' },
      relaunches: 0,
      blockedRequests: [],
      backends: [
        { backend: 'webgpu', ok: false, reason: 'parity error 1.6e+1 over the tolerance 0.001', parityError: 16.1, chosen: false },
        { backend: 'wasm', ok: true, parityError: 8.6e-6, msPerBar: 14.93, msPerBar16: 82.1, chosen: true },
        { backend: 'cpu', ok: true, parityError: 0, msPerBar: 22.7, msPerBar16: 316.8, chosen: false },
      ],
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe('engine chromium (Chrome/150.0)');
    expect(lines[1]).toMatch(/^backend\s+status\s+parity error\s+ms\/bar x1\s+ms\/bar x16$/);
    expect(lines[2]).toMatch(/^webgpu\s+failed\s+1\.6e\+1\s+-\s+-\s+\(parity error 1\.6e\+1 over the tolerance 0\.001\)$/);
    expect(lines[3]).toMatch(/^wasm\s+chosen\s+8\.6e-6\s+14\.9\s+82\.1$/);
    expect(lines[4]).toMatch(/^cpu\s+ok\s+0\s+22\.7\s+316\.8$/);
  });
});
