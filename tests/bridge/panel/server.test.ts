import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import NodeWebSocket from 'ws';
import { PanelServer } from '../../../bridge/panel/server';
import { panelMeter } from '../../../bridge/panel/protocol';
import type { PanelHost } from '../../../bridge/panel/front-end';
import { SessionController } from '../../../bridge/session/controller';
import { SuggestionStore } from '../../../bridge/storage/suggestions';
import { makeSequence } from '../../../src/music/sequence';

function http(port: number, path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error(`no answer to ${method} ${path} within 5 s`)));
    req.end();
  });
}

/** The panel's HTTP side on its own (no browser, no model): what a hostile or broken request gets. */
describe('panel server', () => {
  let panel: PanelServer;
  let store: SuggestionStore;
  const log: string[] = [];

  beforeAll(async () => {
    store = new SuggestionStore(mkdtempSync(join(tmpdir(), 'tandem-panel-http-')), 'run', { log: () => undefined });
    const host: PanelHost = {
      mode: 'serve',
      session: new SessionController({}),
      store,
      models: ['drums'],
      engine: () => 'none',
      transport: () => ({ source: 'host', bpm: 120, playing: false, ticks: 0, follow: false, meter: panelMeter(4, 4) }),
    };
    panel = await PanelServer.start(host, { port: 0, log: (l) => log.push(l) });
  });
  afterAll(async () => {
    await panel?.close();
  });

  it('serves the page and a saved .mid, and nothing else', async () => {
    store.save(makeSequence([{ pitch: 36, velocity: 100, startTicks: 0, durationTicks: 120, channel: 9 }], { totalTicks: 3840 }), {
      model: 'drums-gru',
      genre: 'rock',
      density: 0.5,
      temperature: 1,
      seed: 0,
      bars: 1,
      bpm: 120,
    });
    const page = await http(panel.port, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="module" src="/panel.js">');
    expect((await http(panel.port, '/mid/run/0001-drums-gru-rock-d0.5-s0.mid')).status).toBe(200);
    for (const path of [
      '/mid/run/0002-drums-gru-rock-d0.5-s1.mid',
      '/mid/..%2F..%2Fetc%2Fpasswd',
      '/mid/run/session.jsonl',
      '/../package.json',
      '/bridge/panel/server.ts',
    ]) {
      expect((await http(panel.port, path)).status, path).toBe(404);
    }
    expect((await http(panel.port, '/', 'POST')).status).toBe(405);
  });

  it('answers a broken %-escape with 404 and keeps serving', async () => {
    expect((await http(panel.port, '/mid/%E0%A4%A')).status).toBe(404);
    expect((await http(panel.port, '/')).status).toBe(200);
  });

  it('takes WebSockets on /ws only', async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new NodeWebSocket(`ws://127.0.0.1:${panel.port}/other`, { origin: `http://127.0.0.1:${panel.port}` });
      ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(status).toBe(403);
    expect(panel.refused.at(-1)).toMatch(/a WebSocket on "\/other" \(only \/ws\)/);
  });

  it('says which port is taken and what to do', async () => {
    const host: PanelHost = {
      mode: 'serve',
      session: new SessionController({}),
      store,
      models: ['drums'],
      engine: () => 'none',
      transport: () => ({ source: 'host', bpm: 120, playing: false, ticks: 0, follow: false, meter: panelMeter(4, 4) }),
    };
    await expect(PanelServer.start(host, { port: panel.port, log: () => undefined })).rejects.toThrow(
      new RegExp(`cannot listen on 127\\.0\\.0\\.1:${panel.port} \\(EADDRINUSE\\); pick another with --panel-port`),
    );
  });
});
