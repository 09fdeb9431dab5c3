import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { InvalidValueError, TandemError } from '../../src/errors';
import { REPO_ROOT } from '../data/paths';
import { isLoopback } from '../osc/server';
import { PanelFrontEnd, type PanelHost } from './front-end';
import { PanelHistory } from './history';
import { DEFAULT_PANEL_PORT } from './port';
import { describeForPage, PANEL_MAX_MESSAGE_BYTES, PanelMessageError, parsePanelMessage, REF_PATTERN, type PanelEvent } from './protocol';

export interface PanelServerOptions {
  /** TCP port on 127.0.0.1 (default 7355; 0 = any free one). */
  port: number;
  /** How often the state is pushed while it changes, ms (default 200). */
  stateEveryMs: number;
  log: (line: string) => void;
}

export const PANEL_DEFAULTS: Readonly<Omit<PanelServerOptions, 'log'>> = Object.freeze({ port: DEFAULT_PANEL_PORT, stateEveryMs: 200 });

/**
 * Where the page's files are: in the repository, read at start. Not beside this module, which runs
 * from a chunk in dist/ when the CLI is built; static files need no build, so nothing there can go stale.
 */
export const PAGE_DIR = join(REPO_ROOT, 'bridge', 'panel', 'page');

/** The page's files: fixed names, read once at start and served from memory (no path from a request reaches the disk). */
const ASSETS: Readonly<Record<string, { file: string; type: string }>> = Object.freeze({
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/panel.js': { file: 'panel.js', type: 'text/javascript; charset=utf-8' },
  '/roll.js': { file: 'roll.js', type: 'text/javascript; charset=utf-8' },
  '/audio.js': { file: 'audio.js', type: 'text/javascript; charset=utf-8' },
  '/panel.css': { file: 'panel.css', type: 'text/css; charset=utf-8' },
});

/**
 * The web panel: an HTTP server on 127.0.0.1 for the page and the saved .mid files, and a WebSocket
 * (ws) on /ws that pushes state, suggestions and history, and takes commands that go through the
 * session controller (PanelFrontEnd). Node's http serves the five fixed files from memory: a static
 * file server would add a path-to-disk mapping this does not want.
 *
 * Only this machine and only this panel's own page may use it: the socket must come from loopback,
 * the Host header must name 127.0.0.1 or localhost at this port (a DNS-rebinding page carries its
 * own host name) and a WebSocket's Origin must be this panel's (another site's page carries its own).
 */
export class PanelServer {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly front: PanelFrontEnd;
  private readonly assets = new Map<string, { body: Buffer; type: string }>();
  private readonly opts: PanelServerOptions;
  private timer: NodeJS.Timeout | undefined;
  private lastState = '';
  private unsubscribe: (() => void) | undefined;
  /** Refusals so far (tests and logs read them). */
  readonly refused: string[] = [];

  private constructor(
    private readonly host: PanelHost,
    opts: Partial<PanelServerOptions>,
  ) {
    this.opts = { ...PANEL_DEFAULTS, log: (l) => console.error(l), ...opts };
    for (const [path, a] of Object.entries(ASSETS)) this.assets.set(path, { body: readFileSync(join(PAGE_DIR, a.file)), type: a.type });
    const history = new PanelHistory(host.store, { log: this.opts.log });
    this.front = new PanelFrontEnd(host, history);
    this.http = createServer((req, res) => this.request(req, res));
    this.wss = new WebSocketServer({ noServer: true, maxPayload: PANEL_MAX_MESSAGE_BYTES });
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    this.wss.on('connection', (ws) => this.connected(ws));
    this.unsubscribe = host.store.onSave((s) => this.broadcast({ type: 'suggestion', item: history.add(s) }));
  }

  /** Starts the panel on 127.0.0.1; TandemError naming the port when it cannot be bound. */
  static async start(host: PanelHost, opts: Partial<PanelServerOptions> = {}): Promise<PanelServer> {
    const p = new PanelServer(host, opts);
    await new Promise<void>((resolve, reject) => {
      p.http.once('error', (err: NodeJS.ErrnoException) =>
        reject(new TandemError(`the panel cannot listen on 127.0.0.1:${p.opts.port} (${err.code ?? err.message}); pick another with --panel-port`)),
      );
      p.http.listen(p.opts.port, '127.0.0.1', () => resolve());
    }).catch((err) => {
      p.unsubscribe?.();
      throw err;
    });
    p.http.on('error', (err) => p.opts.log(`tandem: panel: ${err.message}`));
    p.timer = setInterval(() => p.pushState(), p.opts.stateEveryMs);
    return p;
  }

  get port(): number {
    const a = this.http.address();
    return a && typeof a === 'object' ? a.port : this.opts.port;
  }

