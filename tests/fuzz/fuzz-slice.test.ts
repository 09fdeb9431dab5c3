import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fuzzPresets, fuzzPrimers, primerSources } from './targets';
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
});
