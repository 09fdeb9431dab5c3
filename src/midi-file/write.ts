import { writeMidi, type MidiEvent } from 'midi-file';
import { PPQ, bpmToMicrosPerBeat } from '../time/units';
import type { Sequence } from '../music/sequence';

export interface WriteOptions {
  /** 0: one track with everything; 1: a tempo track, then one track per channel. Default 1. */
  format?: 0 | 1;
  /** Name of the first track (format 1: the conductor track; format 0: the only track). */
  name?: string;
  /** Track names per channel (format 1). */
  channelNames?: Record<number, string>;
}

interface TimedEvent {
  ticks: number;
  /** Sort order at the same tick: meta first, then note-offs, then note-ons. */
  order: number;
  event: MidiEvent;
}

function metaEvents(seq: Sequence): TimedEvent[] {
  const out: TimedEvent[] = [];
  for (const t of seq.tempos) out.push({ ticks: t.ticks, order: 0, event: { deltaTime: 0, meta: true, type: 'setTempo', microsecondsPerBeat: bpmToMicrosPerBeat(t.bpm) } });
  for (const m of seq.meters) {
    out.push({ ticks: m.ticks, order: 0, event: { deltaTime: 0, meta: true, type: 'timeSignature', numerator: m.meter.numerator, denominator: m.meter.denominator, metronome: 24, thirtyseconds: 8 } });
  }
  return out;
}

function noteEvents(seq: Sequence, channel?: number): TimedEvent[] {
  const out: TimedEvent[] = [];
  for (const n of seq.notes) {
    if (channel !== undefined && n.channel !== channel) continue;
    out.push({ ticks: n.startTicks, order: 2, event: { deltaTime: 0, type: 'noteOn', channel: n.channel, noteNumber: n.pitch, velocity: Math.max(1, Math.min(127, Math.round(n.velocity))) } });
    out.push({ ticks: n.startTicks + Math.max(1, n.durationTicks), order: 1, event: { deltaTime: 0, type: 'noteOff', channel: n.channel, noteNumber: n.pitch, velocity: 0 } });
  }
  return out;
}

function toTrack(events: TimedEvent[], name: string | undefined, endTicks: number): MidiEvent[] {
  events.sort((a, b) => a.ticks - b.ticks || a.order - b.order);
  const track: MidiEvent[] = [];
  if (name) track.push({ deltaTime: 0, meta: true, type: 'trackName', text: name });
  let last = 0;
  for (const e of events) {
    track.push({ ...e.event, deltaTime: e.ticks - last } as MidiEvent);
    last = e.ticks;
  }
  track.push({ deltaTime: Math.max(0, endTicks - last), meta: true, type: 'endOfTrack' });
  return track;
}

/**
 * Writes a Sequence as a Standard MIDI File at 960 PPQ. Note-offs are written as note-on with
 * velocity 0 so running status can drop the repeated status bytes (smaller files, as most DAWs write).
 */
export function writeMidiFile(seq: Sequence, opts: WriteOptions = {}): Uint8Array {
  const format = opts.format ?? 1;
  const end = Math.max(seq.totalTicks, ...seq.notes.map((n) => n.startTicks + n.durationTicks), 0);
  let tracks: MidiEvent[][];
  if (format === 0) {
    tracks = [toTrack([...metaEvents(seq), ...noteEvents(seq)], opts.name, end)];
  } else {
    const channels = [...new Set(seq.notes.map((n) => n.channel))].sort((a, b) => a - b);
    tracks = [toTrack(metaEvents(seq), opts.name, end), ...channels.map((ch) => toTrack(noteEvents(seq, ch), opts.channelNames?.[ch], end))];
  }
  const bytes = writeMidi({ header: { format, numTracks: tracks.length, ticksPerBeat: PPQ }, tracks }, { running: true, useByte9ForNoteOff: true });
  return Uint8Array.from(bytes);
}
