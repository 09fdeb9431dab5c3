import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OscServer } from '../../bridge/osc/server';
import { DIST } from '../../max-device/src/build';
import { node12Problems } from '../../max-device/src/check';
import { SCRIPTS } from '../../max-device/src/patcher/tandem';
import { startBridge, waitFor } from './helpers';

/**
 * A CommonJS `max-api` for a child Node process, as Node for Max provides one to the bundle:
 * each outlet() is printed as `OUT <json>`, and each stdin line `[selector, ...args]` is a
 * message from Max, dispatched to the handlers as documented.
 */
const MAX_API_CJS = `
const handlers = {};
const say = (kind, args) => process.stdout.write(kind + ' ' + JSON.stringify(args) + '\\n');
require('readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const [sel, ...args] = JSON.parse(line);
  const hs = handlers[sel] || [];
  if (!hs.length) say('UNHANDLED', [sel]);
  for (const h of hs) h(...args);
});
module.exports = {
  addHandler: (s, h) => { (handlers[s] = handlers[s] || []).push(h); },
  addHandlers: (m) => { for (const k of Object.keys(m)) module.exports.addHandler(k, m[k]); },
  outlet: async (...a) => say('OUT', a),
  post: async (...a) => say('POST', a),
  MAX_ENV: { MAX_FOR_LIVE: 'maxforlive' },
};
`;

const esprima = createRequire(import.meta.url)('esprima') as { parseScript(src: string): unknown };

let server: OscServer;
beforeAll(async () => {
  ({ server } = await startBridge());
});
afterAll(async () => {
  await server.close();
});

describe('the bundled client (max-device/dist) for old Node for Max versions', () => {
  it('parses as ES2017 (esprima), so Node 12 runs its syntax, and requires no node: modules', () => {
    const source = readFileSync(join(DIST, SCRIPTS.client), 'utf8');
    expect(() => esprima.parseScript(source)).not.toThrow();
    expect(source).not.toMatch(/require\(["']node:/);
    expect(node12Problems(source)).toEqual([]);
  });
});

describe('the bundled client (max-device/dist) in a plain Node process', () => {
  it('loads as CommonJS with max-api from outside, connects to the bridge and answers Generate', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tandem-n4m-'));
    mkdirSync(join(root, 'modules', 'max-api'), { recursive: true });
    writeFileSync(join(root, 'modules', 'max-api', 'index.js'), MAX_API_CJS);
    const child = spawn(process.execPath, [join(DIST, SCRIPTS.client)], {
      env: { PATH: process.env.PATH, NODE_PATH: join(root, 'modules'), HOME: root, TANDEM_OSC_PORT: String(server.port) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => lines.push(...b.toString().split('\n').filter(Boolean)));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    try {
      await waitFor(() => lines.includes('OUT ["ready"]') || undefined, 10_000, `the client to say ready (stderr: ${stderr})`);
      expect(lines).toContain(`OUT ["status","ready: connected to the Tandem bridge on 127.0.0.1:${server.port}"]`);
      child.stdin.write('["genre",1]\n["bars",1]\n["seed",5]\n["generate"]\n');
      const done = await waitFor(() => lines.find((l) => l.startsWith('OUT ["status","funk d0.5 #5: ')), 10_000, 'the suggestion');
      expect(done).toMatch(/^OUT \["status","funk d0\.5 #5: \d+ notes, 1 bar"\]$/);
      expect(lines.filter((l) => l.startsWith('UNHANDLED'))).toEqual([]);
      expect(stderr).toBe('');
    } finally {
      child.kill();
    }
  });
});
