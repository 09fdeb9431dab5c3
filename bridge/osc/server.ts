import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { TandemError } from '../../src/errors';
import { OscArgumentError, parseMessage, type OscCommand } from './address-space';
import { decodePacket, encodeMessage, MAX_PACKET_BYTES, OscDecodeError, type ReplyArg } from './codec';

export { decodeMessage, decodePacket, encodeMessage, type ReplyArg } from './codec';

/** Sends replies to whoever should hear them (the sender, or the configured reply port). */
export interface Reply {
  /**
   * The client, as where its replies go (`127.0.0.1:port`: the sender's port, or the reply port,
   * whose one-shot senders such as oscsend use a new port each message): what a client's pending
   * state (a primer's chunks) is kept under.
   */
  readonly peer: string;
  send(address: string, ...args: ReplyArg[]): void;
  /** Answers /tandem/error with the message (and the request id, for a failed request). */
  error(message: string, id?: number): void;
}

export type OscHandler = (msg: OscCommand, reply: Reply) => void | Promise<void>;

export interface OscServerOptions {
  /** UDP port on 127.0.0.1 (default 57121). */
  port?: number;
  /** Send replies to this port on 127.0.0.1 instead of the sender's port (Max's udpreceive). */
  replyPort?: number;
  log?: (line: string) => void;
}

/**
 * The OSC control server: UDP on 127.0.0.1 only, the transport around the codec (codec.ts). The
 * socket is ours, so every datagram, even one that does not decode, is answered (/tandem/error)
 * to its sender's address and port, every message of a bundle is handled in order, and nothing a
 * client sends can stop the server. Packets from outside loopback are dropped.
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
      s.once('error', (err: NodeJS.ErrnoException) =>
        reject(new TandemError(`OSC port 127.0.0.1:${this.opts.port ?? 57121} cannot be bound (${err.code ?? err.message}); pick another with --osc-port`)),
      );
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
    const host = this.opts.replyPort ? '127.0.0.1' : rinfo.address;
    const send = (address: string, ...args: ReplyArg[]) => {
      const bytes = encodeMessage(address, args);
      if (bytes.length > MAX_PACKET_BYTES) {
        this.log(`tandem: OSC reply ${address} of ${bytes.length} bytes not sent (over ${MAX_PACKET_BYTES})`);
        return;
      }
      this.socket?.send(bytes, port, host);
    };
    return {
      peer: `${host}:${port}`,
      send,
      error: (message: string, id?: number) => {
        // Echoed input is cut short and stripped of control characters (no forged log lines).
        const text = message.length > 300 ? `${message.slice(0, 300)}...` : message;
        const safe = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
        this.errors.push(safe);
        this.log(`tandem: OSC ${safe}`);
        send('/tandem/error', { s: safe }, ...(id === undefined ? [] : [{ i: id }]));
      },
    };
  }

  private receive(buf: Buffer, rinfo: RemoteInfo): void {
    if (!isLoopback(rinfo.address)) return; // bound to 127.0.0.1: only a local sender can reach it anyway
    const reply = this.replyTo(rinfo);
    let messages;
    try {
      messages = decodePacket(buf);
    } catch (err) {
      reply.error(err instanceof OscDecodeError ? err.message : `unreadable OSC packet of ${buf.length} bytes (${(err as Error).message})`);
      return;
    }
    // In order: each handler's synchronous part (state changes, a request's seed) runs before the next message's.
    for (const raw of messages) {
      let msg: OscCommand;
      try {
        msg = parseMessage(raw.address, raw.types, raw.args);
      } catch (err) {
        if (!(err instanceof OscArgumentError)) throw err;
        reply.error(err.message);
        continue;
      }
      void (async () => {
        try {
          await this.handler(msg, reply);
        } catch (err) {
          reply.error(`${raw.address}: ${(err as Error).message}`, 'id' in msg ? (err as { id?: number }).id : undefined);
        }
      })();
    }
  }
}

/** 127.0.0.0/8 (and ::1, ::ffff:127.x). */
export function isLoopback(address: string): boolean {
  return /^(::ffff:)?127\./.test(address) || address === '::1';
}
