import { InternalClock } from '../../src/clock/internal-clock';
import { MIDI_CLOCK, MidiClockFollower } from '../../src/clock/midi-clock-follower';
import type { TransportClock } from '../../src/clock/transport';
import { InvalidValueError } from '../../src/errors';
import { CONTROLS } from '../../src/models/controls';
import { sortNotes, type Note, type Sequence } from '../../src/music/sequence';
import { COMMON_TIME, type ModelMeter, type PartModel, type PartRequest } from '../../src/models/spec';
import { LookaheadScheduler } from '../../src/scheduler/lookahead-scheduler';
import { TICKS_PER_STEP } from '../../src/time/units';
import type { MidiInput, MidiOutput } from '../midi/port';
import { SessionController, type SessionControl } from '../session/controller';
import type { SuggestionStore } from '../storage/suggestions';
import { Dispatcher, type MessageDispatcher } from './dispatcher';
import { SaveGate } from './save-gate';
import { checkChordsFitMeter, chordsFor, planHarmony, type SessionHarmony } from './harmony';
import type { Progression } from '../../src/models/melody/weights';
import { modelSpec } from '../../src/models/registry';

/** Notes up to half a 16th early (micro-timing) still belong to the step they lead. */
const EARLY = TICKS_PER_STEP / 2;

/** What the musician controls while playing: the model and the session controls (see SessionController). */
export type LiveControls = Partial<Record<'model' | SessionControl, unknown>>;

export interface LiveSessionOptions {
  /** 'internal': Tandem's own clock at `bpm`; 'midi': follow the clock arriving on the input port. */
  clock: 'internal' | 'midi';
  bpm: number;
  /** Bars of generated material kept ahead of the playhead (default 2). */
  barsAhead: number;
  /** Bars asked of the model per request (default 2). */
  phraseBars: number;
  /** Bars of what was played given to the model as primer (default 2). */
  primerBars: number;
  /** When a control change takes effect: at the next bar (regenerating from there) or the next phrase. */
  applyControls: 'bar' | 'phrase';
  tickMs: number;
  lookaheadMs: number;
  latencyMs: number;
}

export const LIVE_DEFAULTS: Readonly<LiveSessionOptions> = Object.freeze({
  clock: 'internal',
  bpm: 120,
  barsAhead: 2,
  phraseBars: 2,
  primerBars: 2,
  applyControls: 'phrase',
  tickMs: 20,
  lookaheadMs: 100,
  latencyMs: 0,
});

/** One part a live session plays: a registry model by name and the started model. */
export interface LivePart {
  name: string;
  model: PartModel;
}

export interface LiveDeps {
  /** The model of the session's model setting (play starts it through the registry). */
  model: PartModel;
  /**
   * Several parts played together (`play --parts drums,bass`): each asks its own model for its
   * phrases on its own MIDI channel, all on one clock, sharing tempo and the session's harmony.
   * Default: `model` alone, as the session's model setting.
   */
  parts?: LivePart[];
  /** The style progressions chords are drawn from when none are given (the melody network's). */
  progressions?: Record<string, Progression[]>;
  store: SuggestionStore;
  /**
   * The session controller holding the controls and the seed policy (phrase k of a session
   * started at seed s has seed s+k). Default: one of its own, made from `controls`.
   */
  session?: SessionController;
  /** Where notes go when no `dispatcher` is given: sent from this thread by a Dispatcher. */
  output?: MidiOutput;
  /** Takes the timed messages instead (an OutputThread sends them from a thread of its own). */
  dispatcher?: MessageDispatcher;
  input?: MidiInput;
  now?: () => number;
  log?: (line: string) => void;
}

/**
 * A live session: a clock (internal or followed), the lookahead scheduler, and generation ahead of
 * the playhead, for any model of the registry. Each phrase is a request of the session controller
 * (its controls, its seed policy) that continues from what came before (the last bars are its
 * primer), is saved before it is queued, and never holds up the clock: when the model is late the
 * last phrase repeats.
 */