  /** Pages connected now. */
  get connections(): number {
    return this.wss.clients.size;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** Stops serving and closes every connection. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  /** Why a request may not use the panel, or undefined when it may. */
  private refusal(req: IncomingMessage, ws: boolean): string | undefined {
    if (!isLoopback(req.socket.remoteAddress ?? '')) return `a connection from ${req.socket.remoteAddress}`;
    const allowed = [`127.0.0.1:${this.port}`, `localhost:${this.port}`];
    const host = req.headers.host ?? '';
    if (!allowed.includes(host.toLowerCase())) return `Host ${JSON.stringify(host.slice(0, 80))} (allowed: ${allowed.join(', ')})`;
    if (ws) {
      const origin = req.headers.origin ?? '';
      if (!allowed.some((a) => origin.toLowerCase() === `http://${a}`))
        return `a WebSocket from Origin ${JSON.stringify(origin.slice(0, 80))} (allowed: this panel's own page)`;
    }
    return undefined;
  }

  private refuse(why: string): void {
    this.refused.push(why);
    if (this.refused.length > 1000) this.refused.shift();
    this.opts.log(`tandem: panel: refused ${why}`);
  }

  private request(req: IncomingMessage, res: ServerResponse): void {
    const why = this.refusal(req, false);
    if (why) {
      this.refuse(why);
      return void res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden\n');
    }
    const headers = {
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': `default-src 'self'; connect-src 'self' ws://127.0.0.1:${this.port} ws://localhost:${this.port}; img-src 'self' data:; frame-ancestors 'none'`,
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
    const path = (req.url ?? '/').split('?')[0];
    const asset = this.assets.get(path);
    if (asset) return void res.writeHead(200, { ...headers, 'content-type': asset.type }).end(req.method === 'HEAD' ? undefined : asset.body);
    if (path === '/favicon.ico') return void res.writeHead(204, headers).end();
    if (path.startsWith('/mid/')) {
      try {
        const ref = decodeURIComponent(path.slice('/mid/'.length)); // URIError on a broken %-escape: a 404 like any bad name
        if (!REF_PATTERN.test(ref)) throw new InvalidValueError('suggestion', ref, '"<session>/<file>.mid"');
        const body = this.front.history.bytes(ref);
        const name = ref.split('/')[1];
        return void res
          .writeHead(200, { ...headers, 'content-type': 'audio/midi', 'content-disposition': `attachment; filename="${name}"` })
          .end(req.method === 'HEAD' ? undefined : body);
      } catch (err) {
        return void res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end(`${(err as Error).message}\n`);
      }
    }
    res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found\n');
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const why = (req.url ?? '') !== '/ws' ? `a WebSocket on ${JSON.stringify((req.url ?? '').slice(0, 80))} (only /ws)` : this.refusal(req, true);
    if (why) {
      this.refuse(why);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  private connected(ws: WebSocket): void {
    // A client's broken frame or oversized message closes that client only (ws reports it here).
    ws.on('error', (err) => this.opts.log(`tandem: panel: a page's connection failed (${err.message})`));
    ws.on('message', (data, isBinary) => void this.message(ws, data, isBinary));
    this.send(ws, {
      type: 'hello',
      mode: this.host.mode,
      choosable: this.host.models,
      parts: this.host.parts ?? null,
      unused: this.host.unused ?? {},
      outDir: this.host.store.dir,
      session: this.host.store.dir.split(/[\\/]/).pop() ?? '',
      ...describeForPage(),
    });
    this.send(ws, this.front.state());
    this.send(ws, { type: 'history', items: this.front.history.list() });
  }

  private async message(ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    try {
      if (isBinary) throw new PanelMessageError('binary frames are not taken; send JSON text');
      const cmd = parsePanelMessage(data.toString());
      for (const ev of await this.front.handle(cmd)) {
        if (ev.type === 'kept') this.broadcast(ev);
        else this.send(ws, ev);
      }
      this.pushState();
    } catch (err) {
      // Every refusal is the sender's to see; none stops the session or the server.
      if (!(err instanceof TandemError)) this.opts.log(`tandem: panel: ${(err as Error).stack ?? err}`);
      this.send(ws, { type: 'error', message: (err as Error).message.slice(0, 400) });
    }
  }

  private send(ws: WebSocket, ev: PanelEvent): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(ev));
  }

  private broadcast(ev: PanelEvent): void {
    const text = JSON.stringify(ev);
    for (const ws of this.wss.clients) if (ws.readyState === ws.OPEN) ws.send(text);
  }

  /** Pushes the state when it changed (the transport moves while playing). */
  private pushState(): void {
    if (this.wss.clients.size === 0) return;
    const text = JSON.stringify(this.front.state());
    if (text === this.lastState) return;
    this.lastState = text;
    for (const ws of this.wss.clients) if (ws.readyState === ws.OPEN) ws.send(text);
  }
}
