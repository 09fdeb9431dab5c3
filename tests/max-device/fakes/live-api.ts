/**
 * A small Live set behind a fake `LiveAPI` class, following the Live Object Model as documented
 * (Cycling '74's LiveAPI for js; Ableton's LOM): paths like `live_set tracks 1 clip_slots 0 clip`,
 * `this_device`, `X canonical_parent`, `live_set view highlighted_clip_slot`, `live_app`; `id` is
 * 0 for "no object"; `path` comes back quoted; `get` returns a list; errors are posted (to
 * `errors`), not thrown, as the real LiveAPI does.
 *
 * Functions: ClipSlot.create_clip(length), ClipSlot.delete_clip(), Song.create_scene(index),
 * Application.get_major_version(), Clip.add_new_notes(dict) (Live 11+), the older
 * Clip.set_notes / notes N / note pitch time duration velocity mute / done sequence,
 * Clip.get_notes_extended(from_pitch, pitch_span, from_time, time_span) (Live 11+; a dictionary,
 * which js receives as a JSON string) and Clip.get_notes(from_time, from_pitch, time_span,
 * pitch_span) (`notes N note p t d v m ... done`).
 *
 * add_new_notes's argument comes in three forms in public code: a JS object, a JSON string, a
 * Dict. One project reports a form that "throws nothing and adds nothing" (issue 11); which
 * forms this Live takes is `addNewNotesTakes` (default all three): the others are accepted
 * silently and add nothing, the unpleasant case the writer must catch by reading back.
 */

/** The forms of add_new_notes's argument. */
export type NotesForm = 'object' | 'json' | 'dict';

/** A Dict as Max's js has one (`new Dict()`, `parse(json)`, `stringify()`), for the js host. */
export class FakeDict {
  private data: unknown = {};
  constructor(readonly name = `u${Math.floor(Math.random() * 1e9)}`) {}
  parse(json: string): void {
    this.data = JSON.parse(json);
  }
  stringify(): string {
    return JSON.stringify(this.data);
  }
}

/** A note as Live 11's add_new_notes takes it (times in beats). */
export interface LiveNote {
  pitch: number;
  start_time: number;
  duration: number;
  velocity: number;
  mute: number;
}

export interface FakeClip {
  name: string;
  length: number;
  notes: LiveNote[];
  /** Clip.looping with loop_start/loop_end (beats); default looping over [0, length). */
  loop?: { looping: boolean; start: number; end: number };
  /** An audio clip (Clip.is_midi_clip 0): no notes. */
  audio?: boolean;
}

export interface FakeTrack {
  name: string;
  /** Session clip slots (none on return and master tracks). */
  slots: (FakeClip | null)[];
  /** Arrangement clips, by start time (beats). */
  arrangement: ArrangementClip[];
}

/** A clip in the Arrangement: start_time and end_time in beats. */
export interface ArrangementClip extends FakeClip {
  start: number;
}

export interface FakeSetOptions {
  /** Clip slots per track; null = empty. */
  tracks: (FakeClip | null)[][];
  /** Track the device is on (index into tracks), or 'return' for the first return track. */
  deviceTrack: number | 'return';
  /** Whether the device sits inside a rack's chain (its canonical_parent is then a Chain). */
  inRack?: boolean;
  /** The highlighted clip slot, if any. */
  highlighted?: { track: number; slot: number };
  /** Live's major version (add_new_notes needs 11). */
  liveVersion?: number;
  /** Live's minor version (Track.create_midi_clip needs 12.1). */
  liveMinor?: number;
  /** Arrangement clips per track index. */
  arrangement?: Record<number, ArrangementClip[]>;
  /** Song.current_song_time: the playhead (or, stopped, the insert marker), in beats. */
  songTime?: number;
  /** The add_new_notes argument forms that add notes (default all); the others add nothing, silently. */
  addNewNotesTakes?: NotesForm[];
  /** Whether set_notes ... done adds notes (default true). */
  setNotesWorks?: boolean;
  /** The clip in the Detail View (Song.View.detail_clip): a Session slot's clip or an Arrangement clip. */
  detailClip?: { track: number; slot: number } | { track: number; arrangement: number };
  /** Track.playing_slot_index per track index (default -1: none; -2: a stop button was fired). */
  playing?: Record<number, number>;
  /** The Set's scale: Song.root_note (0-11), scale_intervals, scale_mode (Live 12.1+), scale_name. */
  scale?: { root: number; intervals: number[]; mode: number; name: string };
  /** The Set's time signature: Song.signature_numerator / signature_denominator (observable; default 4/4). */
  meter?: { numerator: number; denominator: number };
}