export class LiveSession {
  readonly opts: LiveSessionOptions;
  readonly clock: TransportClock;
  readonly scheduler: LookaheadScheduler;
  readonly dispatcher: MessageDispatcher;
  readonly session: SessionController;
  /** The parts played, each with its own material (history, what is generated, what is asked). */
  private readonly lanes: Lane[];
  /** Where the material generated since the last rewind begins (ticks). */
  private materialFrom = 0;
  private generation = 0;
  /** The key and chords the harmonic parts share (undefined when no part takes them). */
  harmony: SessionHarmony | undefined;
  /** The meter every part plays in (a jig's 6/8, a waltz's 3/4, else 4/4) and its bar in ticks. */
  meter: ModelMeter = COMMON_TIME;
  private bar = COMMON_TIME.stepsPerBar * TICKS_PER_STEP;
  private seenEvents = 0;
  private loop: ReturnType<typeof setInterval> | undefined;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private onPlaced: (() => void) | undefined;
  /** Phrases waiting for their save before they are queued. */
  private readonly gate: SaveGate;
  private ticking = false;
  /** Phrases placed, phrases repeated while a model was late, and each part's generation times (ms). */
  readonly stats = { phrases: 0, repeats: 0, generateMsByPart: {} as Record<string, number[]> };

  constructor(
    private readonly deps: LiveDeps,
    controls: Partial<LiveControls> = {},
    options: Partial<LiveSessionOptions> = {},
  ) {
    this.opts = { ...LIVE_DEFAULTS, ...options };
    this.now = deps.now ?? (() => performance.now());
    this.log = deps.log ?? ((l) => console.error(l));
    // Bad controls fail here, with the field named, not later inside the tick loop.
    this.session = deps.session ?? new SessionController({ part: async () => deps.model, store: deps.store }, controls);
    if (deps.session) for (const [k, v] of Object.entries(controls)) if (v !== undefined) this.session.set(k as 'model' | SessionControl, v);
    const parts = deps.parts?.length ? deps.parts : [{ name: this.session.settings.model, model: deps.model }];
    this.lanes = parts.map((p) => {
      const spec = modelSpec(p.name);
      return {
        name: spec.name,
        model: p.model,
        harmonic: spec.controls.includes('chords'),
        history: [],
        historyFrom: 0,
        generatedUntil: 0,
        inFlight: undefined,
      };
    });
    this.planHarmony();
    this.planMeter();
    checkChordsFitMeter(this.session.settings.chords, this.meter);
    const follower = this.opts.clock === 'midi' ? new MidiClockFollower({ initialBpm: this.opts.bpm }) : undefined;
    this.clock = follower ?? new InternalClock(this.opts.bpm);
    this.scheduler = new LookaheadScheduler(this.clock, { lookaheadMs: this.opts.lookaheadMs, latencyMs: this.opts.latencyMs });
    this.dispatcher = deps.dispatcher ?? new Dispatcher(deps.output, this.now);
    this.gate = new SaveGate((notes) => this.queue(notes), this.log, this.now);
    if (follower) {
      if (!deps.input) throw new InvalidValueError('clock', 'midi', 'used with a MIDI input port to follow (none is open)');
      deps.input.onMessage((bytes, timeMs) => {
        const wasPlaying = follower.playing;
        follower.feed(bytes[0], timeMs, bytes[1], bytes[2]);
        // The first clock after Start is beat one: its notes go out now, not at the next tick of
        // the loop (up to tickMs later). Likewise Stop silences at once. While the tempo is still
        // being measured the scheduler places notes only a clock or so ahead: every clock hands out the next.
        const settling = follower.playing && bytes[0] === MIDI_CLOCK && follower.firmUntilTicks() < Infinity;
        if ((follower.playing !== wasPlaying || settling) && this.loop) this.tick(this.now());
      });
    }
  }

