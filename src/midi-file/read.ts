import { parseMidi, type MidiEvent } from 'midi-file';
import { MidiFileError } from '../errors';
import { rescaleTicks, microsPerBeatToBpm, PPQ, barsToTicks } from '../time/units';
import type { MeterEvent, TempoEvent } from '../time/tempo-map';
import { sortNotes, type Note, type Sequence } from '../music/sequence';

/** What a Standard MIDI File held, besides its notes. */
export interface MidiFileInfo {
  format: 0 | 1 | 2;
  ticksPerBeat: number;
  trackCount: number;
  /** Track names in file order ('' where a track has none). */
  trackNames: string[];
}

export interface ReadResult {
  sequence: Sequence;
  info: MidiFileInfo;
  /** Notes grouped by the file track they came from (same objects as in `sequence.notes`). */
  tracks: Note[][];
}

/**
 * Bounds on what a file may hold, far above real use (the largest file in the project's datasets is
 * 152 KB, 16 tracks, a few thousand notes, a few hundred bars) and low enough that a hostile file
 * cannot take gigabytes or minutes.
 */
export interface MidiReadLimits {
  /** Tracks (MTrk chunks). */
  maxTracks: number;
  /** Notes in all tracks together. */
  maxNotes: number;
  /** Length in bars of 4/4 (at Tandem's PPQ), for the end of any track or note. */
  maxBars: number;
}

export const MIDI_READ_LIMITS: Readonly<MidiReadLimits> = Object.freeze({ maxTracks: 256, maxNotes: 200_000, maxBars: 4096 });

/**
 * Reads a Standard MIDI File (type 0 or 1; running status handled by the parser) into a
 * Sequence at Tandem's PPQ. `source` names the file in errors; `limits` bound what it may hold.
 */
export function readMidiFile(bytes: Uint8Array, source = 'MIDI file', limits: Readonly<MidiReadLimits> = MIDI_READ_LIMITS): ReadResult {
  if (bytes.length < 14 || String.fromCharCode(...bytes.subarray(0, 4)) !== 'MThd') {
    throw new MidiFileError(source, `not a Standard MIDI File (no MThd header, ${bytes.length} bytes)`);
  }
  const declaredTracks = (bytes[10] << 8) | bytes[11];
  if (declaredTracks > limits.maxTracks) throw new MidiFileError(source, `the header declares ${declaredTracks} tracks; at most ${limits.maxTracks} are read`);
  checkChunks(bytes, source, limits.maxTracks);
  let parsed: ReturnType<typeof parseMidi>;
  try {
    parsed = parseMidi(bytes);
  } catch (err) {
    throw new MidiFileError(source, `broken MIDI data: ${parserReason(err)}`);
  }
  const { header } = parsed;
  if (!header.ticksPerBeat) throw new MidiFileError(source, 'SMPTE time division is not supported (need ticks per quarter note)');
  const ppqIn = header.ticksPerBeat;
  // Checked in the file's own ticks, before anything the size of the song is allocated.
  const maxTicksIn = (barsToTicks(limits.maxBars) * ppqIn) / PPQ;
  let noteCount = 0;
  const tempos: TempoEvent[] = [];
  const meters: MeterEvent[] = [];
  const tracks: Note[][] = [];
  const trackNames: string[] = [];
  let endTicks = 0;

  parsed.tracks.forEach((events: MidiEvent[]) => {
    const notes: Note[] = [];
    let name = '';
    let abs = 0;
    // Open notes per channel*128+pitch, first in first out, so overlapping repeats pair sensibly.
    const open = new Map<number, Array<{ start: number; velocity: number }>>();
    const close = (channel: number, pitch: number, at: number): void => {
      const key = channel * 128 + pitch;
      const stack = open.get(key);
      const on = stack?.shift();
      if (!on) return; // a stray note-off: nothing sounding to end
      const start = rescaleTicks(on.start, ppqIn);
      notes.push({ pitch, velocity: on.velocity, channel, startTicks: start, durationTicks: Math.max(1, rescaleTicks(at, ppqIn) - start) });
    };
    for (const e of events) {
      abs += e.deltaTime;
      if (abs > maxTicksIn)
        throw new MidiFileError(
          source,
          `track ${tracks.length + 1} runs past ${limits.maxBars} bars (an event at beat ${Math.floor(abs / ppqIn) + 1}); at most ${limits.maxBars} bars are read`,
        );
      if (!wellFormed(e)) throw new MidiFileError(source, `broken MIDI data: track ${tracks.length + 1} ends in the middle of an event`);
      switch (e.type) {
        case 'noteOn':
          if (e.velocity === 0) close(e.channel, e.noteNumber, abs);
          else {
            const key = e.channel * 128 + e.noteNumber;
            if (++noteCount > limits.maxNotes) throw new MidiFileError(source, `more than ${limits.maxNotes} notes; at most ${limits.maxNotes} are read`);
            if (!open.has(key)) open.set(key, []);
            open.get(key)!.push({ start: abs, velocity: e.velocity });
          }
          break;
        case 'noteOff':
          close(e.channel, e.noteNumber, abs);
          break;
        case 'setTempo':
          tempos.push({ ticks: rescaleTicks(abs, ppqIn), bpm: microsPerBeatToBpm(e.microsecondsPerBeat) });
          break;
        case 'timeSignature':
          meters.push({ ticks: rescaleTicks(abs, ppqIn), meter: { numerator: e.numerator, denominator: e.denominator } });
          break;
        case 'trackName':
          if (!name) name = e.text;
          break;
        default:
          break;
      }
    }
    // Notes still sounding at the end of the track end there.
    for (const [key, stack] of open) while (stack.length) close(Math.floor(key / 128), key % 128, abs);
    endTicks = Math.max(endTicks, rescaleTicks(abs, ppqIn));
    tracks.push(sortNotes(notes));
    trackNames.push(name);
  });

  const notes = sortNotes(tracks.flat());
  tempos.sort((a, b) => a.ticks - b.ticks);
  meters.sort((a, b) => a.ticks - b.ticks);
  let total = endTicks;
  for (const n of notes) total = Math.max(total, n.startTicks + n.durationTicks);
  return {
    sequence: {
      notes,
      tempos: tempos.length ? tempos : [{ ticks: 0, bpm: 120 }],
      meters: meters.length ? meters : [{ ticks: 0, meter: { numerator: 4, denominator: 4 } }],
      totalTicks: total,
    },
    info: { format: header.format, ticksPerBeat: ppqIn, trackCount: parsed.tracks.length, trackNames },
    tracks,
  };
}