type Obj =
  | { type: 'Song'; path: string }
  | { type: 'Application'; path: string }
  | { type: 'Track'; path: string; track: FakeTrack }
  | { type: 'ClipSlot'; path: string; track: FakeTrack; slot: number }
  | { type: 'Clip'; path: string; clip: FakeClip }
  | { type: 'Device' | 'RackDevice' | 'Chain'; path: string; parent: string };

export class FakeLiveSet {
  readonly tracks: FakeTrack[];
  readonly returnTrack: FakeTrack = { name: 'A-Reverb', slots: [], arrangement: [] };
  readonly errors: string[] = [];
  /** Every call made, as `path: fn args`. */
  readonly calls: string[] = [];
  highlighted: { track: number; slot: number } | undefined;
  liveVersion: number;
  liveMinor: number;
  songTime: number;
  addNewNotesTakes: NotesForm[];
  setNotesWorks: boolean;
  detailClip: FakeSetOptions['detailClip'];
  playing: Record<number, number>;
  scale: NonNullable<FakeSetOptions['scale']>;
  meter: NonNullable<FakeSetOptions['meter']>;
  /** Observers (`new LiveAPI(callback, path)` then `api.property = name`), by object path and property. */
  private readonly observers: Array<{ path: string; prop: string; callback: (args: unknown[]) => void }> = [];
  private readonly devicePath: string;
  private readonly ids = new Map<string, number>();
  private noteBuffer: { clip: FakeClip; expected: number; notes: LiveNote[] } | undefined;

  constructor(opts: FakeSetOptions) {
    this.tracks = opts.tracks.map((slots, i) => ({
      name: `${i + 1}-MIDI`,
      slots: slots.map((c) => (c ? { ...c, notes: [...c.notes] } : null)),
      arrangement: (opts.arrangement?.[i] ?? []).map((c) => ({ ...c, notes: [...c.notes] })),
    }));
    this.highlighted = opts.highlighted;
    this.liveVersion = opts.liveVersion ?? 12;
    this.liveMinor = opts.liveMinor ?? 1;
    this.songTime = opts.songTime ?? 0;
    this.addNewNotesTakes = opts.addNewNotesTakes ?? ['object', 'json', 'dict'];
    this.setNotesWorks = opts.setNotesWorks ?? true;
    this.detailClip = opts.detailClip;
    this.playing = { ...opts.playing };
    this.scale = opts.scale ?? { root: 0, intervals: [0, 2, 4, 5, 7, 9, 11], mode: 0, name: 'Major' };
    this.meter = { ...(opts.meter ?? { numerator: 4, denominator: 4 }) };
    const track = opts.deviceTrack === 'return' ? 'live_set return_tracks 0' : `live_set tracks ${opts.deviceTrack}`;
    this.devicePath = opts.inRack ? `${track} devices 0 chains 0 devices 0` : `${track} devices 0`;
  }

  /** The number of scenes (= clip slots on every track). */
  get scenes(): number {
    return this.tracks[0]?.slots.length ?? 0;
  }

  /** A LiveAPI class bound to this set, for the js host: `new LiveAPI(path)` or `new LiveAPI(callback, path)`. */
  liveApiClass(): new (a?: unknown, b?: unknown) => FakeLiveApi {
    const set = this;
    return class extends FakeLiveApi {
      constructor(a?: unknown, b?: unknown) {
        super(set, typeof a === 'string' ? a : typeof b === 'string' ? b : '', typeof a === 'function' ? (a as (args: unknown[]) => void) : undefined);
      }
    };
  }

  /** Registers an observer (LiveAPI.property): Live calls it with the property's value now and on each change. */
  observe(path: string, prop: string, callback: (args: unknown[]) => void, value: unknown[]): void {
    this.observers.push({ path, prop, callback });
    callback([prop, ...value]);
  }

