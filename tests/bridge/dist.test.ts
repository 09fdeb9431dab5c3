import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAMP_FILE, STAMP_VERSION, staleReason } from '../../bin/dist-fresh.js';
import { buildDist, stampEntry } from '../../bridge/build/dist';
import { REPO_ROOT } from '../../bridge/data/paths';
import { decodePacket, encodeMessage } from '../../bridge/osc/codec';
import { freePort } from '../max-device/helpers';
import { until } from '../helpers/wait';

/**
 * Issue 15 point 1: what runs is built at install (`npm install`/`npm ci` run `prepare`), not at
 * run time. The build is made here into a scratch dist inside the checkout (it finds the repo by
 * walking up, as dist/ does) and run with plain Node: no tsx loader, so a TypeScript file it
 * reached would fail.
 */
const dist = join(REPO_ROOT, `dist.test-${process.pid}`);
const scratch = mkdtempSync(join(tmpdir(), 'tandem-dist-'));

beforeAll(async () => {
  await buildDist(dist);
}, 120_000);
afterAll(() => {
  rmSync(dist, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

/** The built CLI as a user starts it: plain Node, no loader; what it prints is collected as it comes. */
function start(args: string[]): { child: ChildProcess; out: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [join(dist, 'cli.mjs'), ...args], {
    env: { ...process.env, TANDEM_CACHE: join(scratch, 'cache') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (b: Buffer) => (out.stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out.stderr += b.toString()));
  return { child, out };
}

/** Runs the built CLI to its end (killed after `timeoutMs`). */
function run(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { child, out } = start(args);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => child.on('exit', (code) => (clearTimeout(timer), resolve({ code, ...out }))));
}

describe('npm run build (dist/): the CLI, its workers and the engine page, built before any run', () => {
  it('is fresh right after the build, and holds the page bundle the Chromium engine serves', () => {
    expect(staleReason(REPO_ROOT, dist, 'cli')).toBeUndefined();
    expect(staleReason(REPO_ROOT, dist, 'page')).toBeUndefined();
    const stamp = JSON.parse(readFileSync(join(dist, STAMP_FILE), 'utf8')) as { groups: Record<string, { inputs: Array<[string]> }> };
    expect(stamp.groups.cli.inputs.map((i) => i[0])).toEqual(
      expect.arrayContaining(['bridge/cli/main.ts', 'bridge/live/part-worker.ts', 'src/models/drums/groove-rnn.ts', 'package-lock.json']),
    );
    expect(stamp.groups.page.inputs.map((i) => i[0])).toContain('bridge/engine/page/main.ts');
    // The page's build options (keepNames and the rest) shape it as much as its sources: editing them makes it stale.
    expect(stamp.groups.page.inputs.map((i) => i[0])).toContain('bridge/engine/page-bundle.ts');
    expect(statSync(join(dist, 'page.js')).size).toBeGreaterThan(500_000);
  });

  it('generates with plain Node (no TypeScript loader), on the Node engine that auto picks for one small request', async () => {
    const out = join(scratch, 'gen') + '/';
    const r = await run(['generate', '--bars', '2', '--seed', '4', '--json', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout) as { files: string[]; engine: string; backend: string; notes: number; where: string };
    expect(res).toMatchObject({ engine: 'node', backend: 'wasm', where: expect.stringMatching(/^drums-gru in this process \((no GPU|1 variation)/) });
    expect(res.notes).toBeGreaterThan(0);
    expect(existsSync(res.files[0])).toBe(true);
  });

  it('serves: pong at once, then a suggestion from the network in the built worker thread', async () => {
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const port = 46000 + Math.floor(Math.random() * 4000);
    const got: string[] = [];
    sock.on('message', (b) => got.push(...decodePacket(b).map((m) => m.address)));
    const { child, out } = start(['serve', '--osc-port', String(port), '--engine', 'node', '--duration', '30s', '--out', join(scratch, 'serve')]);
    try {
      const ping = () => (got.includes('/tandem/pong') ? true : (sock.send(encodeMessage('/tandem/ping', []), port, '127.0.0.1'), false));
      await until('a pong from the built serve', ping, 30_000, 50);
      sock.send(encodeMessage('/tandem/generate', [{ i: 9 }]), port, '127.0.0.1');
      await until('the suggestion or an error', () => got.includes('/tandem/suggestion/done') || got.includes('/tandem/error'), 30_000, 50);
      expect(got).toContain('/tandem/suggestion/done');
      expect(out.stderr).toMatch(/drums-gru in a Node worker thread/);
    } finally {
      sock.close();
      child.kill('SIGTERM');
    }
  });
});

describe('serve --panel from dist/', () => {
  // The panel's page files are found although the server runs from a chunk in dist/ (they are read
  // from bridge/panel/page, not beside the module).
  it('prints the panel URL and serves the page and its scripts', async () => {
    const { child, out } = start([
      'serve',
      '--osc-port',
      String(await freePort()),
      '--engine',
      'node',
      '--model-impl',
      'baseline',
      '--panel',
      '--panel-port',
      '0',
      '--duration',
      '60s',
      '--out',
      join(scratch, 'panel'),
    ]);
    try {
      const url = await until(
        'the panel URL line',
        () => (child.exitCode === null ? /panel on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out.stderr)?.[1] : `exited: ${out.stderr}`),
        30_000,
        50,
      );
      expect(url).toMatch(/^http:/);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script type="module" src="/panel.js">');
      for (const asset of ['panel.js', 'roll.js', 'audio.js', 'panel.css']) expect((await fetch(url + asset)).status, asset).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('dist freshness (bin/dist-fresh.js): an edited checkout runs its sources, never a stale build', () => {
  function fakeRoot() {
    const root = mkdtempSync(join(scratch, 'root-'));
    const out = join(root, 'dist');
    mkdirSync(out);
    writeFileSync(join(root, 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(out, 'cli.mjs'), 'export {};\n');
    const write = (version = STAMP_VERSION) =>
      writeFileSync(
        join(out, STAMP_FILE),
        JSON.stringify({ version, groups: { cli: { inputs: [stampEntry(root, 'a.ts')], outputs: [['cli.mjs', statSync(join(out, 'cli.mjs')).size]] } } }),
      );
    write();
    return { root, out, write };
  }

  it('is fresh when only the mtime changed (a checkout), stale when the content did', () => {
    const { root, out } = fakeRoot();
    expect(staleReason(root, out, 'cli')).toBeUndefined();
    utimesSync(join(root, 'a.ts'), new Date(), new Date(Date.now() + 60_000));
    expect(staleReason(root, out, 'cli')).toBeUndefined();
    writeFileSync(join(root, 'a.ts'), 'export const a = 2;\n'); // same size, other bytes
    expect(staleReason(root, out, 'cli')).toBe('a.ts changed since the build');
  });

  it('is stale when a source is gone, an output is missing, the stamp is of another format, or there is none', () => {
    let f = fakeRoot();
    unlinkSync(join(f.root, 'a.ts'));
    expect(staleReason(f.root, f.out, 'cli')).toBe('a.ts is gone since the build');
    f = fakeRoot();
    unlinkSync(join(f.out, 'cli.mjs'));
    expect(staleReason(f.root, f.out, 'cli')).toBe('dist/cli.mjs is missing');
    f = fakeRoot();
    f.write(STAMP_VERSION + 1);
    expect(staleReason(f.root, f.out, 'cli')).toMatch(/another version of the build/);
    expect(staleReason(f.root, f.out, 'page')).toMatch(/another version of the build/);
    unlinkSync(join(f.out, STAMP_FILE));
    expect(staleReason(f.root, f.out, 'cli')).toBe('not built (npm run build)');
  });
});