  /** Changes controls through the session controller; they apply at the next bar or phrase (options.applyControls). */
  setControls(patch: Partial<Record<SessionControl, unknown>>): void {
    const style = this.session.style;
    if (typeof patch.chords === 'string') checkChordsFitMeter(patch.chords, this.meter);
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) this.session.set(k as SessionControl, v);
    const bar = this.bar;
    let newBar = bar;
    if (patch.style !== undefined) {
      try {
        newBar = this.planMeter();
      } catch (err) {
        this.session.set('style', style); // a style the other parts cannot play with changes nothing
        throw err;
      }
    }
    if (patch.key !== undefined || patch.chords !== undefined || patch.style !== undefined) this.planHarmony();
    if (newBar !== bar) {
      // Another meter (a reel to a jig): everything from the next bar line after what was sent is made again in it.
      this.rewindTo(Math.ceil(Math.max(this.scheduler.horizonTicks, 1) / bar) * bar);
      return;
    }
    if (this.opts.applyControls === 'bar') {
      const at = this.clock.playing ? (Math.floor(this.clock.ticksAt(this.now()) / this.bar) + 1) * this.bar : this.generatedUntil;
      this.rewindTo(Math.max(at, Math.ceil(this.scheduler.horizonTicks / this.bar) * this.bar));
    }
  }

  /**
   * Starts the tick loop. The internal clock starts once every part's first phrase is ready, so
   * the first bar is not late; a followed clock is the DAW's to start (material is generated while stopped).
   */
  async start(): Promise<void> {
    this.loop ??= setInterval(() => this.tick(this.now()), this.opts.tickMs);
    this.tick(this.now());
    if (this.clock.start) {
      // A clock this process runs starts once the first phrases are there.
      await new Promise<void>((resolve) => (this.generatedUntil > 0 && this.gate.waiting === 0 ? resolve() : (this.onPlaced = resolve)));
      // A tick from now, so the first notes are handed over before they are due (not already late).
      if (this.loop) this.clock.start?.(this.now() + this.opts.tickMs);
      this.tick(this.now());
    }
  }

  /** One pass of the loop: transport, generation ahead, scheduling. Public so tests can drive it. */
  tick(nowMs: number): void {
    this.ticking = true;
    try {
      this.tickOnce(nowMs);
    } finally {
      this.ticking = false;
    }
  }

  private tickOnce(nowMs: number): void {
    this.clock.update?.(nowMs);
    for (const e of this.clock.eventsSince(this.seenEvents)) {
      this.seenEvents++;
      if (e.type === 'start' || e.type === 'position' || e.type === 'continue') {
        // Keep what is queued only when it covers the new position and none of it was sent yet
        // (a fresh start from the top); otherwise generate again from the bar we land in.
        const bar = Math.floor(e.ticks / this.bar) * this.bar;
        const queued = bar >= this.materialFrom && bar < this.generatedUntil && this.scheduler.horizonTicks <= e.ticks;
        if (!queued) this.rewindTo(bar, e.type === 'start');
      }
      if (e.type === 'stop') this.dispatcher.clear();
    }
    // A phrase is handed out once saved; one whose save still runs when its first note is nearly due plays from memory.
    if (this.clock.playing) this.gate.due(this.clock.ticksAt(nowMs + 1.5 * this.opts.tickMs));
    // What is due goes out first: asking for the next phrase may take a while when the model runs
    // on this thread (tests, baselines), and the notes of the bar starting now must not wait for it.
    const msgs = this.scheduler.tick(nowMs, this.gate.heldFrom);
    const urgent = msgs.filter((m) => m.ticks === undefined);
    this.dispatcher.sendNow(urgent);
    this.dispatcher.push(msgs.filter((m) => m.ticks !== undefined));
    for (const lane of this.lanes) this.ensureAhead(lane, nowMs);
  }

  /** Stops: note-offs and All Notes Off go out at once. */
  stop(): void {
    if (this.loop) clearInterval(this.loop);
    this.loop = undefined;
    this.clock.stop?.(this.now());
    this.dispatcher.clear();
    this.dispatcher.sendNow(this.scheduler.panic(this.now()));
  }

  /** Bars every part has material for. */
  get generatedBars(): number {
    return this.generatedUntil / this.bar;
  }

  /** The parts played (registry names), in order. */
  get parts(): string[] {
    return this.lanes.map((l) => l.name);
  }

  /** Song position (ticks) up to which every part has material. */
  private get generatedUntil(): number {
    return Math.min(...this.lanes.map((l) => l.generatedUntil));
  }

  /**
   * The meter of the parts' current styles; every part must share it (a 6/8 jig over 4/4 drums
   * would drift a beat a bar). Returns the bar in ticks.
   */
  private planMeter(): number {
    this.meter = sharedMeter(
      this.lanes.map((l) => l.name),
      this.session.settings.styles,
    );
    this.bar = this.meter.stepsPerBar * TICKS_PER_STEP;
    return this.bar;
  }

  /** The harmony of the harmonic parts: the session's key and chords, else the style's key and a progression drawn once. */
  private planHarmony(): void {
    const first = this.lanes.find((l) => l.harmonic);
    if (!first) return;
    const s = this.session.settings;
    const style = s.styles[first.name];
    this.harmony = planHarmony({
      key: s.key,
      chords: s.chords,
      style: style === 'any' ? undefined : style,
      seed: s.seed,
      progressions: this.deps.progressions,
    });
  }

  private ensureAhead(lane: Lane, nowMs: number): void {
    const playhead = this.clock.ticksAt(nowMs);
    const want = playhead + this.opts.barsAhead * this.bar;
    if (lane.generatedUntil >= want) return;
    if (!lane.inFlight) {
      this.requestPhrase(lane);
      return;
    }
    // The model is late and the playhead is about to run out of material: repeat the last phrase.
    if (this.clock.playing && lane.generatedUntil - playhead < this.bar / 2) this.repeatLastPhrase(lane);
  }

  private requestPhrase(lane: Lane): void {
    const historyTicks = lane.generatedUntil - lane.historyFrom;
    const primerBars = Math.min(this.opts.primerBars, Math.floor(historyTicks / this.bar));
    const primerTicks = primerBars * this.bar;
    const primer = primerBars ? this.historySlice(lane, lane.generatedUntil - primerTicks, lane.generatedUntil) : undefined;
    const bars = primerBars + this.opts.phraseBars;
    // Harmonic parts play the session's chords of the bars asked for (primer bars included).
    const h = lane.harmonic ? this.harmony : undefined;
    const harmony = h ? { key: h.key, chords: chordsFor(h, Math.floor((lane.generatedUntil - primerTicks) / this.bar), bars) } : {};
    // The session controller builds the request (its controls) and gives it the next seed.
    const { request: req } = this.session.request({ model: lane.name, bars, primer, ...harmony });
    const ticket = { generation: this.generation };
    lane.inFlight = ticket;
    const t0 = this.now();
    lane.model
      .generate(req)
      .then(([seq]) => {
        (this.stats.generateMsByPart[lane.name] ??= []).push(this.now() - t0);
        if (lane.inFlight === ticket) lane.inFlight = undefined;
        if (ticket.generation !== this.generation) return; // a rewind made it stale
        // What follows the primer; a note led early by micro-timing stays with its step.
        const fresh: Sequence = {
          ...seq,
          notes: seq.notes.filter((n) => n.startTicks > primerTicks - EARLY).map((n) => ({ ...n, startTicks: n.startTicks - primerTicks })),
          totalTicks: seq.totalTicks - primerTicks,
        };
        this.place(lane, fresh, req);
        this.ensureAhead(lane, this.now());
      })
      .catch((err: Error) => {
        if (lane.inFlight === ticket) lane.inFlight = undefined;
        this.log(`tandem: generating the next ${lane.name} phrase failed (${err.message}); repeating the last one`);
        this.repeatLastPhrase(lane);
      });
  }

  /**
   * Saves a phrase (off the event loop) and puts it at the end of what the part has generated; its
   * notes are queued for playing once the save has finished (see SaveGate). When the disk refuses,
   * the store says so (once a minute) and the phrase still plays from memory.
   */
  private place(lane: Lane, seq: Sequence, req: PartRequest | undefined): void {
    const at = lane.generatedUntil;
    const bars = seq.totalTicks / this.bar;
    const file: Sequence = {
      ...seq,
      notes: sortNotes(seq.notes.map((n) => ({ ...n, startTicks: Math.max(0, n.startTicks) }))),
      tempos: [{ ticks: 0, bpm: this.clock.bpm }],
    };
    const s = this.session.settings;
    const saving = this.deps.store.keep(file, {
      model: lane.model.id,
      genre: req ? req.style : s.styles[lane.name],
      density: req?.density ?? s.density,
      temperature: req?.temperature ?? s.temperature,
      seed: req ? req.seed : -1,
      bars,
      bpm: Math.round(this.clock.bpm * 100) / 100,
      atTicks: at,
      fillEvery: req?.fillEvery ?? 0,
      key: req?.key,
      chords: req?.chords,
    });
    const notes: Note[] = seq.notes.map((n) => ({ ...n, startTicks: n.startTicks + at }));
    this.gate.hold(at, notes, saving);
    lane.history.push(...notes);
    lane.generatedUntil = at + seq.totalTicks;
    // Only the bars a primer or a repeat can use are kept (memory stays bounded however long it plays).
    const keepFrom = Math.floor(lane.generatedUntil / this.bar - Math.max(this.opts.primerBars, this.opts.phraseBars) - 1) * this.bar;
    if (keepFrom > lane.historyFrom) {
      lane.history = lane.history.filter((n) => n.startTicks > keepFrom - EARLY);
      lane.historyFrom = keepFrom;
    }
    this.stats.phrases++;
  }

  /** Queues a saved phrase's notes; the internal clock starts once every part's first phrase is queued. */
  private queue(notes: Note[]): void {
    this.scheduler.schedule(notes);
    if (this.onPlaced && this.generatedUntil > 0 && this.gate.waiting === 0) {
      this.onPlaced();
      this.onPlaced = undefined;
    }
    // Notes held back near the playhead go out now rather than at the next tick of the loop.
    else if (this.loop && this.clock.playing && !this.ticking) this.tick(this.now());
  }

  private repeatLastPhrase(lane: Lane): void {
    const ticks = Math.min(this.opts.phraseBars * this.bar, Math.floor((lane.generatedUntil - lane.historyFrom) / this.bar) * this.bar);
    if (!ticks) return;
    const last = this.historySlice(lane, lane.generatedUntil - ticks, lane.generatedUntil);
    this.stats.repeats++;
    this.log(`tandem: the ${lane.name} model is late; repeating its last ${ticks / this.bar} bar(s) at bar ${lane.generatedUntil / this.bar + 1}`);
    this.place(lane, last, undefined);
  }

  /** A part's notes of [from, to) in song ticks, from 0 (a note led early by micro-timing comes with its step). */
  private historySlice(lane: Lane, from: number, to: number): Sequence {
    const notes = lane.history.filter((n) => n.startTicks > from - EARLY && n.startTicks <= to - EARLY).map((n) => ({ ...n, startTicks: n.startTicks - from }));
    return {
      notes,
      tempos: [{ ticks: 0, bpm: this.clock.bpm }],
      meters: [{ ticks: 0, meter: { numerator: this.meter.numerator, denominator: this.meter.denominator } }],
      totalTicks: to - from,
    };
  }

  /** Forgets material from `ticks` on, in every part, and generates again from there. */
  private rewindTo(ticks: number, fromTop = false): void {
    this.generation++;
    this.scheduler.clearFrom(ticks);
    this.gate.dropFrom(ticks);
    for (const lane of this.lanes) {
      lane.inFlight = undefined;
      // History (the primer source) is kept up to the new position when it reaches that far.
      if (fromTop || ticks <= lane.historyFrom || ticks > lane.generatedUntil) {
        lane.history = [];
        lane.historyFrom = ticks;
      } else {
        lane.history = lane.history.filter((n) => n.startTicks <= ticks - EARLY);
      }
      lane.generatedUntil = ticks;
    }
    this.materialFrom = ticks;
  }
}