  /** Changes the Set's scale as the musician would in Live, notifying observers of each property changed. */
  setScale(scale: Partial<FakeLiveSet['scale']>): void {
    const before = { ...this.scale };
    Object.assign(this.scale, scale);
    const changed: Array<[string, unknown[]]> = [];
    if (before.root !== this.scale.root) changed.push(['root_note', [this.scale.root]]);
    if (before.intervals.join() !== this.scale.intervals.join()) changed.push(['scale_intervals', this.scale.intervals]);
    if (before.mode !== this.scale.mode) changed.push(['scale_mode', [this.scale.mode]]);
    if (before.name !== this.scale.name) changed.push(['scale_name', [this.scale.name]]);
    for (const [prop, value] of changed) for (const o of this.observers) if (o.path === 'live_set' && o.prop === prop) o.callback([prop, ...value]);
  }

  /**
   * Changes the Set's time signature as the musician would (Live's time signature field): each
   * property changed notifies its observers, the numerator first, each seeing the Set as it is then.
   */
  setMeter(numerator: number, denominator: number): void {
    const steps: Array<[string, Partial<FakeLiveSet['meter']>]> = [
      ['signature_numerator', { numerator }],
      ['signature_denominator', { denominator }],
    ];
    for (const [prop, change] of steps) {
      const before = { ...this.meter };
      Object.assign(this.meter, change);
      if (before.numerator === this.meter.numerator && before.denominator === this.meter.denominator) continue;
      const value = prop === 'signature_numerator' ? this.meter.numerator : this.meter.denominator;
      for (const o of this.observers) if (o.path === 'live_set' && o.prop === prop) o.callback([prop, value]);
    }
  }

  /** The path an id stands for (`id 5`), as Live resolves `new LiveAPI('id 5')` and `id N` arguments. */
  pathOfId(id: number): string | undefined {
    for (const [p, n] of this.ids) if (n === id) return p;
    return undefined;
  }

  idOf(path: string): number {
    if (!this.ids.has(path)) this.ids.set(path, this.ids.size + 1);
    return this.ids.get(path)!;
  }

