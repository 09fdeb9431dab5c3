import { TandemError } from '../../../src/errors';
import type { ClipNote, ClipPrimer } from '../../../src/music/clip-primer';
import { modelSpec } from '../../../src/models/registry';
import { COMMON_TIME } from '../../../src/models/spec';
import { GENRE_ITEMS, MODEL_ITEMS } from '../parameters';
import { GENERATE_PARAMETERS, HUMANIZE_GENRES, HUMANIZE_PARAMETERS, type ToolRole } from './parameters';

/**
 * The dictionaries of Live 12's MIDI Tools (Cycling '74's live.miditool.in reference and "Max
 * for Live MIDI Tools" guide; shared/notes/max-for-live.md, "Live 12 MIDI Tools") and the request the tools' `js`
 * sends the client. Times are in beats (1 = a quarter note) from the clip's start.
 */

/** A note of live.miditool.in's notes dict (as Clip.get_notes_extended gives them; velocity may be a float). */
export interface LiveToolNote {
  pitch: number;
  start_time: number;
  duration: number;
  velocity?: number;
  mute?: number;
  probability?: number;
  velocity_deviation?: number;
  release_velocity?: number;
  note_id?: number;
}

/** live.miditool.in's context dict. */
export interface LiveToolContext {
  clip?: {
    time_selection_start?: number;
    time_selection_end?: number;
    insert_marker_time?: number;
    first_note_start?: number;
    last_note_end?: number;
    lowest_pitch?: number;
    highest_pitch?: number;
  };
  /** scale_mode 1 = the Set's Scale Mode is on; root_note 0-11 (0 = C); scale_name from Live 12.0.5. */
  scale?: { scale_mode?: number; root_note?: number; scale_intervals?: number[] | number; scale_name?: string };
  grid?: { interval?: number; enabled?: number };
}

/** What the tool's `js` asks the client for (tandem-miditool.js builds it). */
export interface ToolRequestDict {
  role: ToolRole;
  /** The js's name for this request's answer (what the answer is stored under). */
  key: string;
  /** Name of the dict the answer goes into (the js reads it during the apply cycle). */
  reply: string;
  /** Control values as the controls sent them (menu indices, dial values); missing = default. */
  settings: Record<string, unknown>;
  context: LiveToolContext | null;
  notes: LiveToolNote[];
  /**
   * Generate: what the js read of the clip in the Detail View with the Live API (null without
   * it): its loop ([start, end] beats, when looping) and the notes `[pitch, start, duration,
   * velocity]` that start in the 16 beats before the selection (or the loop).
   */
  clip?: { loop: [number, number] | null; before: number[][] } | null;
}

/** A request the client cannot use: which field, what was wrong. */
export class ToolRequestError extends TandemError {}

/** What Generate asks the bridge for. */
export interface GenerateJob {
  role: 'generate';
  key: string;
  reply: string;
  model: string;
  genre: string;
  /** 0..1 as the bridge takes it. */
  density: number;
  temperature: number;
  fill: number;
  seed: number;
  /** Where the notes go, in clip beats. */
  from: number;
  to: number;
  bars: number;
  /** Set's key as the harmony parser takes it ("D minor"), when the Set's Scale Mode is on. */
  key_name: string | undefined;
  /** Pitch classes of the Set's scale (0 = C), when Scale Mode is on. */
  scale: number[] | undefined;
  /** Grid step notes are placed on (beats), when the clip's grid is on. */
  step: number | undefined;
  /** The notes before the selection to continue (its last whole bars before the selection's bar), as a primer. */
  primer: (ClipPrimer & { bars: number }) | undefined;
  /** Where the suggestion's new bars begin in the clip (beats): the selection's bar line with a primer, else `from`. */
  at: number;
}

/** What Humanize asks the bridge for. */
export interface HumanizeJob {
  role: 'humanize';
  key: string;
  reply: string;
  genre: string;
  seed: number;
  /** The clip's bar the notes are counted from (beats). */
  origin: number;
  notes: { pitch: number; velocity: number; startBeats: number; durationBeats: number }[];
}

export type ToolJob = GenerateJob | HumanizeJob;

