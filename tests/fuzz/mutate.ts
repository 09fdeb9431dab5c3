import type { Rng } from '../../src/random';

const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)];

/** Byte values that break parsers most often: lengths, status bytes, running status, VLQ continuation. */
const SPECIAL = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x8f, 0x90, 0x99, 0xb0, 0xc0, 0xf0, 0xf7, 0xff, 0x2f, 0x51, 0x58];

/** Where the first MTrk chunk's data begins (14 past a normal header). */
function firstTrack(b: Uint8Array): number {
  for (let i = 8; i + 8 <= b.length; i++) if (b[i] === 0x4d && b[i + 1] === 0x54 && b[i + 2] === 0x72 && b[i + 3] === 0x6b) return i;
  return 14;
}

/**
 * One seeded mutation of a Standard MIDI File, of the kinds hostile or damaged files show:
 * flipped and special bytes, cut and padded files, wrong chunk lengths, header fields at their
 * extremes (1 tick per beat, 65535 tracks, SMPTE), huge delta times, spliced files.
 */
export function mutateMidi(src: Uint8Array, rng: Rng, other?: Uint8Array): { bytes: Uint8Array; kind: string } {
  const b = Uint8Array.from(src);
  const kinds = ['flip', 'special', 'truncate', 'insert', 'delete', 'header', 'chunk-length', 'huge-delta', 'splice', 'many'] as const;
  const kind = pick(rng, kinds);
  switch (kind) {
    case 'flip': {
      for (let i = 0, n = 1 + int(rng, 8); i < n; i++) b[int(rng, b.length)] ^= 1 << int(rng, 8);
      return { bytes: b, kind };
    }
    case 'special': {
      for (let i = 0, n = 1 + int(rng, 8); i < n; i++) b[int(rng, b.length)] = pick(rng, SPECIAL);
      return { bytes: b, kind };
    }
    case 'truncate':
      return { bytes: b.subarray(0, int(rng, b.length)), kind };
    case 'insert': {
      const at = int(rng, b.length);
      const junk = Uint8Array.from({ length: 1 + int(rng, 64) }, () => (rng() < 0.5 ? pick(rng, SPECIAL) : int(rng, 256)));
      return { bytes: concat(b.subarray(0, at), junk, b.subarray(at)), kind };
    }
    case 'delete': {
      const at = int(rng, b.length);
      return { bytes: concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + int(rng, 64)))), kind };
    }
    case 'header': {
      const field = pick(rng, ['format', 'tracks', 'ppq', 'smpte', 'length'] as const);
      if (field === 'format') b[9] = pick(rng, [0, 1, 2, 3, 255]);
      if (field === 'tracks')
        [b[10], b[11]] = pick(rng, [
          [0, 0],
          [0, 2],
          [1, 0],
          [255, 255],
        ]);
      if (field === 'ppq')
        [b[12], b[13]] = pick(rng, [
          [0, 0],
          [0, 1],
          [0, 3],
          [127, 255],
        ]);
      if (field === 'smpte') [b[12], b[13]] = [0xe7, 0x28];
      if (field === 'length') b[7] = pick(rng, [0, 5, 7, 255]);
      return { bytes: b, kind: `${kind}-${field}` };
    }
    case 'chunk-length': {
      const t = firstTrack(b);
      const v = pick(rng, [0, 1, 0x7fffffff, 0xffffffff, (b.length - t) * 2]);
      new DataView(b.buffer, b.byteOffset).setUint32(t + 4, v >>> 0);
      return { bytes: b, kind };
    }
    case 'huge-delta': {
      // A delta of up to 0x0FFFFFFF ticks at the start of the first track, sometimes at 1 tick per beat.
      const t = firstTrack(b) + 8;
      const vlq = [0xff, 0xff, 0xff, 0x7f].slice(int(rng, 3));
      vlq[0] |= 0x80;
      if (rng() < 0.5) [b[12], b[13]] = [0, 1];
      const out = concat(b.subarray(0, t), Uint8Array.from(vlq), Uint8Array.from([0x99, 36, 100]), b.subarray(t));
      const dv = new DataView(out.buffer, out.byteOffset);
      dv.setUint32(t - 4, dv.getUint32(t - 4) + vlq.length + 3);
      return { bytes: out, kind };
    }
    case 'splice': {
      const o = other ?? src;
      const cut = int(rng, b.length);
      return { bytes: concat(b.subarray(0, cut), o.subarray(int(rng, o.length))), kind };
    }
    case 'many': {
      let cur: Uint8Array = b;
      for (let i = 0; i < 3; i++) cur = mutateMidi(cur, rng, other).bytes;
      return { bytes: cur, kind };
    }
  }
}

const WEIRD_VALUES: unknown[] = [
  null,
  true,
  -1,
  0,
  1e308,
  -1e308,
  1.5,
  65,
  '8',
  '',
  'rock',
  'any',
  [],
  {},
  [1, 2],
  { a: 1 },
  'x'.repeat(10_000),
  '\u0000',
  2 ** 53,
  0.05,
  3.0001,
];
const KEYS = [
  'name',
  'description',
  'model',
  'genre',
  'density',
  'temperature',
  'fillEvery',
  'bars',
  '__proto__',
  'constructor',
  'toString',
  'prototype',
  'hasOwnProperty',
  'valueOf',
  'swing',
  '',
];

/** One seeded mutation of a preset's JSON text: values, keys, structure and bytes. */
export function mutatePreset(text: string, rng: Rng): { text: string; kind: string } {
  const obj = JSON.parse(text) as Record<string, unknown>;
  const kind = pick(rng, ['value', 'add-key', 'drop-key', 'rename-key', 'nest', 'not-object', 'bytes', 'truncate', 'many'] as const);
  switch (kind) {
    case 'value':
      obj[pick(rng, Object.keys(obj))] = pick(rng, WEIRD_VALUES);
      return { text: JSON.stringify(obj), kind };
    case 'add-key': {
      // JSON text, not an object literal: "__proto__" stays an own key as JSON.parse makes it
      const key = pick(rng, KEYS);
      return { text: `${text.trim().slice(0, -1)}, ${JSON.stringify(key)}: ${JSON.stringify(pick(rng, WEIRD_VALUES))}}`, kind: `${kind}-${key || 'empty'}` };
    }
    case 'drop-key':
      delete obj[pick(rng, Object.keys(obj))];
      return { text: JSON.stringify(obj), kind };
    case 'rename-key': {
      const k = pick(rng, Object.keys(obj));
      const v = obj[k];
      delete obj[k];
      return { text: `${JSON.stringify(obj).slice(0, -1)}, ${JSON.stringify(pick(rng, KEYS))}: ${JSON.stringify(v)}}`, kind };
    }
    case 'nest':
      return { text: '['.repeat(1 + int(rng, 5000)) + ']'.repeat(int(rng, 5000)), kind };
    case 'not-object':
      return { text: JSON.stringify(pick(rng, WEIRD_VALUES)), kind };
    case 'bytes': {
      const chars = [...text];
      for (let i = 0, n = 1 + int(rng, 6); i < n; i++)
        chars[int(rng, chars.length)] = pick(rng, ['"', '{', '}', ',', ':', '\\', '\u0000', '9', 'e', '-', '\ud800']);
      return { text: chars.join(''), kind };
    }
    case 'truncate':
      return { text: text.slice(0, int(rng, text.length)), kind };
    case 'many': {
      let cur = text;
      for (let i = 0; i < 3; i++) {
        try {
          cur = mutatePreset(cur, rng).text;
        } catch {
          cur = cur.slice(0, int(rng, cur.length + 1));
        }
      }
      return { text: cur, kind };
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
