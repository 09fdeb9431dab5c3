import { describe, expect, it } from 'vitest';
import { chooseBatchEngine, GPU_BATCH_MIN } from '../../bridge/engine/auto';
import { BrowserCrashedError, type BackendReport } from '../../bridge/engine/engine';
import { notesDiffer, WarmStartPart, type StartedEngineModel } from '../../bridge/engine/warm-start';
import { loadPart } from '../../bridge/models/load';
import { InvalidValueError } from '../../src/errors';
import { modelSpec } from '../../src/models/registry';
import type { PartModel, PartRequest } from '../../src/models/spec';

const drums = modelSpec('drums');
const ngram = (await loadPart(drums, 'baseline')).model;
const req: PartRequest = { style: 'rock', density: 0.5, bars: 2, temperature: 1, seed: 3, count: 1, fillEvery: 0 };
const parityRequest: PartRequest = { ...req, bars: 4, seed: 7 };

/** A model that records who generated; `shift` makes its notes differ from the n-gram's for the same seed. */
function model(id: string, calls: string[], shift = 0): PartModel & { disposed: number } {
  return {
    id,
    disposed: 0,
    async generate(r: PartRequest) {
      calls.push(id);
      return ngram.generate({ ...r, seed: r.seed + shift });
    },
    dispose() {
      this.disposed++;
    },
  };
}

