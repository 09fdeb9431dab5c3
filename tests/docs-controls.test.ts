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

describe('README device tables (issue 17.1: the device and its docs agree)', () => {
  it("show each Live parameter's range and default as the device builds it from the control table", async () => {
    const { PARAMETERS, GENRE_ITEMS, MODEL_ITEMS, UNIT_STYLE } = await import('../max-device/src/parameters');
    const { GENERATE_PARAMETERS, HUMANIZE_PARAMETERS } = await import('../max-device/src/miditool/parameters');
    type P =
      | (typeof PARAMETERS)[keyof typeof PARAMETERS]
      | (typeof GENERATE_PARAMETERS)[keyof typeof GENERATE_PARAMETERS]
      | (typeof HUMANIZE_PARAMETERS)[keyof typeof HUMANIZE_PARAMETERS];
    /** "0-100 %, 50 %", "0.05-3, 1.00", "1-64, 8", "rock": the README's way of writing a parameter. */
    const shown = (p: P): string => {
      if (p.type === 'enum') return p.items[p.initial];
      if (p.unitstyle === UNIT_STYLE.percent) return `${p.min}-${p.max} %, ${p.initial} %`;
      return `${p.min}-${p.max}, ${p.type === 'float' && p.unitstyle === UNIT_STYLE.float ? p.initial.toFixed(2) : p.initial}`;
    };
    const lines = readme.split('\n');
    const deviceRow = (name: string) => lines.find((l) => l.startsWith(`| ${name} |`));
    const toolRow = (tool: string, name: string) => lines.find((l) => l.startsWith(`| ${tool} | ${name} |`));
    for (const p of [PARAMETERS.model, PARAMETERS.genre, PARAMETERS.density, PARAMETERS.temperature, PARAMETERS.bars, PARAMETERS.fill]) {
      expect(deviceRow(p.longname), p.longname).toMatch(new RegExp(`\\| ${shown(p).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\|$`));
    }
    for (const [tool, params] of [
      ['Generate', GENERATE_PARAMETERS],
      ['Humanize', HUMANIZE_PARAMETERS],
    ] as const) {
      for (const p of Object.values(params) as P[]) {
        expect(toolRow(tool, p.longname), `${tool} ${p.longname}`).toMatch(new RegExp(`\\| ${shown(p).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\|$`));
      }
    }
    expect(GENRE_ITEMS[PARAMETERS.genre.initial]).toBe('rock');
    expect(MODEL_ITEMS[PARAMETERS.model.initial]).toBe('drums');
  });
});