  /** Resolves a path (canonical or not) to an object, or undefined ("No object"). */
  resolve(raw: string): Obj | undefined {
    const words = raw.replace(/"/g, '').trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) return undefined;
    if (words[0] === 'id' && words.length === 2) {
      const p = this.pathOfId(Number(words[1]));
      return p ? this.resolve(p) : undefined;
    }
    if (words.at(-1) === 'canonical_parent') {
      const child = this.resolve(words.slice(0, -1).join(' '));
      return child ? this.parentOf(child) : undefined;
    }
    if (words[0] === 'this_device') return this.resolve([...this.devicePath.split(' '), ...words.slice(1)].join(' '));
    if (words[0] === 'live_app' && words.length === 1) return { type: 'Application', path: 'live_app' };
    if (words[0] !== 'live_set') return undefined;
    if (words.length === 1) return { type: 'Song', path: 'live_set' };
    if (words[1] === 'view' && words[2] === 'detail_clip' && words.length === 3) {
      const d = this.detailClip;
      if (!d) return undefined;
      return this.resolve(
        'slot' in d ? `live_set tracks ${d.track} clip_slots ${d.slot} clip` : `live_set tracks ${d.track} arrangement_clips ${d.arrangement}`,
      );
    }
    if (words[1] === 'view' && words[2] === 'highlighted_clip_slot' && words.length === 3) {
      const h = this.highlighted;
      return h ? this.resolve(`live_set tracks ${h.track} clip_slots ${h.slot}`) : undefined;
    }
    let track: FakeTrack | undefined;
    let base: string;
    if (words[1] === 'tracks') {
      track = this.tracks[Number(words[2])];
      base = `live_set tracks ${Number(words[2])}`;
    } else if (words[1] === 'return_tracks' && words[2] === '0') {
      track = this.returnTrack;
      base = 'live_set return_tracks 0';
    } else return undefined;
    if (!track || !/^\d+$/.test(words[2])) return undefined;
    const rest = words.slice(3);
    if (rest.length === 0) return { type: 'Track', path: base, track };
    if (rest[0] === 'arrangement_clips') {
      const k = Number(rest[1]);
      const clip = /^\d+$/.test(rest[1] ?? '') ? track.arrangement[k] : undefined;
      return clip && rest.length === 2 ? { type: 'Clip', path: `${base} arrangement_clips ${k}`, clip } : undefined;
    }
    if (rest[0] === 'clip_slots') {
      const slot = Number(rest[1]);
      if (!/^\d+$/.test(rest[1] ?? '') || slot >= track.slots.length) return undefined;
      const slotPath = `${base} clip_slots ${slot}`;
      if (rest.length === 2) return { type: 'ClipSlot', path: slotPath, track, slot };
      if (rest.length === 3 && rest[2] === 'clip') {
        const clip = track.slots[slot];
        return clip ? { type: 'Clip', path: `${slotPath} clip`, clip } : undefined;
      }
      return undefined;
    }
    // Devices: only the path the Tandem device lives at exists.
    const path = words.join(' ');
    if (this.devicePath === path) return { type: 'Device', path, parent: path.split(' ').slice(0, -2).join(' ') };
    if (this.devicePath.startsWith(`${path} `)) {
      const type = path.endsWith(' devices 0') ? 'RackDevice' : 'Chain';
      return { type, path, parent: path.split(' ').slice(0, -2).join(' ') };
    }
    return undefined;
  }

  private parentOf(o: Obj): Obj | undefined {
    switch (o.type) {
      case 'Device':
      case 'RackDevice':
      case 'Chain':
        return this.resolve(o.parent);
      case 'ClipSlot':
        return this.resolve(o.path.split(' ').slice(0, -2).join(' '));
      case 'Clip':
        return this.resolve(o.path.split(' ').slice(0, -1).join(' '));
      case 'Track':
        return { type: 'Song', path: 'live_set' };
      default:
        return undefined;
    }
  }

  /** Puts a clip into a track's Arrangement; Live replaces what lies under it, so the writer must never ask for that. */
  private placeInArrangement(track: FakeTrack, clip: ArrangementClip): unknown {
    const overlapped = track.arrangement.filter((c) => c.start < clip.start + clip.length && c.start + c.length > clip.start);
    if (overlapped.length) this.overwritten.push(...overlapped.map((c) => c.name));
    track.arrangement = track.arrangement.filter((c) => !overlapped.includes(c));
    track.arrangement.push(clip);
    track.arrangement.sort((a, b) => a.start - b.start);
    return ['id', this.idOf(`live_set tracks ${this.tracks.indexOf(track)} arrangement_clips ${track.arrangement.indexOf(clip)}`)];
  }

  /** Names of Arrangement clips a new clip was put over (Live replaces them): must stay empty. */
  readonly overwritten: string[] = [];

  call(o: Obj, fn: string, args: unknown[]): unknown {
    this.calls.push(
      `${o.path}: ${fn}${args.length ? ' ' + args.map((a) => (a instanceof FakeDict ? `dictionary ${a.name}` : typeof a === 'object' ? JSON.stringify(a) : String(a))).join(' ') : ''}`,
    );
    const fail = (msg: string) => {
      this.errors.push(`${o.path}: ${fn}: ${msg}`);
      return undefined;
    };
    if (o.type === 'Application' && fn === 'get_major_version') return this.liveVersion;
    if (o.type === 'Application' && fn === 'get_minor_version') return this.liveMinor;
    if (o.type === 'Track' && fn === 'create_midi_clip') {
      // Track.create_midi_clip(start_time, length): in Live 12.1's API, not 12.0's.
      if (this.liveVersion < 12 || (this.liveVersion === 12 && this.liveMinor < 1)) return fail("Invalid syntax: 'create_midi_clip'");
      const [start, length] = args.map(Number);
      if (!(length > 0) || !(start >= 0)) return fail(`invalid start ${args[0]} or length ${args[1]}`);
      return this.placeInArrangement(o.track, { name: '', length, notes: [], start });
    }
    if (o.type === 'Track' && fn === 'duplicate_clip_to_arrangement') {
      // Track.duplicate_clip_to_arrangement(clip, destination_time): Live 11+; the clip is passed as `id N`.
      if (this.liveVersion < 11) return fail("Invalid syntax: 'duplicate_clip_to_arrangement'");
      const src = this.resolve(String(args[0]));
      if (!src || src.type !== 'Clip') return fail(`not a clip: ${String(args[0])}`);
      return this.placeInArrangement(o.track, { ...src.clip, notes: src.clip.notes.map((n) => ({ ...n })), start: Number(args[1]) });
    }
    if (o.type === 'Track' && fn === 'delete_clip') {
      const c = this.resolve(String(args[0]));
      const k = c?.type === 'Clip' ? o.track.arrangement.indexOf(c.clip as ArrangementClip) : -1;
      if (k < 0) return fail(`not an Arrangement clip of this track: ${String(args[0])}`);
      o.track.arrangement.splice(k, 1);
      return undefined;
    }
    if (o.type === 'Song' && fn === 'create_scene') {
      const at = Number(args[0]);
      const index = at === -1 ? this.scenes : at;
      if (!(index >= 0 && index <= this.scenes)) return fail(`index ${at} out of range`);
      for (const t of this.tracks) t.slots.splice(index, 0, null);
      return undefined;
    }
    if (o.type === 'ClipSlot' && fn === 'create_clip') {
      const length = Number(args[0]);
      if (o.track.slots[o.slot]) return fail('Clip slot already has a clip');
      if (!(length > 0)) return fail(`invalid length ${String(args[0])}`);
      o.track.slots[o.slot] = { name: '', length, notes: [] };
      return undefined;
    }
    if (o.type === 'ClipSlot' && fn === 'delete_clip') {
      if (!o.track.slots[o.slot]) return fail('Clip slot has no clip');
      o.track.slots[o.slot] = null;
      return undefined;
    }
    if (o.type === 'Clip') {
      const clip = o.clip;
      switch (fn) {
        case 'add_new_notes': {
          if (this.liveVersion < 11) return fail("Invalid syntax: 'add_new_notes'");
          const form: NotesForm = args[0] instanceof FakeDict ? 'dict' : typeof args[0] === 'string' ? 'json' : 'object';
          if (!this.addNewNotesTakes.includes(form)) return undefined; // "throws nothing and adds nothing"
          const dict = (args[0] instanceof FakeDict ? JSON.parse(args[0].stringify()) : typeof args[0] === 'string' ? JSON.parse(args[0]) : args[0]) as {
            notes?: Partial<LiveNote>[];
          };
          if (!dict || !Array.isArray(dict.notes)) return fail('expects a dictionary with a notes list');
          for (const n of dict.notes) {
            if (typeof n.pitch !== 'number' || typeof n.start_time !== 'number' || typeof n.duration !== 'number')
              return fail(`a note needs pitch, start_time and duration: ${JSON.stringify(n)}`);
            clip.notes.push({ pitch: n.pitch, start_time: n.start_time, duration: n.duration, velocity: n.velocity ?? 100, mute: n.mute ?? 0 });
          }
          return undefined;
        }
        case 'set_notes':
          this.noteBuffer = { clip, expected: -1, notes: [] };
          return undefined;
        case 'notes':
          if (!this.noteBuffer) return fail('notes before set_notes');
          this.noteBuffer.expected = Number(args[0]);
          return undefined;
        case 'note': {
          const b = this.noteBuffer;
          if (!b || b.expected < 0) return fail('note before set_notes/notes');
          const [pitch, time, duration, velocity, mute] = args.map(Number);
          b.notes.push({ pitch, start_time: time, duration, velocity, mute });
          return undefined;
        }
        case 'done': {
          const b = this.noteBuffer;
          this.noteBuffer = undefined;
          if (!b || b.notes.length !== b.expected) return fail(`done after ${b?.notes.length ?? 0} notes, ${b?.expected ?? 0} announced`);
          if (this.setNotesWorks) b.clip.notes.push(...b.notes);
          return undefined;
        }
        case 'get_notes_extended': {
          if (this.liveVersion < 11) return fail("Invalid syntax: 'get_notes_extended'");
          if (clip.audio) return fail('not a MIDI clip');
          const [fromPitch, pitchSpan, fromTime, timeSpan] = args.map(Number);
          if (args.length !== 4 || args.some((a) => typeof a !== 'number')) return fail('expects from_pitch, pitch_span, from_time, time_span');
          const notes = clip.notes
            .map((n, i) => ({ note_id: i + 1, ...n, probability: 1, velocity_deviation: 0, release_velocity: 64 }))
            .filter((n) => n.pitch >= fromPitch && n.pitch < fromPitch + pitchSpan && n.start_time >= fromTime && n.start_time < fromTime + timeSpan);
          return JSON.stringify({ notes });
        }
        case 'get_notes': {
          const [fromTime, fromPitch, timeSpan, pitchSpan] = args.map(Number);
          const notes = clip.notes.filter(
            (n) => n.pitch >= fromPitch && n.pitch < fromPitch + pitchSpan && n.start_time >= fromTime && n.start_time < fromTime + timeSpan,
          );
          return ['notes', notes.length, ...notes.flatMap((n) => ['note', n.pitch, n.start_time, n.duration, n.velocity, n.mute]), 'done'];
        }
      }
    }
    return fail(`no function ${fn} on ${o.type}`);
  }
}

/** The fake LiveAPI object; see FakeLiveSet. */
export type { Obj as FakeObject };
export class FakeLiveApi {
  private obj: Obj | undefined;

