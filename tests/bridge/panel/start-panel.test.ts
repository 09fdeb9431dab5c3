import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PanelHost } from '../../../bridge/panel/front-end';
import { panelMeter } from '../../../bridge/panel/protocol';
import { startPanel } from '../../../bridge/panel/start';
import { SessionController } from '../../../bridge/session/controller';
import { SuggestionStore } from '../../../bridge/storage/suggestions';
import { TandemError } from '../../../src/errors';

const host = (): PanelHost => ({
  mode: 'serve',
  session: new SessionController({}),
  store: new SuggestionStore(mkdtempSync(join(tmpdir(), 'tandem-start-panel-')), 'run', { log: () => undefined }),
  models: ['drums'],
  engine: () => 'none',
  transport: () => ({ source: 'host', bpm: 120, playing: false, ticks: 0, follow: false, meter: panelMeter(4, 4) }),
});

/** The one start of the panel that play and serve share. */
describe('startPanel', () => {
  it('on a busy port: frees what the command had opened, once, and fails with one line naming the port', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    let released = 0;
    try {
      const err = await startPanel(
        host(),
        port,
        () => undefined,
        async () => released++,
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TandemError);
      expect((err as Error).message).toBe(`the panel cannot listen on 127.0.0.1:${port} (EADDRINUSE); pick another with --panel-port`);
      expect(released).toBe(1);
    } finally {
      busy.close();
    }
  });

  it('on a free port: serves, and leaves the command its resources', async () => {
    let released = 0;
    const panel = await startPanel(
      host(),
      0,
      () => undefined,
      async () => released++,
    );
    try {
      expect(panel.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect((await fetch(panel.url)).status).toBe(200);
      expect(released).toBe(0);
    } finally {
      await panel.close();
    }
  });
});