/** Most bars before the selection Generate continues (the notes the js reads reach 16 beats back). */
export const MAX_TOOL_PRIMER_BARS = 4;

/** Most notes one Humanize request takes (the bridge's /tandem/humanize limit). */
export const MAX_HUMANIZE_NOTES = 2048;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A number setting in its control's range, or its default when missing. */
function numberSetting(settings: Record<string, unknown>, spec: { message: string; min: number; max: number; initial: number }): number {
  const v = settings[spec.message];
  if (v === undefined) return spec.initial;
  if (!finite(v) || v < spec.min || v > spec.max)
    throw new ToolRequestError(`${spec.message} must be between ${spec.min} and ${spec.max}, got ${JSON.stringify(v)}`);
  return v;
}

/** A menu setting (index into items), or its default when missing. */
function menuSetting(settings: Record<string, unknown>, spec: { message: string; items: readonly string[]; initial: number }): string {
  const v = settings[spec.message] ?? spec.initial;
  if (!(finite(v) && Number.isInteger(v) && v >= 0 && v < spec.items.length))
    throw new ToolRequestError(`${spec.message} must be a menu index 0..${spec.items.length - 1}, got ${JSON.stringify(v)}`);
  return spec.items[v];
}

const MODES: Record<string, readonly number[]> = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  mixolydian: [0, 2, 4, 5, 7, 9, 10],
};
const KEY_NAMES = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'];

/**
 * The Set's scale as a key the models take, and its pitch classes, when Scale Mode is on. Live's
 * scales are many (pentatonics, harmonic minor, ...); the models know major, minor, dorian and
 * mixolydian, so the key is the mode sharing the most notes with the scale, and the notes are
 * then fitted to the scale itself (fitToScale).
 */
export function setScale(scale: LiveToolContext['scale']): { key: string; pitchClasses: number[] } | undefined {
  if (!scale || scale.scale_mode !== 1) return undefined;
  const root = scale.root_note;
  const iv = typeof scale.scale_intervals === 'number' ? [scale.scale_intervals] : scale.scale_intervals;
  if (!(finite(root) && Number.isInteger(root) && root >= 0 && root <= 11))
    throw new ToolRequestError(`scale.root_note must be 0..11, got ${JSON.stringify(root)}`);
  if (!Array.isArray(iv) || iv.length === 0 || !iv.every((i) => finite(i) && Number.isInteger(i) && i >= 0 && i < 12))
    throw new ToolRequestError(`scale.scale_intervals must be semitones 0..11, got ${JSON.stringify(iv)}`);
  let best = 'major';
  let bestShared = -1;
  for (const [mode, steps] of Object.entries(MODES)) {
    const shared = steps.filter((s) => iv.includes(s)).length - steps.filter((s) => !iv.includes(s)).length;
    if (shared > bestShared) [best, bestShared] = [mode, shared];
  }
  return { key: `${KEY_NAMES[root]} ${best}`, pitchClasses: [...new Set(iv.map((i) => (root + i) % 12))].sort((a, b) => a - b) };
}

/** The nearest pitch whose class is in `pitchClasses` (the lower one on a tie). */
export function fitToScale(pitch: number, pitchClasses: readonly number[]): number {
  for (let d = 0; d < 12; d++) {
    for (const p of [pitch - d, pitch + d]) if (p >= 0 && p <= 127 && pitchClasses.includes(p % 12)) return p;
  }
  return pitch;
}

