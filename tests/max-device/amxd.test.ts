import { describe, expect, it } from 'vitest';
import { AmxdFormatError, decodeAmxd, encodeAmxd, readChunks } from '../../max-device/src/amxd';
import type { Patcher } from '../../max-device/src/patcher/types';

const doc = { patcher: { fileversion: 1, boxes: [], lines: [], devicewidth: 100 } as unknown as Patcher };
const chunk = (tag: string, data: Uint8Array) => {
  const out = new Uint8Array(8 + data.length);
  out.set(new TextEncoder().encode(tag));
  new DataView(out.buffer).setUint32(4, data.length, true);
  out.set(data, 8);
  return out;
};
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

describe('.amxd container', () => {
  it('round-trips a patcher, with type and meta flags', () => {
    const bytes = encodeAmxd(doc, 'aaaa', 7);
    const d = decodeAmxd(bytes);
    expect([d.type, d.metaFlags, d.doc]).toEqual(['aaaa', 7, doc]);
    expect(d.chunks.map((c) => [c.tag, c.offset])).toEqual([
      ['ampf', 0],
      ['meta', 12],
      ['ptch', 24],
    ]);
  });

  it('walks chunks by size, so a chunk after ptch (newer Max) is read, not misparsed', () => {
    const bytes = cat(encodeAmxd(doc), chunk('dlst', new Uint8Array([1, 2, 3])));
    expect(readChunks(bytes).map((c) => c.tag)).toEqual(['ampf', 'meta', 'ptch', 'dlst']);
    expect(decodeAmxd(bytes).doc).toEqual(doc);
  });

  it('names what is wrong', () => {
    const json = new TextEncoder().encode('{"patcher": ');
    const head = cat(chunk('ampf', new TextEncoder().encode('mmmm')), chunk('meta', new Uint8Array(4)));
    expect(() => decodeAmxd(cat(head, chunk('ptch', json)))).toThrow(/the ptch chunk is not UTF-8 JSON/);
    expect(() => decodeAmxd(cat(head, chunk('ptch', new TextEncoder().encode('mx@c....'))))).toThrow(
      'the device is frozen (mx@c); Tandem builds and checks unfrozen devices',
    );
    expect(() => decodeAmxd(cat(chunk('ampf', new TextEncoder().encode('zzzz')), chunk('meta', new Uint8Array(4))))).toThrow(
      'unknown device type "zzzz" (known: mmmm, aaaa, iiii, nagg, natt)',
    );
    expect(() => decodeAmxd(head)).toThrow(AmxdFormatError);
    expect(() => readChunks(new Uint8Array([0x61, 0x6d, 0x70]))).toThrow('truncated chunk header at byte 0: 3 bytes left, a header is 8');
    expect(() => readChunks(new TextEncoder().encode('AMPF\x04\x00\x00\x00mmmm'))).toThrow(/bad chunk tag "AMPF" at byte 0/);
  });
});
