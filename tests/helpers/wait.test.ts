import { describe, expect, it } from 'vitest';
import { until } from './wait';

describe('until (the one wait of the tests)', () => {
  it('fails when the time is up, naming what it waited for: a wait cannot pass a test by running out', async () => {
    await expect(until('a reply that never comes', () => false, 50)).rejects.toThrow('timed out after 50 ms waiting for a reply that never comes');
    await expect(until('nothing', async () => undefined, 30)).rejects.toThrow(/timed out/);
  });

  it('returns what the check found, as soon as it holds (0 counts as found)', async () => {
    let n = 0;
    await expect(until('the third poll', () => ++n >= 3 && n, 1000, 1)).resolves.toBe(3);
    await expect(until('zero', () => 0)).resolves.toBe(0);
  });
});