/** An engine start whose launch ends when `go()` (or `fail()`) is called, before or after it began. */
function engine(m: PartModel): { start: () => StartedEngineModel; go: () => void; fail: (e: Error) => void; starts: number; closed: number } {
  let go = () => {};
  let fail = (_e: Error) => {};
  const ready = new Promise<void>((resolve, reject) => {
    go = resolve;
    fail = reject;
  });
  ready.catch(() => undefined);
  const ctl = {
    starts: 0,
    closed: 0,
    go,
    fail,
    start: (): StartedEngineModel => {
      ctl.starts++;
      return { model: m, ready, where: () => 'Chromium (wasm)', close: async () => void ctl.closed++ };
    },
  };
  return ctl;
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('live warm start (issue 15 point 2): the worker answers at once, Chromium takes over when it gives the same notes', () => {
  it('generates on the worker before the engine is up, starts the engine after the first groove, then switches', async () => {
    const calls: string[] = [];
    const lines: string[] = [];
    const e = engine(model('engine', calls));
    const part = new WarmStartPart(model('worker', calls), { startEngine: e.start, parityRequest, idleStartMs: 60_000, log: (l) => lines.push(l) });
    try {
      expect(e.starts).toBe(0); // nothing competes with the first groove
      const first = await part.generate(req);
      expect(first[0].notes.length).toBeGreaterThan(0);
      await flush();
      expect(e.starts).toBe(1);
      // While the browser starts, requests stay on the worker.
      await part.generate(req);
      expect(calls).toEqual(['worker', 'worker']);
      expect(part.running).toBe('node');
      expect(part.describe()).toBe('worker in a Node worker thread (the Chromium engine takes over once up and checked)');
      e.go();
      expect(await part.upgrade()).toEqual({ on: 'engine' });
      // What the panel's engine line shows follows the switch.
      expect(part.describe()).toBe('worker in Chromium (wasm)');
      // The check ran the same request on both.
      expect(calls).toEqual(['worker', 'worker', 'worker', 'engine']);
      expect(part.running).toBe('chromium');
      const after = await part.generate(req);
      expect(calls.at(-1)).toBe('engine');
      expect(notesDiffer(after, first)).toBeUndefined();
      expect(lines).toEqual(['tandem: worker moved to Chromium (wasm): same notes as the Node worker thread for the same seed']);
    } finally {
      await part.close();
    }
  });

  it('stays on the worker when the engine gives other notes for the same seed, and ends the browser', async () => {
    const calls: string[] = [];
    const lines: string[] = [];
    const e = engine(model('engine', calls, 1));
    const part = new WarmStartPart(model('worker', calls), { startEngine: e.start, parityRequest, idleStartMs: 60_000, log: (l) => lines.push(l) });
    e.go();
    const outcome = await part.upgrade();
    expect(outcome).toEqual({ on: 'worker', why: expect.stringMatching(/notes differ from the worker's for the same seed \(.*\)/) });
    expect(e.closed).toBe(1);
    await part.generate(req);
    expect(calls.at(-1)).toBe('worker');
    expect(lines).toEqual([expect.stringMatching(/^tandem: worker stays in the Node worker thread: the Chromium engine's notes differ/)]);
    await part.close();
  });

  it('stays on the worker when the browser cannot start', async () => {
    const calls: string[] = [];
    const lines: string[] = [];
    const e = engine(model('engine', calls));
    const part = new WarmStartPart(model('worker', calls), { startEngine: e.start, parityRequest, idleStartMs: 60_000, log: (l) => lines.push(l) });
    const settled = part.upgrade();
    await flush();
    e.fail(new Error('no usable sandbox'));
    expect(await settled).toEqual({ on: 'worker', why: 'the Chromium engine could not start (no usable sandbox)' });
    expect(lines).toEqual(['tandem: worker stays in the Node worker thread: the Chromium engine could not start (no usable sandbox)']);
    expect(part.describe()).toBe('worker in a Node worker thread');
    expect((await part.generate(req))[0].notes.length).toBeGreaterThan(0);
    await part.close();
  });

  it('goes back to the worker (kept running) when the engine fails after the switch, said once; bad requests pass through', async () => {
    const calls: string[] = [];
    const lines: string[] = [];
    const broken = model('engine', calls);
    const e = engine(broken);
    const worker = model('worker', calls);
    const part = new WarmStartPart(worker, { startEngine: e.start, parityRequest, idleStartMs: 60_000, log: (l) => lines.push(l) });
    e.go();
    expect(await part.upgrade()).toEqual({ on: 'engine' });
    broken.generate = async (r: PartRequest) => {
      if (r.bars === 0) throw new InvalidValueError('bars', 0, 'a whole number from 1 to 64');
      throw new BrowserCrashedError(99, 'disconnected (crashed or killed)');
    };
    await expect(part.generate({ ...req, bars: 0 })).rejects.toThrow(/bars must be/);
    expect(part.running).toBe('chromium');
    const [a, b] = await Promise.all([part.generate(req), part.generate(req)]);
    expect(a[0].notes.length).toBeGreaterThan(0);
    expect(b[0].notes.length).toBeGreaterThan(0);
    expect(part.running).toBe('node');
    expect(e.closed).toBe(1);
    expect(lines.filter((l) => /failed/.test(l))).toEqual([
      expect.stringMatching(/the Chromium engine failed \(.*disconnected.*\); worker runs in the Node worker thread from now on/),
    ]);
    await part.close();
    expect(worker.disposed).toBe(1);
  });

  it('starts the engine after idleStartMs when no request comes, and close() ends a browser still starting', async () => {
    const calls: string[] = [];
    const e = engine(model('engine', calls));
    const worker = model('worker', calls);
    const part = new WarmStartPart(worker, { startEngine: e.start, parityRequest, idleStartMs: 30, log: () => {} });
    await new Promise((r) => setTimeout(r, 80));
    expect(e.starts).toBe(1);
    await part.close();
    expect(e.closed).toBe(1);
    expect(worker.disposed).toBe(1);
    e.go();
    expect(await part.upgrade()).toEqual({ on: 'worker', why: 'closed' });
    expect(calls).toEqual([]);
  });
});

describe('generate --engine auto (issue 15 point 3): the Node engine unless a GPU batch', () => {
  const reports = (chosen: BackendReport['backend']): BackendReport[] => [
    { backend: chosen, ok: true, parityError: 0, chosen: true, msPerBar: 5, msPerBar16: 6 },
    { backend: 'cpu', ok: true, parityError: 0, chosen: false },
  ];
  const gpu = { gpu: () => true, find: () => ({ path: '/usr/bin/chromium' }) };

  it('runs in this process without a GPU, or for a small request, without looking for a browser', async () => {
    let looked = 0;
    const find = () => (looked++, { path: '/usr/bin/chromium' });
    expect(await chooseBatchEngine(16, undefined, '/m', { gpu: () => false, find })).toMatchObject({ engine: 'node', why: expect.stringMatching(/no GPU/) });
    expect(await chooseBatchEngine(GPU_BATCH_MIN - 1, undefined, '/m', { gpu: () => true, find })).toMatchObject({ engine: 'node' });
    expect(looked).toBe(0);
  });

  it('uses Chromium for a batch on a GPU only when its cached probe chose a GPU backend', async () => {
    expect(await chooseBatchEngine(16, undefined, '/m', { ...gpu, cached: async () => reports('webgpu') })).toMatchObject({
      engine: 'chromium',
      why: expect.stringMatching(/webgpu/),
    });
    expect(await chooseBatchEngine(16, undefined, '/m', { ...gpu, cached: async () => reports('wasm') })).toMatchObject({
      engine: 'node',
      why: expect.stringMatching(/wasm/),
    });
    expect(await chooseBatchEngine(16, undefined, '/m', { ...gpu, cached: async () => undefined })).toMatchObject({
      engine: 'node',
      why: expect.stringMatching(/not measured/),
    });
    expect(await chooseBatchEngine(16, undefined, '/m', { gpu: () => true, find: () => ({ reason: 'no Chrome/Chromium found' }) })).toEqual({
      engine: 'node',
      why: 'no Chrome/Chromium found',
    });
  });

  it('follows --backend: webgl/webgpu need the browser, wasm/cpu run here', async () => {
    expect((await chooseBatchEngine(1, 'webgl', '/m', { gpu: () => false })).engine).toBe('chromium');
    expect((await chooseBatchEngine(64, 'wasm', '/m', { ...gpu, cached: async () => reports('webgpu') })).engine).toBe('node');
  });
});
