/**
 * Live's side of a Live 12 MIDI Tool, for tests: the clip, live.miditool.in and live.miditool.out,
 * following Cycling '74's reference pages for the two objects and the "Max for Live MIDI Tools"
 * guide (docs.cycling74.com/max8/refpages/live.miditool.in, .../live.miditool.out,
 * .../vignettes/live_miditools), with what public tool authors report of Live's errors
 * (github.com/h1data/M4L-MIDI-tool-examples, memo/README.md); see shared/notes/max-for-live.md, "Live 12 MIDI Tools" and its object table.
 *
 * - A bang into live.miditool.in starts an apply cycle (or continues the open one): it outputs
 *   `dictionary <name>` of the context dict from its middle outlet, then of the notes dict from
 *   its left outlet (Max fires outlets right to left). A continued cycle outputs the clip as it
 *   was when the cycle began. A Transformation's input outputs nothing when there are no notes; a
 *   Generator's notes dict is empty (github.com/robenkleene/audio-references,
 *   max/max-for-live/devices/max-for-live-devices-midi.md: Apply "triggers outputting an empty
 *   `notes` dictionary" in a Generator).
 * - Whatever reaches live.miditool.out must arrive while live.miditool.in is outputting (the same
 *   synchronous call): otherwise Live says "Received a Note dictionary asynchronously. Make sure
 *   that the dictionary is synchronous." A cycle that ends without a dict: "Did not receive a Note
 *   dictionary in time. ..."; a dict without `notes`, or a note without pitch, start_time or
 *   duration: "The Note dictionary received from Max was malformed: The key `<key>` is missing."
 * - A Transformation's notes replace the selection's notes (the whole clip's without a selection);
 *   a Generator's are added to the clip as it was when the cycle began. Each answer of a cycle
 *   replaces the previous answer of that cycle (Auto Apply shows the latest).
 */
import type { LiveToolContext, LiveToolNote } from '../../../max-device/src/miditool/live-dicts';

type Data = Record<string, unknown>;

/** Max's named dictionaries, shared by a js (`new Dict(name)`) and max-api (getDict/setDict). */
export class DictRegistry {
  readonly map = new Map<string, Data>();
  private next = 1;
  /** The `Dict` class a js sees: `new Dict()` gets a unique name, `new Dict(name)` the named one. */
  readonly Dict: new (name?: string) => { name: string; parse(json: string): void; stringify(): string };

  constructor() {
    const reg = this;
    this.Dict = class {
      readonly name: string;
      constructor(name?: string) {
        this.name = name ?? `u${100000 + reg.next++}`;
        if (!reg.map.has(this.name)) reg.map.set(this.name, {});
      }
      parse(json: string): void {
        reg.map.set(this.name, JSON.parse(json) as Data);
      }
      stringify(): string {
        return JSON.stringify(reg.map.get(this.name) ?? {});
      }
    };
  }

  /** A new named dict holding `data` (what live.miditool.in outputs). */
  put(data: Data): string {
    const name = `u${100000 + this.next++}`;
    this.map.set(name, structuredClone(data));
    return name;
  }
}

export const ERRORS = Object.freeze({
  async: 'Received a Note dictionary asynchronously. Make sure that the dictionary is synchronous.',
  late: 'Did not receive a Note dictionary in time. Make sure that the dictionary is synchronous.',
  missing: (key: string) => `The Note dictionary received from Max was malformed: The key \`${key}\` is missing.`,
});

/** One apply cycle's output, as Live applied it. */
export interface Applied {
  /** Which cycle (1 = the first one started). */
  cycle: number;
  /** The notes the tool answered. */
  notes: LiveToolNote[];
}

export class FakeMidiToolHost {
  /** The clip's notes now (what Live shows). */
  clip: LiveToolNote[];
  readonly errors: string[] = [];
  readonly applied: Applied[] = [];
  /** Bangs into live.miditool.in (apply cycles started or continued). */
  bangs = 0;
  private cycle: { n: number; notes: LiveToolNote[]; rest: LiveToolNote[] } | undefined;
  private cycles = 0;
  private outputting = false;
  private answered = false;
  private nextId = 1;

  constructor(
    readonly type: 'nagg' | 'natt',
    private readonly dicts: DictRegistry,
    notes: Omit<LiveToolNote, 'note_id'>[],
    public context: LiveToolContext,
  ) {
    this.clip = notes.map((n) => this.withId(n));
  }

  /** The user works elsewhere (another clip, the arrangement): the open cycle ends. */
  endCycle(): void {
    this.cycle = undefined;
  }

  /** live.miditool.in got a bang: `emit(outlet, dict name)` sends from its outlets. */
  bang(emit: (outlet: number, dictName: string) => void): void {
    this.bangs++;
    if (!this.cycle) {
      const clip = this.context.clip ?? {};
      const from = clip.time_selection_start;
      const to = clip.time_selection_end;
      const inSel = (n: LiveToolNote) => from === undefined || to === undefined || !(to > from) || (n.start_time >= from && n.start_time < to);
      this.cycle = { n: ++this.cycles, notes: this.clip.filter(inSel).map((n) => ({ ...n })), rest: this.clip.filter((n) => !inSel(n)).map((n) => ({ ...n })) };
    }
    const cycle = this.cycle;
    if (this.type === 'natt' && cycle.notes.length === 0) return; // nothing to transform: no output
    this.outputting = true;
    this.answered = false;
    try {
      emit(1, this.dicts.put(this.context as Data));
      emit(0, this.dicts.put({ notes: this.type === 'nagg' ? [] : cycle.notes }));
    } finally {
      this.outputting = false;
    }
    if (!this.answered) this.errors.push(ERRORS.late);
  }

  /** live.miditool.out got `dictionary <name>` (or something else: `sel`). */
  receive(sel: string, name: unknown): void {
    if (!this.outputting || !this.cycle) {
      this.errors.push(ERRORS.async);
      return;
    }
    if (sel !== 'dictionary') return; // not a dictionary: the cycle still ends without one ("in time")
    this.answered = true; // a dictionary came in time (if malformed, that is the error said)
    const d = this.dicts.map.get(String(name));
    const notes = d?.notes;
    if (!Array.isArray(notes)) {
      this.errors.push(ERRORS.missing('notes'));
      return;
    }
    for (const n of notes as Data[]) {
      for (const key of ['pitch', 'start_time', 'duration']) {
        if (typeof n?.[key] !== 'number') {
          this.errors.push(ERRORS.missing(key));
          return;
        }
      }
    }
    const given = structuredClone(notes) as LiveToolNote[];
    this.applied.push({ cycle: this.cycle.n, notes: given });
    const base = this.type === 'natt' ? this.cycle.rest : [...this.cycle.rest, ...this.cycle.notes];
    this.clip = [...base.map((n) => ({ ...n })), ...given.map((n) => (n.note_id === undefined ? this.withId(n) : { ...n }))];
  }

  /** The last answer Live applied. */
  last(): Applied | undefined {
    return this.applied[this.applied.length - 1];
  }

  private withId(n: Omit<LiveToolNote, 'note_id'>): LiveToolNote {
    return { velocity: 100, mute: 0, probability: 1, velocity_deviation: 0, release_velocity: 64, ...n, note_id: this.nextId++ };
  }
}
