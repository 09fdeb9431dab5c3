import { describe, expect, it } from 'vitest';
import { findBrowser } from '../../bridge/engine/find-browser';
import { notesDiffer, type WarmStartPart } from '../../bridge/engine/warm-start';
import { startPart } from '../../bridge/models/start-part';
import { modelSpec } from '../../src/models/registry';
import type { PartRequest } from '../../src/models/spec';

const noBrowser = !findBrowser().path && process.env.CI !== 'true';
const req: PartRequest = { style: 'funk', density: 0.6, bars: 4, temperature: 1, seed: 11, count: 1, fillEvery: 0 };

describe('live warm start with the real engines (issue 15 point 2)', () => {
  it.skipIf(noBrowser)(
    `answers from the Node worker, then moves to headless Chromium, whose notes are the same${noBrowser ? ' [skipped: no Chrome/Chromium on this machine]' : ''}`,
    async () => {
      const lines: string[] = [];
      // wasm forced: the page checks and times that one backend instead of probing all (seconds here).
      const live = await startPart(modelSpec('drums'), {
        impl: 'network',
        engine: 'auto',
        backend: 'wasm',
        mode: 'live',
        idleStartMs: 60_000,
        log: (l) => lines.push(l),
      });
      const part = live.model as WarmStartPart;
      try {
        expect(live.where).toMatch(/^drums-gru in a Node worker thread/);
        const onWorker = await part.generate(req);
        expect(part.running).toBe('node');
        expect(await part.upgrade()).toEqual({ on: 'engine' });
        expect(part.running).toBe('chromium');
        expect(lines).toContain('tandem: drums-gru moved to Chromium (wasm): same notes as the Node worker thread for the same seed');
        const onChromium = await part.generate(req);
        expect(notesDiffer(onChromium, onWorker)).toBeUndefined();
      } finally {
        await live.close();
      }
    },
    120_000,
  );

  it.skipIf(noBrowser)(
    `does the same for the bass network: its own parity check, then the page${noBrowser ? ' [skipped: no Chrome/Chromium on this machine]' : ''}`,
    async () => {
      const lines: string[] = [];
      const live = await startPart(modelSpec('bass'), {
        impl: 'network',
        engine: 'auto',
        backend: 'wasm',
        mode: 'live',
        idleStartMs: 60_000,
        log: (l) => lines.push(l),
      });
      const part = live.model as WarmStartPart;
      const bass: PartRequest = { style: 'pop', density: 0.5, bars: 4, temperature: 1, seed: 21, count: 2, fillEvery: 0, key: 'A minor', chords: 'Am F C G' };
      try {
        expect(live.where).toMatch(/^bass-gru in a Node worker thread/);
        const onWorker = await part.generate(bass);
        expect(await part.upgrade()).toEqual({ on: 'engine' });
        expect(part.running).toBe('chromium');
        expect(lines).toContain('tandem: bass-gru moved to Chromium (wasm): same notes as the Node worker thread for the same seed');
        const onChromium = await part.generate(bass);
        expect(onChromium[0].notes.length).toBeGreaterThan(0);
        expect(notesDiffer(onChromium, onWorker)).toBeUndefined();
        expect(onChromium[0].markers).toEqual(onWorker[0].markers);
      } finally {
        await live.close();
      }
    },
    120_000,
  );
});