const isByte = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 127;

/** The parser reads past the end of a cut track as undefined instead of failing: catch that here. */
function wellFormed(e: MidiEvent): boolean {
  switch (e.type) {
    case 'noteOn':
    case 'noteOff':
      return isByte(e.noteNumber) && isByte(e.velocity) && Number.isInteger(e.channel);
    case 'setTempo':
      return Number.isFinite(e.microsecondsPerBeat) && e.microsecondsPerBeat > 0;
    case 'timeSignature':
      return Number.isInteger(e.numerator) && e.numerator > 0 && Number.isInteger(e.denominator) && e.denominator > 0;
    default:
      return Number.isFinite(e.deltaTime);
  }
}

/** The parser throws strings and bounds errors; say what they mean. */
function parserReason(err: unknown): string {
  if (err instanceof RangeError) return 'a track ends in the middle of an event (its length or an event length is wrong)';
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/^Bad MIDI file\.\s*/, '').replace(/MHdr/, 'MThd') || 'the parser gave no reason';
}

/** Walks the chunk headers so a cut or padded file is reported, not half-read. */
function checkChunks(bytes: Uint8Array, source: string, maxTracks: number): void {
  const u32 = (o: number) => ((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0;
  const declared = (bytes[10] << 8) | bytes[11];
  let offset = 8 + u32(4);
  let tracks = 0;
  while (offset + 8 <= bytes.length) {
    const id = String.fromCharCode(...bytes.subarray(offset, offset + 4));
    const len = u32(offset + 4);
    if (offset + 8 + len > bytes.length) {
      throw new MidiFileError(
        source,
        `truncated: chunk ${JSON.stringify(id)} at byte ${offset} declares ${len} bytes but only ${bytes.length - offset - 8} remain`,
      );
    }
    if (id === 'MTrk' && ++tracks > maxTracks) throw new MidiFileError(source, `more than ${maxTracks} tracks; at most ${maxTracks} are read`);
    offset += 8 + len;
  }
  if (tracks < declared) throw new MidiFileError(source, `the header declares ${declared} tracks but the file holds ${tracks}`);
}
