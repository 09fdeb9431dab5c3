import { describe, expect, it } from 'vitest';
import { WorkerPartModel } from '../../bridge/live/worker-part';
import { parseRequest } from '../../src/models/registry';

/** Issue 15: `serve` starts the default model's worker before the rest of the server loads. */
describe('a model worker started ahead of need', () => {
  it('is the one the next start for the same model and implementation gets, and it generates', async () => {
    const early = WorkerPartModel.prestart('drums', 'baseline');
    expect(WorkerPartModel.prestart('drums', 'baseline')).toBe(early); // one per model and implementation
    const taken = await WorkerPartModel.start('drums', 'baseline');
    const other = await WorkerPartModel.start('drums', 'baseline'); // taken once: this one is new
    try {
      expect(taken).toBe(await early);
      expect(other).not.toBe(taken);
      const [a] = await taken.generate(parseRequest('drums', { style: 'funk', bars: 2, seed: 4 }));
      const [b] = await other.generate(parseRequest('drums', { style: 'funk', bars: 2, seed: 4 }));
      expect(a.notes.length).toBeGreaterThan(0);
      expect(a).toEqual(b);
    } finally {
      taken.dispose();
      other.dispose();
    }
  });

  it('ends when nothing takes it', async () => {
    const early = WorkerPartModel.prestart('bass', 'baseline');
    const worker = await early;
    const exited = new Promise((r) => (worker as unknown as { worker: { once(e: string, f: () => void): void } }).worker.once('exit', () => r(undefined)));
    WorkerPartModel.dropPrestarted();
    await exited;
    // Gone: a request fails at once, naming why (before, it waited forever).
    await expect(worker.generate(parseRequest('bass', { bars: 2 }))).rejects.toThrow(/model worker exited/);
    // Dropped: the next start makes a new one.
    const fresh = await WorkerPartModel.start('bass', 'baseline');
    try {
      expect(fresh).not.toBe(worker);
      expect((await fresh.generate(parseRequest('bass', { bars: 2, seed: 1 })))[0].notes.length).toBeGreaterThan(0);
    } finally {
      fresh.dispose();
    }
  });
});
