import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../bridge/data/paths';
import { CONTROLS, SEED_MAX, TEMPO } from '../src/models/controls';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const row = (flag: string) => readme.split('\n').find((l) => l.startsWith(`| \`--${flag}\` |`));

describe('README controls table', () => {
  it('shows every number control with the range and default of the one control table', () => {
    for (const c of Object.values(CONTROLS)) {
      const line = row(c.flag);
      expect(line, `README row for --${c.flag}`).toBeDefined();
      if (c.kind !== 'number') continue;
      expect(line, c.flag).toContain(`| ${c.min}..${c.max === SEED_MAX ? '2^32-1' : c.max}`);
      expect(line!.trim().endsWith(`| ${c.default} |`), `${c.flag}: default ${c.default} in ${line}`).toBe(true);
    }
    expect(row('bpm')).toContain(`| ${TEMPO.min}..${TEMPO.max}:`);
    expect(row('bpm')!.trim().endsWith(`| ${TEMPO.default} |`)).toBe(true);
  });
});

describe('README OSC tables', () => {
  it('are the address and reply tables the bridge checks messages with', async () => {
    const { oscTablesMarkdown } = await import('../bridge/osc/address-space');
    expect(readme, 'README OSC tables differ from oscTablesMarkdown(): paste its output into the README').toContain(oscTablesMarkdown());
  });
});
