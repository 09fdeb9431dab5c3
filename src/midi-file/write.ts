import { PPQ, bpmToMicrosPerBeat } from '../time/units';
import type { Sequence } from '../music/sequence';
import { MIDI_STATUS } from '../music/midi-status';

export interface WriteOptions {
  /** 0: one track with everything; 1: a tempo track, then one track per channel. Default 1. */
  format?: 0 | 1;
  /** Name of the first track (format 1: the conductor track; format 0: the only track). */
  name?: string;
  /** Track names per channel (format 1). */
  channelNames?: Record<number, string>;
}

/** One event at an absolute tick; `order` sorts events at the same tick: meta, note-offs, note-ons. */
interface TimedEvent {
  ticks: number;
  order: number;
  bytes: number[];
}

/**
 * Our own SMF encoder (parsing stays with `midi-file`): its writer appends every multi-byte
 * delta time with Array.concat, which is quadratic in track length (minutes for a long
 * Groove MIDI file). This one writes into a growing byte buffer.
 */
class ByteWriter {
  private buf = new Uint8Array(1024);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(...bs: number[]): void {
    this.room(bs.length);
    for (const b of bs) this.buf[this.length++] = b & 0xff;
  }

  bytes(bs: Uint8Array): void {
    this.room(bs.length);
    this.buf.set(bs, this.length);
    this.length += bs.length;
  }

  u32(v: number): void {
    this.byte(v >>> 24, v >>> 16, v >>> 8, v);
  }

  /** Variable-length quantity (7 bits per byte, high bit = more follows). */
  varInt(v: number): void {
    const out = [v & 0x7f];
    for (v >>>= 7; v > 0; v >>>= 7) out.unshift((v & 0x7f) | (1 << 7));
    this.byte(...out);
  }

  ascii(s: string): void {
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i));
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

const textBytes = (s: string) => new TextEncoder().encode(s);

function metaEvents(seq: Sequence): TimedEvent[] {
  const out: TimedEvent[] = [];
  for (const t of seq.tempos) {
    const us = bpmToMicrosPerBeat(t.bpm);
    out.push({ ticks: t.ticks, order: 0, bytes: [0xff, 0x51, 0x03, us >> 16, us >> 8, us] });
  }
  for (const m of seq.meters) {
    const dd = Math.round(Math.log2(m.meter.denominator));
    out.push({ ticks: m.ticks, order: 0, bytes: [0xff, 0x58, 0x04, m.meter.numerator, dd, 24, 8] });
  }
  if (seq.keySignature) out.push({ ticks: 0, order: 0, bytes: [0xff, 0x59, 0x02, seq.keySignature.sharps & 0xff, seq.keySignature.minor ? 1 : 0] });
  for (const m of seq.markers ?? []) {
    const tb = [...textBytes(m.text.slice(0, 200))];
    const len: number[] = [tb.length & 0x7f];
    for (let v = tb.length >>> 7; v > 0; v >>>= 7) len.unshift((v & 0x7f) | (1 << 7));
    out.push({ ticks: m.ticks, order: 0, bytes: [0xff, 0x06, ...len, ...tb] });
  }
  return out;
}

function noteEvents(seq: Sequence, channel?: number): TimedEvent[] {
  const out: TimedEvent[] = [];
  for (const n of seq.notes) {
    if (channel !== undefined && n.channel !== channel) continue;
    const status = MIDI_STATUS.noteOn | (n.channel & 0x0f);
    const velocity = Math.max(1, Math.min(127, Math.round(n.velocity)));
    out.push({ ticks: n.startTicks, order: 2, bytes: [status, n.pitch, velocity] });
    // Note-off as note-on with velocity 0, so running status drops the repeated status bytes.
    out.push({ ticks: n.startTicks + Math.max(1, n.durationTicks), order: 1, bytes: [status, n.pitch, 0] });
  }
  return out;
}

function writeTrack(w: ByteWriter, events: TimedEvent[], name: string | undefined, endTicks: number): void {
  events.sort((a, b) => a.ticks - b.ticks || a.order - b.order);
  const t = new ByteWriter();
  if (name) {
    const tb = textBytes(name);
    t.byte(0x00, 0xff, 0x03);
    t.varInt(tb.length);
    t.bytes(tb);
  }
  let last = 0;
  let running = -1;
  for (const e of events) {
    t.varInt(e.ticks - last);
    last = e.ticks;
    const [status, ...data] = e.bytes;
    if (status === 0xff) {
      running = -1; // meta events cancel running status
      t.byte(...e.bytes);
    } else {
      if (status !== running) t.byte(status);
      t.byte(...data);
      running = status;
    }
  }
  t.varInt(Math.max(0, endTicks - last));
  t.byte(0xff, 0x2f, 0x00);
  w.ascii('MTrk');
  w.u32(t.length);
  w.bytes(t.result());
}

/** Writes a Sequence as a Standard MIDI File at 960 PPQ, with running status. */
export function writeMidiFile(seq: Sequence, opts: WriteOptions = {}): Uint8Array {
  const format = opts.format ?? 1;
  let end = seq.totalTicks;
  for (const n of seq.notes) end = Math.max(end, n.startTicks + Math.max(1, n.durationTicks));
  const tracks: Array<[TimedEvent[], string | undefined]> = [];
  if (format === 0) tracks.push([[...metaEvents(seq), ...noteEvents(seq)], opts.name]);
  else {
    tracks.push([metaEvents(seq), opts.name]);
    const channels = [...new Set(seq.notes.map((n) => n.channel))].sort((a, b) => a - b);
    for (const ch of channels) tracks.push([noteEvents(seq, ch), opts.channelNames?.[ch]]);
  }
  const w = new ByteWriter();
  w.ascii('MThd');
  w.u32(6);
  w.byte(0, format, tracks.length >> 8, tracks.length, PPQ >> 8, PPQ);
  for (const [events, name] of tracks) writeTrack(w, events, name, end);
  return w.result();
}
