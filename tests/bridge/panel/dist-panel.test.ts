import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDist } from '../../../bridge/build/dist';
import { REPO_ROOT } from '../../../bridge/data/paths';
import { freePort } from '../../max-device/helpers';

/**
 * The panel from the built CLI (dist/, run with plain Node): its page files are found although the
 * server runs from a chunk in dist/ (they are read from bridge/panel/page, not beside the module).
 */
const dist = join(REPO_ROOT, `dist.panel-test-${process.pid}`);
const scratch = mkdtempSync(join(tmpdir(), 'tandem-dist-panel-'));

beforeAll(async () => {
  await buildDist(dist);
}, 120_000);
afterAll(() => {
  rmSync(dist, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe('serve --panel from dist/', () => {
  it('prints the panel URL and serves the page and its scripts', async () => {
    const child = spawn(process.execPath, [join(dist, 'cli.mjs'), 'serve', '--osc-port', String(await freePort()), '--engine', 'node', '--model-impl', 'baseline', '--panel', '--panel-port', '0', '--duration', '60s', '--out', scratch], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    try {
      const deadline = Date.now() + 30_000;
      while (!/panel on http:\/\/127\.0\.0\.1:\d+\//.test(stderr) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const url = /panel on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr)?.[1];
      expect(url, stderr).toBeDefined();
      const page = await fetch(url!);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script type="module" src="/panel.js">');
      for (const asset of ['panel.js', 'roll.js', 'audio.js', 'panel.css']) expect((await fetch(url + asset)).status, asset).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
