import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fuzzPresets, fuzzPrimers, primerSources } from './targets';
import { fuzzOsc, startServe } from './osc';
import { requireDatasets } from '../helpers/datasets';

/** A short seeded slice of `npm run fuzz` (which runs 1,000 primers and 200 presets). */
describe('fuzz slice: mutated inputs through generate', () => {
  it('60 mutated .mid primers: each a valid groove or one clear line; no crash, hang or lost file', async () => {
    const s = await fuzzPrimers({ sources: primerSources(requireDatasets()), count: 60, seed: 7, dir: mkdtempSync(join(tmpdir(), 'tandem-fuzz-')) });
    console.log(`fuzz slice, primers: ${JSON.stringify(s.counts)}`);
    expect(s.bad.map((b) => `${b.outcome} (${b.kind}): ${b.detail}`)).toEqual([]);
    expect(s.counts.refused).toBeGreaterThan(0);
    expect(s.counts.ok).toBeGreaterThan(0);
  });

  it('30 mutated presets: each valid or one clear line; no crash, hang or lost file', async () => {
    const s = await fuzzPresets({ count: 30, seed: 7, dir: mkdtempSync(join(tmpdir(), 'tandem-fuzz-')) });
    console.log(`fuzz slice, presets: ${JSON.stringify(s.counts)}`);
    expect(s.bad.map((b) => `${b.outcome} (${b.kind}): ${b.detail}`)).toEqual([]);
    expect(s.counts.refused).toBeGreaterThan(0);
  });

  it('3,000 random and mutated OSC packets into a running serve: every bad one answered, the server alive and answering a ping within 50 ms', async () => {
    const serve = await startServe();
    try {
      const o = await fuzzOsc({ ...serve, count: 3000, seed: 7, stderr: serve.stderr });
      console.log(`fuzz slice, osc: ${JSON.stringify({ ...o, detail: undefined })}`);
      expect(o.crashed, o.detail).toBe(false);
      expect(o.unanswered, o.detail).toBe(0);
      expect(o.predictedBad).toBeGreaterThan(1000);
      expect(o.errors).toBeGreaterThanOrEqual(o.predictedBad);
      expect(o.pongMs, o.detail).toBeDefined();
      expect(o.pongMs!).toBeLessThan(50);
    } finally {
      serve.child.kill('SIGTERM');
    }
  }, 120_000);
});
