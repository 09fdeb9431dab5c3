import { describe, expect, it } from 'vitest';
import { BrowserCrashedError } from '../../bridge/engine/engine';
import { FallbackPartModel } from '../../bridge/live/fallback-part';
import type { WarmStartPart } from '../../bridge/engine/warm-start';
import { loadPart } from '../../bridge/models/load';
import { startPart } from '../../bridge/models/start-part';
import { InvalidValueError } from '../../src/errors';
import { modelSpec } from '../../src/models/registry';
import type { PartModel, PartRequest } from '../../src/models/spec';

const drums = modelSpec('drums');
const ngram = (await loadPart(drums, 'baseline')).model;
const req: PartRequest = { style: 'rock', density: 0.5, bars: 2, temperature: 1, seed: 3, count: 1, fillEvery: 0 };

/** A model in an engine whose browser has failed for good (what ChromiumEngine throws after its relaunch, with fallback off). */
const failing = (err: Error): PartModel => ({ id: 'drums-gru', generate: () => Promise.reject(err), dispose() {} });

function fakeWorker(): (() => Promise<PartModel>) & { started: number } {
  const start = Object.assign(
    async () => {
      start.started++;
      return { id: 'worker', generate: (r: PartRequest) => ngram.generate(r), dispose() {} } as PartModel;
    },
    { started: 0 },
  );
  return start;
}

describe('live models never run on the main thread (issue 10 point 10)', () => {
  it('move to a worker thread when the Chromium engine fails for good, saying so once', async () => {
    const start = fakeWorker();
    const lines: string[] = [];
    let closed = 0;
    const model = new FallbackPartModel(
      failing(new BrowserCrashedError(1234, 'disconnected (crashed or killed)')),
      async () => void closed++,
      start,
      (l) => lines.push(l),
    );
    const [a, b] = await Promise.all([model.generate(req), model.generate(req)]);
    expect(a[0].notes.length).toBeGreaterThan(0);
    expect(b[0].notes.length).toBeGreaterThan(0);
    await model.generate(req);
    expect(start.started).toBe(1);
    expect(model.onWorker).toBe(true);
    expect(lines).toEqual([expect.stringMatching(/Chromium engine failed \(.*disconnected.*\); drums-gru runs in a Node worker thread from now on/)]);
    expect(closed).toBeGreaterThanOrEqual(1);
  });

  it('pass a bad request through without leaving the engine', async () => {
    const start = fakeWorker();
    const model = new FallbackPartModel(
      failing(new InvalidValueError('bars', 0, 'a whole number from 1 to 64')),
      async () => {},
      start,
      () => {},
    );
    await expect(model.generate(req)).rejects.toThrow(/bars must be/);
    expect(start.started).toBe(0);
  });

  it('a browser that cannot start: the network runs in a worker thread, not in this process', async () => {
    const start = fakeWorker();
    const lines: string[] = [];
    const live = await startPart(drums, {
      impl: 'network',
      engine: 'auto',
      mode: 'live',
      find: () => ({ path: '/bin/false' }),
      startWorker: start,
      log: (l) => lines.push(l),
    });
    try {
      expect(live.where).toMatch(/in a Node worker thread/);
      expect(start.started).toBe(1);
      // The browser starts behind the worker (after the first request) and fails there.
      expect((await live.model.generate(req))[0].notes.length).toBeGreaterThan(0);
      expect(await (live.model as WarmStartPart).upgrade()).toEqual({ on: 'worker', why: expect.stringMatching(/^the Chromium engine could not start/) });
      expect(lines.some((l) => /worker stays in the Node worker thread: the Chromium engine could not start/.test(l))).toBe(true);
      expect(lines.some((l) => /in-process/.test(l))).toBe(false);
      expect((await live.model.generate(req))[0].notes.length).toBeGreaterThan(0);
    } finally {
      await live.close();
    }
  });
});
