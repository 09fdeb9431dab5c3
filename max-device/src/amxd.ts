import { TandemError } from '../../src/errors';
import type { PatcherDocument } from './patcher/types';

/**
 * The .amxd container: chunks of a 4-byte ASCII tag and a u32 little-endian size, then the data.
 * A device is `ampf` (4 bytes: the device type), `meta` (4 bytes of flags), `ptch` (the patcher
 * JSON, UTF-8, ending in "\n\0" with the NUL counted). Newer Max versions may add chunks; a reader
 * walks them by size (as Ableton's maxdevtools does).
 */

/** Device types Live knows, by their `ampf` code. */
export const DEVICE_TYPES = Object.freeze({
  mmmm: 'MIDI effect',
  aaaa: 'audio effect',
  iiii: 'instrument',
  nagg: 'MIDI Tool generator',
  natt: 'MIDI Tool transformation',
});
export type DeviceType = keyof typeof DEVICE_TYPES;

/** An .amxd file that cannot be read: which part and what was wrong. */
export class AmxdFormatError extends TandemError {}

/** One chunk of the file. */
export interface AmxdChunk {
  tag: string;
  /** Byte offset of the chunk's header in the file. */
  offset: number;
  data: Uint8Array;
}

/** Writes a device: `ampf` + type, `meta` + flags, `ptch` + the patcher JSON. */
export function encodeAmxd(doc: PatcherDocument, type: DeviceType = 'mmmm', metaFlags = 1): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(doc, null, '\t') + '\n\0');
  const chunks: [string, Uint8Array][] = [
    ['ampf', new TextEncoder().encode(type)],
    ['meta', u32(metaFlags)],
    ['ptch', json],
  ];
  const out = new Uint8Array(chunks.reduce((n, [, d]) => n + 8 + d.length, 0));
  let at = 0;
  for (const [tag, data] of chunks) {
    out.set(new TextEncoder().encode(tag), at);
    out.set(u32(data.length), at + 4);
    out.set(data, at + 8);
    at += 8 + data.length;
  }
  return out;
}

/** Splits a file into chunks; throws AmxdFormatError when a header or a size does not fit the file. */
export function readChunks(bytes: Uint8Array): AmxdChunk[] {
  const chunks: AmxdChunk[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < 8) throw new AmxdFormatError(`truncated chunk header at byte ${at}: ${bytes.length - at} bytes left, a header is 8`);
    const tag = String.fromCharCode(...bytes.subarray(at, at + 4));
    if (!/^[a-z@]{4}$/.test(tag))
      throw new AmxdFormatError(`bad chunk tag ${JSON.stringify(tag)} at byte ${at} (expected 4 lowercase letters such as ampf, meta, ptch)`);
    const size = view.getUint32(at + 4, true);
    if (at + 8 + size > bytes.length) throw new AmxdFormatError(`chunk ${tag} at byte ${at} says ${size} bytes but only ${bytes.length - at - 8} follow`);
    chunks.push({ tag, offset: at, data: bytes.subarray(at + 8, at + 8 + size) });
    at += 8 + size;
  }
  return chunks;
}

/** What an .amxd holds: its device type, meta flags and the parsed patcher. */
export interface DecodedAmxd {
  type: DeviceType;
  metaFlags: number;
  doc: PatcherDocument;
  chunks: AmxdChunk[];
}

/** Reads a device written by Max or by encodeAmxd; throws AmxdFormatError naming what is wrong. */
export function decodeAmxd(bytes: Uint8Array): DecodedAmxd {
  const chunks = readChunks(bytes);
  const [first, second] = chunks;
  if (!first || first.tag !== 'ampf') throw new AmxdFormatError(`the file must start with an ampf chunk, found ${first ? first.tag : 'nothing'}`);
  if (first.data.length !== 4) throw new AmxdFormatError(`ampf must hold 4 bytes (the device type), holds ${first.data.length}`);
  const type = String.fromCharCode(...first.data);
  if (!(type in DEVICE_TYPES)) throw new AmxdFormatError(`unknown device type ${JSON.stringify(type)} (known: ${Object.keys(DEVICE_TYPES).join(', ')})`);
  if (!second || second.tag !== 'meta' || second.data.length !== 4) throw new AmxdFormatError('the second chunk must be meta with 4 bytes');
  const metaFlags = new DataView(second.data.buffer, second.data.byteOffset, 4).getUint32(0, true);
  const ptch = chunks.find((c) => c.tag === 'ptch');
  if (!ptch) throw new AmxdFormatError(`no ptch chunk (chunks: ${chunks.map((c) => c.tag).join(', ')})`);
  if (String.fromCharCode(...ptch.data.subarray(0, 4)) === 'mx@c')
    throw new AmxdFormatError('the device is frozen (mx@c); Tandem builds and checks unfrozen devices');
  const end = ptch.data.length > 0 && ptch.data[ptch.data.length - 1] === 0 ? ptch.data.length - 1 : ptch.data.length;
  let doc: PatcherDocument;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(ptch.data.subarray(0, end))) as PatcherDocument;
  } catch (err) {
    throw new AmxdFormatError(`the ptch chunk is not UTF-8 JSON: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || !doc.patcher || !Array.isArray(doc.patcher.boxes) || !Array.isArray(doc.patcher.lines)) {
    throw new AmxdFormatError('the ptch JSON has no patcher with boxes and lines');
  }
  return { type: type as DeviceType, metaFlags, doc, chunks };
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}