  constructor(
    private readonly live: FakeLiveSet,
    path: string,
    private readonly callback?: (args: unknown[]) => void,
  ) {
    this.obj = live.resolve(path);
  }

  /** The observed property: setting it starts observing (one property per object, as in Live). */
  set property(prop: string) {
    if (!this.obj || !this.callback) return;
    this.live.observe(this.obj.path, prop, this.callback, this.get(prop));
  }

  get id(): string {
    return this.obj ? String(this.live.idOf(this.obj.path)) : '0';
  }

  get path(): string {
    return this.obj ? `"${this.obj.path}"` : '';
  }

  get unquotedpath(): string {
    return this.obj ? this.obj.path : '';
  }

  get type(): string {
    return this.obj?.type ?? '';
  }

  goto(path: string): void {
    this.obj = this.live.resolve(path);
  }

  getcount(child: string): number {
    if (this.obj?.type === 'Track' && child === 'arrangement_clips') return this.obj.track.arrangement.length;
    if (this.obj?.type === 'Track' && child === 'clip_slots') return this.obj.track.slots.length;
    if (this.obj?.type === 'Song' && child === 'tracks') return this.live.tracks.length;
    if (this.obj?.type === 'Song' && child === 'scenes') return this.live.scenes;
    return 0;
  }

