import type { PanelHost } from './front-end';
import type { PanelServer } from './server';

/**
 * Starts the web panel of `play` or `serve` on 127.0.0.1:`port`. The HTTP and WebSocket servers
 * are loaded only now (they are no part of a plain play or serve). When the panel cannot start
 * (a busy port: one line, see PanelServer.start), `release` frees what the command had opened so
 * far (ports, engines, workers) and the error goes on to the CLI.
 */
export async function startPanel(host: PanelHost, port: number, log: (line: string) => void, release: () => Promise<unknown>): Promise<PanelServer> {
  try {
    const { PanelServer } = await import('./server');
    return await PanelServer.start(host, { port, log });
  } catch (err) {
    await release();
    throw err;
  }
}
