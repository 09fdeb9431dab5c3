import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, parseBackendName, parseEngineChoice } from '../../bridge/engine/auto';
import { chromiumArgs } from '../../bridge/engine/chromium-host';
import { BrowserNotFoundError, EngineClosedError, EngineModelMismatchError, ModelNotLoadedError } from '../../bridge/engine/engine';
import { NodeEngine } from '../../bridge/engine/node-engine';
import { formatBackendTable } from '../../bridge/engine/report';
import { initNodeTf } from '../../bridge/engine/node-tf';
import { readDrumNetArtifacts } from '../../bridge/models/load';
import { sequencesFromPage } from '../../bridge/engine/page/protocol';
import { InvalidValueError } from '../../src/errors';
import { readMelodyNetArtifacts } from '../../bridge/models/load-melody';
import { GrooveRnn } from '../../src/models/drums/groove-rnn';
import { toDrumRequest } from '../../src/models/drums/part';
import { MelodyRnn } from '../../src/models/melody/melody-rnn';
import { parseMelodyRequest } from '../../src/models/melody/request';
import { lineToSequence } from '../../src/models/melody/to-sequence';
import { gridToSequence } from '../../src/tokens/drum-grid';
import { TICKS_PER_STEP } from '../../src/time/units';
import { drumRequest, engineRequest, plain, testDrumModel, testNetModel } from './engine-fixtures';

const model = testDrumModel();

describe('page protocol (what crosses into Chromium)', () => {
  const seq = (notes: unknown[]) => ({ notes, tempos: [{ ticks: 0, bpm: 120 }], meters: [], totalTicks: 3840 });
  const note = { pitch: 60, velocity: 90, startTicks: 0, durationTicks: 240, channel: 0 };

  it('takes sequences from the page as they are, and refuses malformed ones naming why', () => {
    const ok = [seq([note]), seq([])];
    expect(sequencesFromPage(JSON.parse(JSON.stringify(ok)), 2)).toEqual(ok);
    expect(() => sequencesFromPage(ok, 3)).toThrow(/2 sequences for 3 variations/);
    expect(() => sequencesFromPage({ notes: [] }, 1)).toThrow(/object sequences for 1 variations/);
    expect(() => sequencesFromPage([seq([{ ...note, pitch: 128 }])], 1)).toThrow(/a note out of range/);
    expect(() => sequencesFromPage([seq([{ ...note, startTicks: 0.5 }])], 1)).toThrow(/a note out of range/);
    expect(() => sequencesFromPage([{ notes: [note] }], 1)).toThrow(/without notes, tempos, meters or length/);
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
      await engine.generate(drumRequest({ bars: 1 }));
      expect(lines).toHaveLength(1);
    } finally {
      await engine.close();
    }
  });

  it('chromium without a browser is an error that says how to get one', async () => {
    await expect(createEngine('chromium', model, { find: () => ({ reason: 'no Chrome/Chromium found; set TANDEM_CHROME' }) })).rejects.toThrow(
      BrowserNotFoundError,
    );
    await expect(createEngine('node', model, { backend: 'webgl' })).rejects.toThrow(/wasm or cpu with --engine node/);
  });

  it('turns the sandbox off only where Chromium needs it, and the SwiftShader adapter only without a GPU', () => {
    expect(chromiumArgs({ sandbox: true, softwareGpu: false })).not.toContain('--no-sandbox');
    expect(chromiumArgs({ sandbox: false, softwareGpu: true })).toEqual(
      expect.arrayContaining(['--no-sandbox', '--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader']),
    );
    expect(chromiumArgs({ sandbox: true, softwareGpu: false })).not.toContain('--use-webgpu-adapter=swiftshader');
  });
});

describe('NodeEngine', () => {
  let engine: NodeEngine;
  beforeAll(async () => {
    engine = new NodeEngine();
    await expect(engine.generate(drumRequest({}))).rejects.toThrow(ModelNotLoadedError);
    await engine.load(model);
  });
  afterAll(() => engine.close());

  it('generates what the model generates directly, one sequence per variation', async () => {
    const req = drumRequest({ style: 'jazz', density: 0.4, bars: 4, seed: 9, count: 3, fillEvery: 4 });
    const seqs = await engine.generate(req);
    expect(seqs).toHaveLength(3);
    expect(seqs[0].totalTicks).toBe(4 * 16 * TICKS_PER_STEP);
    await initNodeTf('wasm');
    // The network alone, with the synchronous read-back: another path to the same notes.
    const direct = GrooveRnn.load(readDrumNetArtifacts(model.dir)!);
    expect(plain(seqs)).toEqual(plain(direct.generateSync(toDrumRequest(req)).map((g) => gridToSequence(g))));
    direct.dispose();
  });

  it('runs the melody and bass network too, as the network alone does, and refuses a request for another model', async () => {
    await initNodeTf('wasm');
    const direct = MelodyRnn.load(readMelodyNetArtifacts()!);
    for (const [name, voice, channel] of [
      ['melody', 'melody', 0],
      ['bass', 'bass', 1],
    ] as const) {
      const lines = new NodeEngine();
      try {
        await lines.load(testNetModel(name));
        const req = engineRequest(name, { style: 'pop', key: 'A minor', chords: 'Am F C G', bars: 4, seed: 5, count: 2 });
        const seqs = await lines.generate(req);
        expect(seqs).toHaveLength(2);
        expect(seqs[0].notes.length).toBeGreaterThan(0);
        expect(seqs[0].notes.every((n) => n.channel === channel)).toBe(true);
        const expected = direct.generateSync(parseMelodyRequest({ ...req, voice })).map((l) => lineToSequence(l, { channel }));
        expect(plain(seqs)).toEqual(plain(expected));
        await expect(lines.generate(drumRequest({ bars: 2 }))).rejects.toThrow(EngineModelMismatchError);
        await expect(lines.generate(drumRequest({ bars: 2 }))).rejects.toThrow(`the engine has ${name}-gru loaded; a request for drums-gru cannot run on it`);
      } finally {
        await lines.close();
      }
    }
    direct.dispose();
  });

  it('reports its backend, and refuses work after close', async () => {
    const info = engine.info();
    expect(info).toMatchObject({ kind: 'node', running: 'node', backend: 'wasm', model: { id: 'drums-gru', dir: model.dir, hidden: expect.any(Number) } });
    const other = new NodeEngine();
    await other.load(model);
    await other.close();
    await expect(other.generate(drumRequest({}))).rejects.toThrow(EngineClosedError);
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