/**
 * The meter parts play in with their styles (a jig 6/8, a waltz 3/4, else 4/4). They must share it
 * (a 6/8 jig over 4/4 drums would drift a beat a bar): InvalidValueError naming both otherwise.
 */
export function sharedMeter(parts: readonly string[], styles: Readonly<Record<string, string>>): ModelMeter {
  const meters = parts.map((name) => ({ name, m: modelSpec(name).meter?.(styles[name] === 'any' ? undefined : styles[name]) ?? COMMON_TIME }));
  const [first] = meters;
  const other = meters.find((x) => x.m.stepsPerBar !== first.m.stepsPerBar || x.m.numerator !== first.m.numerator);
  if (other) {
    const show = (x: (typeof meters)[number]) => `${styles[x.name]} ${x.name} plays ${x.m.numerator}/${x.m.denominator}`;
    throw new InvalidValueError(
      CONTROLS.style.flag,
      `${styles[first.name]}, ${styles[other.name]}`,
      `styles that share a meter (${show(first)}, ${show(other)})`,
    );
  }
  return first.m;
}

/** One part's material in a live session. */
interface Lane {
  name: string;
  model: PartModel;
  /** Whether it plays over the session's key and chords. */
  harmonic: boolean;
  /** Notes played or queued, in song ticks from `historyFrom` up to `generatedUntil`. */
  history: Note[];
  historyFrom: number;
  generatedUntil: number;
  inFlight: { generation: number } | undefined;
}
