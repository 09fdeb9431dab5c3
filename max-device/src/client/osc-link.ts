import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { decodeMessage, encodeMessage, type ReplyArg } from '../../../bridge/osc/codec';

/** A decoded OSC message from the bridge. */
export interface OscIn {
  address: string;
  args: unknown[];
}

/**
 * The device's UDP socket to the bridge, on 127.0.0.1 only. Uses the same osc-js codec
 * functions as the bridge's server, so both ends agree on type tags (ints stay ints).
 */
export class OscLink extends EventEmitter<{ message: [msg: OscIn]; error: [err: Error] }> {
  private socket: Socket | undefined;
  private foreign = 0;

  /** Packets dropped because they did not come from the bridge's address and port. */
  get foreignPackets(): number {
    return this.foreign;
  }

  /** @param bridgePort the bridge's UDP port on 127.0.0.1 */
  constructor(public bridgePort: number) {
    super();
  }

  /** Binds an ephemeral port on 127.0.0.1; the bridge replies to it. */
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = createSocket('udp4');
      s.once('error', reject);
      s.on('message', (buf, from) => {
        // Only the bridge's replies count: any local program can send to this port (issue 10.9).
        if (from.address !== '127.0.0.1' || from.port !== this.bridgePort) {
          if (this.foreign++ === 0)
            this.emit(
              'error',
              new Error(
                `ignored a packet from ${from.address}:${from.port}: only the bridge on 127.0.0.1:${this.bridgePort} is listened to (further ones are counted in foreignPackets)`,
              ),
            );
          return;
        }
        let msg: OscIn;
        try {
          msg = decodeMessage(buf);
        } catch (err) {
          this.emit('error', new Error(`unreadable OSC packet of ${buf.length} bytes from the bridge (${(err as Error).message})`));
          return;
        }
        // A listener's mistake must not end the client: an exception thrown here would leave the
        // dgram handler and stop node.script.
        try {
          this.emit('message', msg);
        } catch (err) {
          this.emit('error', new Error(`handling ${msg.address} failed: ${(err as Error).message}`));
        }
      });
      s.bind(0, '127.0.0.1', () => {
        s.off('error', reject);
        s.on('error', (err) => this.emit('error', err));
        this.socket = s;
        resolve();
      });
    });
  }

  /** Sends one message to the bridge (dropped silently by UDP if nobody listens). */
  send(address: string, ...args: ReplyArg[]): void {
    this.socket?.send(encodeMessage(address, args), this.bridgePort, '127.0.0.1');
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.socket) return resolve();
      this.socket.close(() => resolve());
      this.socket = undefined;
    });
  }
}
