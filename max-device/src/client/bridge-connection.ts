import { BridgeProcess, findNode, findTandemHome, portWasTaken, readLaunchConfig, type LaunchConfig } from './bridge-launcher';
import type { OscLink } from './osc-link';

/** Where the device stands with its bridge. */
export type Phase = 'idle' | 'connecting' | 'launching' | 'connected' | 'failed';

/** How a device finds, starts and watches its bridge (TandemClientOptions' fields of the same names). */
export interface BridgeConnectionOptions {
  port: number;
  launch: boolean;
  pingTimeoutMs: number;
  startTimeoutMs: number;
  heartbeatMs: number;
  leaseMs: number;
  scriptDir: string;
  config?: LaunchConfig & { problem?: string };
  nodeCandidates?: string[];
}

/** What the connection tells its device. */
export interface BridgeConnectionHooks {
  status(text: string): void;
  log(text: string): void;
  error(text: string): void;
  /** The bridge answers (found running, or started by this device). */
  connected(how: 'found' | 'started'): void;
}

/**
 * A device's bridge: pings 127.0.0.1:port, starts `tandem serve` when nothing answers (Node and the
 * repo from the launch config), then pings on a heartbeat; a bridge lost after connecting (no
 * pongs, or the one started here exited) is looked for again or restarted, and one found again
 * after a failure is taken back.
 */
export class BridgeConnection {
  phase: Phase = 'idle';
  private pongWaiters: (() => void)[] = [];
  private heartbeat: NodeJS.Timeout | undefined;
  private missedPings = 0;
  /** The bridge was lost after connecting: the heartbeat keeps pinging while failed, to find it again. */
  private lostBridge = false;
  private bridgeNote: string | undefined;
  private bridge: BridgeProcess | undefined;
  private closed = false;

  constructor(
    private readonly link: OscLink,
    private readonly opts: BridgeConnectionOptions,
    private readonly hooks: BridgeConnectionHooks,
  ) {}

  /** The note a bridge started here printed while starting (no Chromium found, a model fallback, ...). */
  get note(): string | undefined {
    return this.bridgeNote;
  }

  /** The process id of the bridge this device started (the last one), if it did. */
  get startedPid(): number | undefined {
    return this.bridge?.pid;
  }

  /** Finds the bridge, or starts one. */
  async connect(why?: string): Promise<void> {
    this.phase = 'connecting';
    this.hooks.status(`${why ? `${why}; ` : ''}looking for the Tandem bridge on 127.0.0.1:${this.opts.port}…`);
    if (await this.ping(this.opts.pingTimeoutMs)) return this.connected('found');
    if (this.closed) return;
    if (!this.opts.launch)
      return this.fail(`no Tandem bridge answers on 127.0.0.1:${this.opts.port}; start it with: npx tandem serve --osc-port ${this.opts.port}`);
    await this.launch();
  }

  /** A `/tandem/pong` arrived. */
  pong(): void {
    this.missedPings = 0;
    for (const w of this.pongWaiters.splice(0)) w();
    // A bridge lost and not found again answers after all (another device started one).
    if (this.phase === 'failed' && this.lostBridge) this.connected('found');
  }

  /** Stops the heartbeat. A bridge started here keeps running for other devices until its lease ends. */
  close(): void {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
  }

  /** Fails with `reason` on the status line. */
  fail(reason: string): void {
    this.phase = 'failed';
    this.hooks.error(reason);
  }

  /** The bridge was lost (no pongs, or the one this client started exited): find it again or start one. */
  private reconnect(why: string): void {
    if (this.closed || this.phase !== 'connected') return;
    this.lostBridge = true;
    void this.connect(why);
  }

  private ping(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.pongWaiters = this.pongWaiters.filter((w) => w !== onPong);
        resolve(ok);
      };
      const onPong = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.pongWaiters.push(onPong);
      this.link.send('/tandem/ping');
    });
  }

  private async launch(): Promise<void> {
    const config = this.opts.config ?? readLaunchConfig();
    if (config.problem) return this.fail(config.problem);
    const node = findNode(config, this.opts.nodeCandidates);
    if ('reason' in node) return this.fail(node.reason);
    const home = findTandemHome(config, this.opts.scriptDir);
    if ('reason' in home) return this.fail(home.reason);
    this.phase = 'launching';
    this.hooks.status(`starting the Tandem bridge (Node ${node.version}) from ${home.home}…`);
    const bridge = new BridgeProcess({ node: node.path, bin: home.bin, home: home.home, port: this.opts.port, leaseMs: this.opts.leaseMs });
    this.bridge = bridge;
    let exited: string | undefined;
    bridge.on('line', (line) => {
      this.hooks.log(`bridge: ${line}`);
      // The bridge's own notes (no Chromium found, a model fallback, ...) stay on the status line.
      // (Not a port clash: that bridge lost the race to another device's, which this one uses.)
      // Once connected, the ready line stays; later notes go to the Max window only.
      if (this.phase === 'launching' && line.startsWith('tandem: ') && !line.includes('OSC bridge on') && !portWasTaken([line])) {
        this.bridgeNote = line.slice('tandem: '.length);
        this.hooks.status(this.bridgeNote);
      }
    });
    let clash = false;
    bridge.on('exit', (code, signal, lastLines) => {
      const why = `the Tandem bridge exited (${signal ?? `code ${code}`})${lastLines.length ? `: ${lastLines[lastLines.length - 1]}` : ''}`;
      exited = why;
      // Two devices loading together both start a bridge: the second finds the port taken, and uses the first's.
      clash = portWasTaken(lastLines);
      if (this.closed || this.bridge !== bridge || clash) return;
      if (this.phase === 'connected') this.reconnect(why);
    });
    const deadline = Date.now() + this.opts.startTimeoutMs;
    let waitingSaid = false;
    while (!this.closed && Date.now() < deadline) {
      if (exited && !clash) return this.fail(exited);
      if (clash && !waitingSaid) {
        waitingSaid = true;
        this.hooks.status(`another device is starting the Tandem bridge on 127.0.0.1:${this.opts.port}; waiting for it…`);
      }
      if (await this.ping(this.opts.pingTimeoutMs)) return this.connected(clash ? 'found' : 'started');
    }
    if (!this.closed) {
      bridge.stop();
      this.fail(`the Tandem bridge started but did not answer on 127.0.0.1:${this.opts.port} within ${Math.round(this.opts.startTimeoutMs / 1000)} s`);
    }
  }

  private connected(how: 'found' | 'started'): void {
    this.phase = 'connected';
    this.lostBridge = false;
    this.hooks.connected(how);
    if (this.opts.heartbeatMs > 0 && !this.heartbeat) {
      this.heartbeat = setInterval(() => {
        if (this.phase === 'failed' && this.lostBridge) return this.link.send('/tandem/ping');
        if (this.phase !== 'connected') return;
        if (++this.missedPings > 2) {
          this.missedPings = 0;
          this.reconnect(`the Tandem bridge stopped answering on 127.0.0.1:${this.opts.port}`);
          return;
        }
        this.link.send('/tandem/ping');
      }, this.opts.heartbeatMs);
      this.heartbeat.unref?.();
    }
  }
}
