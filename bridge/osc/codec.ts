import OSC from 'osc-js';
import { TandemError } from '../../src/errors';

/**
 * The OSC codec, apart from any transport (osc-js keeps its codec apart from its plugins the same
 * way): bytes <-> messages. The UDP server (server.ts) and the device client use it.
 */

/** A typed OSC argument for sending: ints stay ints, floats stay floats even when whole. */
export type ReplyArg = { i: number } | { f: number } | { s: string };

/** One decoded message: address, type tags (without the comma) and arguments. */
export interface DecodedMessage {
  address: string;
  types: string;
  args: unknown[];
}

/** Bytes that are not an OSC packet. */
export class OscDecodeError extends TandemError {
  constructor(
    readonly bytes: number,
    readonly reason: string,
  ) {
    super(`unreadable OSC packet of ${bytes} bytes (${reason})`);
  }
}

/** Largest OSC packet sent: a UDP datagram on loopback carries up to ~65 KB; keep well below. */
export const MAX_PACKET_BYTES = 8192;

export function encodeMessage(address: string, args: readonly ReplyArg[]): Uint8Array {
  const m = new OSC.TypedMessage(address, []);
  for (const a of args) {
    if ('i' in a) m.add('i', Math.round(a.i));
    else if ('f' in a) m.add('f', a.f);
    else m.add('s', a.s);
  }
  return m.pack();
}

interface RawElement {
  address?: string;
  types?: string;
  args?: unknown[];
  bundleElements?: RawElement[];
}

/** Decodes one datagram into its messages: one for a message, every one of a bundle (nested too) in order. */
export function decodePacket(buf: Uint8Array): DecodedMessage[] {
  const packet = new OSC.Packet();
  try {
    packet.unpack(new DataView(buf.buffer, buf.byteOffset, buf.byteLength));
  } catch (err) {
    throw new OscDecodeError(buf.length, (err as Error).message || 'broken OSC data');
  }
  const out: DecodedMessage[] = [];
  const walk = (v: RawElement | undefined, depth: number) => {
    if (!v || depth > 8) return;
    if (v.bundleElements) for (const e of v.bundleElements) walk(e, depth + 1);
    else if (typeof v.address === 'string') out.push({ address: v.address, types: (v.types ?? '').replace(/^,/, ''), args: v.args ?? [] });
  };
  walk(packet.value as unknown as RawElement, 0);
  if (out.length === 0) throw new OscDecodeError(buf.length, 'not an OSC message');
  return out;
}

/** Decodes a datagram that must hold one message (replies to a client); a bundle gives its first. */
export function decodeMessage(buf: Uint8Array): DecodedMessage {
  return decodePacket(buf)[0];
}