/** Checks the js's request and turns it into a bridge job; throws ToolRequestError naming the field. */
export function parseToolRequest(raw: unknown): ToolJob {
  if (!isObj(raw)) throw new ToolRequestError(`the request must be a dictionary, got ${JSON.stringify(raw)}`);
  const { role, key, reply } = raw;
  if (role !== 'generate' && role !== 'humanize') throw new ToolRequestError(`role must be generate or humanize, got ${JSON.stringify(role)}`);
  if (typeof key !== 'string' || key === '') throw new ToolRequestError('key must be a non-empty string');
  if (typeof reply !== 'string' || reply === '') throw new ToolRequestError('reply must name a dictionary');
  const settings = isObj(raw.settings) ? raw.settings : {};
  const context = (isObj(raw.context) ? raw.context : {}) as LiveToolContext;
  // Max's dictionaries may hand a one-element array back as the element itself.
  const notes: unknown[] =
    raw.notes === undefined || raw.notes === null ? [] : Array.isArray(raw.notes) ? raw.notes : isObj(raw.notes) ? [raw.notes] : [raw.notes];
  if (notes.some((n) => !isObj(n))) throw new ToolRequestError('notes must be a list of note dictionaries');
  if (role === 'generate') {
    const P = GENERATE_PARAMETERS;
    const clip = context.clip ?? {};
    const model = menuSetting(settings, { ...P.model, items: MODEL_ITEMS });
    const genre = menuSetting(settings, { ...P.genre, items: GENRE_ITEMS });
    // Bars in the style's meter (a jig's bar is 6/8: 3 beats; a waltz's 3/4).
    const spec = modelSpec(model);
    const beatsPerBar = (spec.meter?.(genre === 'any' ? undefined : genre) ?? COMMON_TIME).stepsPerBar / 4;
    const bars0 = Math.round(numberSetting(settings, P.bars));
    const around = isObj(raw.clip) ? raw.clip : undefined;
    const loop =
      around &&
      Array.isArray(around.loop) &&
      around.loop.length === 2 &&
      finite(around.loop[0]) &&
      finite(around.loop[1]) &&
      around.loop[1] > around.loop[0] &&
      around.loop[0] >= 0
        ? (around.loop as [number, number])
        : undefined;
    let from = finite(clip.time_selection_start) ? clip.time_selection_start : undefined;
    let to = finite(clip.time_selection_end) ? clip.time_selection_end : undefined;
    if (from === undefined || to === undefined || !(to > from)) {
      // No time selection: the clip's loop when the Live API gave it, else Bars from the insert marker (or the clip's start).
      if (loop) [from, to] = loop;
      else {
        from = finite(clip.insert_marker_time) && clip.insert_marker_time >= 0 ? clip.insert_marker_time : 0;
        to = from + bars0 * beatsPerBar;
      }
    }
    if (from < 0) throw new ToolRequestError(`the time selection starts at ${from} beats, before the clip`);
    const primer = primerBefore(around?.before, from, beatsPerBar);
    const at = primer ? from - (from % beatsPerBar) : from;
    const bars = Math.min(64 - (primer?.bars ?? 0), Math.max(1, Math.ceil((to - at) / beatsPerBar - 1e-9)));
    // The Set's scale only for models that take a key (melody, bass): drum pitches are instruments.
    const sc = spec.controls.includes('key') ? setScale(context.scale) : undefined;
    const grid = context.grid;
    const step = grid && grid.enabled === 1 && finite(grid.interval) && grid.interval > 0 ? Math.min(grid.interval, 0.25) : undefined;
    return {
      role,
      key,
      reply,
      model,
      genre,
      density: Math.round(numberSetting(settings, P.density) * 10) / 1000,
      temperature: numberSetting(settings, P.temperature),
      fill: Math.round(numberSetting(settings, P.fill)),
      seed: Math.round(numberSetting(settings, P.seed)),
      from,
      to: Math.min(to, at + bars * beatsPerBar),
      bars,
      key_name: sc?.key,
      scale: sc?.pitchClasses,
      step,
      primer,
      at,
    };
  }
  const P = HUMANIZE_PARAMETERS;
  if (notes.length > MAX_HUMANIZE_NOTES)
    throw new ToolRequestError(`the selection holds ${notes.length} notes; Tandem Humanize takes at most ${MAX_HUMANIZE_NOTES} at once: select fewer bars`);
  const checked = notes.map((n: unknown, i) => {
    if (!isObj(n) || !finite(n.pitch) || !finite(n.start_time) || !finite(n.duration))
      throw new ToolRequestError(`note ${i + 1} needs pitch, start_time and duration numbers, got ${JSON.stringify(n)}`);
    return {
      pitch: Math.min(127, Math.max(0, Math.round(n.pitch))),
      velocity: Math.min(127, Math.max(1, Math.round(finite(n.velocity) ? n.velocity : 100))),
      start: Math.max(0, n.start_time),
      duration: Math.max(0.001, n.duration),
    };
  });
  const origin = checked.length ? Math.floor(Math.min(...checked.map((n) => n.start)) / 4 + 1e-9) * 4 : 0;
  return {
    role,
    key,
    reply,
    genre: menuSetting(settings, { ...P.genre, items: HUMANIZE_GENRES }),
    seed: Math.round(numberSetting(settings, P.seed)),
    origin,
    notes: checked.map((n) => ({ pitch: n.pitch, velocity: n.velocity, startBeats: n.start - origin, durationBeats: n.duration })),
  };
}

