import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import OSC from 'osc-js';
import { TandemError } from '../../src/errors';
import { OscArgumentError, parseMessage, type ParsedMessage } from './address-space';

/** A typed OSC argument for replies: ints stay ints, floats stay floats even when whole. */
export type ReplyArg = { i: number } | { f: number } | { s: string };

/** Sends replies to whoever should hear them (the sender, or the configured reply port). */
export interface Reply {
  send(address: string, ...args: ReplyArg[]): void;
  error(message: string): void;
}

export type OscHandler = (msg: ParsedMessage, reply: Reply) => void | Promise<void>;

export interface OscServerOptions {
  /** UDP port on 127.0.0.1 (default 57121). */
  port?: number;
  /** Send replies to this port on 127.0.0.1 instead of the sender's port (Max's udpreceive). */
  replyPort?: number;
  log?: (line: string) => void;
}

export function encodeMessage(address: string, args: readonly ReplyArg[]): Uint8Array {
  const m = new OSC.TypedMessage(address, []);
  for (const a of args) {
    if ('i' in a) m.add('i', Math.round(a.i));
    else if ('f' in a) m.add('f', a.f);
    else m.add('s', a.s);
  }
  return m.pack();
}

/** Decodes one datagram into address, type tags and arguments (bundles: their first message). */
export function decodeMessage(buf: Uint8Array): { address: string; types: string; args: unknown[] } {
  const packet = new OSC.Packet();
  packet.unpack(new DataView(buf.buffer, buf.byteOffset, buf.byteLength));
  let v = packet.value as unknown as { address?: string; types?: string; args?: unknown[]; bundleElements?: unknown[] };
  while (v && v.bundleElements) v = v.bundleElements[0] as typeof v;
  if (!v || typeof v.address !== 'string') throw new Error('not an OSC message');
  return { address: v.address, types: v.types ?? '', args: v.args ?? [] };
}

/**
 * The OSC control server: UDP on 127.0.0.1 only. osc-js is the codec; the socket is ours, so
 * every datagram, even one that does not decode, is answered (/tandem/error) to its sender, and
 * nothing a client sends can stop the server.
 */
export class OscServer {
  private socket: Socket | undefined;
  readonly errors: string[] = [];

  constructor(
    private readonly handler: OscHandler,
    private readonly opts: OscServerOptions = {},
  ) {}

  get port(): number {
    const a = this.socket?.address();
    return a && typeof a === 'object' ? a.port : (this.opts.port ?? 57121);
  }

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = createSocket('udp4');
      s.once('error', (err: NodeJS.ErrnoException) => reject(new TandemError(`OSC port 127.0.0.1:${this.opts.port ?? 57121} cannot be bound (${err.code ?? err.message}); pick another with --osc-port`)));
      s.on('message', (buf, rinfo) => void this.receive(buf, rinfo));
      s.bind(this.opts.port ?? 57121, '127.0.0.1', () => {
        s.removeAllListeners('error');
        s.on('error', (err) => this.log(`tandem: OSC socket error: ${err.message}`));
        this.socket = s;
        resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.socket) return resolve();
      this.socket.close(() => resolve());
      this.socket = undefined;
    });
  }

  private log(line: string): void {
    (this.opts.log ?? ((l) => console.error(l)))(line);
  }

  private replyTo(rinfo: RemoteInfo): Reply {
    const port = this.opts.replyPort ?? rinfo.port;
    const send = (address: string, ...args: ReplyArg[]) => {
      const bytes = encodeMessage(address, args);
      this.socket?.send(bytes, port, '127.0.0.1');
    };
    return {
      send,
      error: (message: string) => {
        this.errors.push(message);
        this.log(`tandem: OSC ${message}`);
        send('/tandem/error', { s: message });
      },
    };
  }

  private async receive(buf: Buffer, rinfo: RemoteInfo): Promise<void> {
    const reply = this.replyTo(rinfo);
    let msg: ParsedMessage;
    try {
      const raw = decodeMessage(buf);
      msg = parseMessage(raw.address, raw.types, raw.args);
    } catch (err) {
      reply.error(err instanceof OscArgumentError ? err.message : `unreadable OSC packet of ${buf.length} bytes (${(err as Error).message})`);
      return;
    }
    try {
      await this.handler(msg, reply);
    } catch (err) {
      reply.error(`${msg.address}: ${(err as Error).message}`);
    }
  }
}