  get(prop: string): unknown[] {
    const o = this.obj;
    if (!o) return [];
    if (o.type === 'ClipSlot' && prop === 'has_clip') return [o.track.slots[o.slot] ? 1 : 0];
    if (o.type === 'Clip' && prop === 'name') return [o.clip.name];
    if (o.type === 'Clip' && prop === 'length') return [o.clip.length];
    if (o.type === 'Clip' && (prop === 'start_time' || prop === 'end_time')) {
      const start = 'start' in o.clip ? (o.clip as ArrangementClip).start : 0;
      return [prop === 'start_time' ? start : start + o.clip.length];
    }
    if (o.type === 'Song' && prop === 'current_song_time') return [this.live.songTime];
    if (o.type === 'Song' && prop === 'root_note') return [this.live.scale.root];
    if (o.type === 'Song' && prop === 'scale_intervals') return [...this.live.scale.intervals];
    if (o.type === 'Song' && prop === 'scale_name') return [this.live.scale.name];
    if (o.type === 'Song' && prop === 'signature_numerator') return [this.live.meter.numerator];
    if (o.type === 'Song' && prop === 'signature_denominator') return [this.live.meter.denominator];
    // Song.scale_mode: in Live 12.1's API, not before.
    if (o.type === 'Song' && prop === 'scale_mode' && (this.live.liveVersion > 12 || (this.live.liveVersion === 12 && this.live.liveMinor >= 1)))
      return [this.live.scale.mode];
    if (o.type === 'Track' && prop === 'playing_slot_index') return [this.live.playing[Number(o.path.split(' ')[2])] ?? -1];
    if (o.type === 'Clip') {
      const c = o.clip;
      const loop = c.loop ?? { looping: true, start: 0, end: c.length };
      const v: Record<string, unknown> = {
        is_midi_clip: c.audio ? 0 : 1,
        looping: loop.looping ? 1 : 0,
        loop_start: loop.start,
        loop_end: loop.end,
        start_marker: 0,
        end_marker: c.length,
      };
      if (prop in v) return [v[prop]];
    }
    if (o.type === 'Track' && prop === 'name') return [o.track.name];
    this.live.errors.push(`${o.path}: get ${prop}: no such property`);
    return [];
  }

  set(prop: string, value: unknown): void {
    const o = this.obj;
    if (o?.type === 'Clip' && prop === 'name') {
      o.clip.name = String(value);
      return;
    }
    this.live.errors.push(`${o?.path ?? '(no object)'}: set ${prop}: not settable`);
  }

  call(fn: string, ...args: unknown[]): unknown {
    if (!this.obj) {
      this.live.errors.push(`(no object): call ${fn}`);
      return undefined;
    }
    return this.live.call(this.obj, fn, args);
  }
}