/**
 * The primer Generate continues: the notes in the last whole bars before the bar the selection
 * starts in (at most MAX_TOOL_PRIMER_BARS), from what the js read before the selection; undefined
 * when there are none (the selection in the first bar, an empty clip before it, no Live API).
 */
function primerBefore(raw: unknown, from: number, beatsPerBar: number): (ClipPrimer & { bars: number }) | undefined {
  if (!Array.isArray(raw)) return undefined;
  const barStart = from - (from % beatsPerBar);
  const bars = Math.min(MAX_TOOL_PRIMER_BARS, Math.floor(barStart / beatsPerBar + 1e-9));
  if (bars < 1) return undefined;
  const start = barStart - bars * beatsPerBar;
  const notes: ClipNote[] = [];
  raw.forEach((n: unknown, i) => {
    if (!Array.isArray(n) || n.length !== 4 || !n.every(finite))
      throw new ToolRequestError(`clip.before note ${i + 1} must be [pitch, start, duration, velocity], got ${JSON.stringify(n)}`);
    const [pitch, t, duration, velocity] = n as number[];
    if (t < start - 1e-9 || t >= barStart - 1e-9) return;
    notes.push({
      pitch: Math.min(127, Math.max(0, Math.round(pitch))),
      startBeats: Math.round(Math.max(0, t - start) * 1e6) / 1e6,
      durationBeats: Math.max(0.001, duration),
      velocity: Math.min(127, Math.max(1, Math.round(velocity))),
    });
  });
  return notes.length ? { notes, lengthBeats: bars * beatsPerBar, bars } : undefined;
}

/** A suggestion's notes as the bridge sends them (beats from the suggestion's start). */
export interface BridgeNote {
  pitch: number;
  velocity: number;
  startBeats: number;
  durationBeats: number;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Generate's notes in the clip: the new bars from `at` (the selection's start, or its bar line
 * when continuing a primer, whose own notes, the first `primerBeats` of the suggestion, are not
 * added again), kept from the selection's start to its end, on the clip's grid (never coarser
 * than a 16th, so a zoomed-out grid does not thin the groove out), in the Set's scale when given;
 * one note per pitch and start.
 */
export function placeGenerated(
  notes: readonly BridgeNote[],
  job: Pick<GenerateJob, 'from' | 'to' | 'step' | 'scale'> & { at?: number; primer?: ClipPrimer },
  primerBeats = 0,
): Required<Pick<LiveToolNote, 'pitch' | 'start_time' | 'duration' | 'velocity'>>[] {
  const out: Required<Pick<LiveToolNote, 'pitch' | 'start_time' | 'duration' | 'velocity'>>[] = [];
  const seen = new Set<string>();
  // The primer comes back as given: its notes are the musician's, already in the clip.
  const given = new Set((job.primer?.notes ?? []).map((n) => `${n.pitch}@${Math.round(n.startBeats * 960)}`));
  const origin = job.at ?? job.from;
  for (const n of notes) {
    const fromNew = n.startBeats - primerBeats;
    if (fromNew < 0 && given.has(`${n.pitch}@${Math.round(n.startBeats * 960)}`)) continue;
    const rel = job.step ? Math.round(fromNew / job.step) * job.step : fromNew;
    const start = round6(origin + Math.max(0, rel));
    if (start < job.from - 1e-9 || start >= job.to - 1e-9) continue;
    const pitch = job.scale ? fitToScale(n.pitch, job.scale) : n.pitch;
    const id = `${pitch}@${start}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ pitch, start_time: start, duration: round6(Math.max(0.001, Math.min(n.durationBeats, job.to - start))), velocity: n.velocity });
  }
  return out;
}
