import { InternalClock } from '../../src/clock/internal-clock';
import { MidiClockFollower } from '../../src/clock/midi-clock-follower';
import type { TransportClock } from '../../src/clock/transport';
import { InvalidValueError } from '../../src/errors';
import { sortNotes, type Note, type Sequence } from '../../src/music/sequence';
import type { PartModel, PartRequest } from '../../src/models/spec';
import { LookaheadScheduler } from '../../src/scheduler/lookahead-scheduler';
import { barsToTicks, TICKS_PER_STEP } from '../../src/time/units';
import type { MidiInput, MidiOutput } from '../midi/port';
import { SessionController, type SessionControl } from '../session/controller';
import type { SuggestionStore } from '../storage/suggestions';
import { Dispatcher, type MessageDispatcher } from './dispatcher';

const BAR = barsToTicks(1);
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
  clock: 'internal', bpm: 120, barsAhead: 2, phraseBars: 2, primerBars: 2, applyControls: 'phrase', tickMs: 20, lookaheadMs: 100, latencyMs: 0,
});

export interface LiveDeps {
  /** The model of the session's model setting (play starts it through the registry). */
  model: PartModel;
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
  /** Notes played or queued, in song ticks from `historyFrom` up to `generatedUntil`. */
  private history: Note[] = [];
  /** Song position (ticks) where `history` begins. */
  private historyFrom = 0;
  private generatedUntil = 0;
  /** Where the material generated since the last rewind begins (ticks). */
  private materialFrom = 0;
  private inFlight: { generation: number } | undefined;
  private generation = 0;
  private seenEvents = 0;
  private loop: ReturnType<typeof setInterval> | undefined;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private onPlaced: (() => void) | undefined;
  readonly stats = { phrases: 0, repeats: 0, generateMs: [] as number[] };

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
    this.clock = this.opts.clock === 'midi' ? new MidiClockFollower({ initialBpm: this.opts.bpm }) : new InternalClock(this.opts.bpm);
    this.scheduler = new LookaheadScheduler(this.clock, { lookaheadMs: this.opts.lookaheadMs, latencyMs: this.opts.latencyMs });
    this.dispatcher = deps.dispatcher ?? new Dispatcher(deps.output, this.now);
    if (this.opts.clock === 'midi') {
      if (!deps.input) throw new InvalidValueError('clock', 'midi', 'used with a MIDI input port to follow (none is open)');
      const follower = this.clock as MidiClockFollower;
      deps.input.onMessage((bytes, timeMs) => {
        const wasPlaying = follower.playing;
        follower.feed(bytes[0], timeMs, bytes[1], bytes[2]);
        // The first clock after Start is beat one: its notes go out now, not at the next tick of
        // the loop (up to tickMs later). Likewise Stop silences at once.
        if (follower.playing !== wasPlaying && this.loop) this.tick(this.now());
      });
    }
  }

  /** Changes controls through the session controller; they apply at the next bar or phrase (options.applyControls). */
  setControls(patch: Partial<Record<SessionControl, unknown>>): void {
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) this.session.set(k as SessionControl, v);
    if (this.opts.applyControls === 'bar') {
      const at = this.clock.playing ? (Math.floor(this.clock.ticksAt(this.now()) / BAR) + 1) * BAR : this.generatedUntil;
      this.rewindTo(Math.max(at, Math.ceil(this.scheduler.horizonTicks / BAR) * BAR));
    }
  }

  /**
   * Starts the tick loop. The internal clock starts once the first phrase is ready, so the first
   * bar is not late; a followed clock is the DAW's to start (material is generated while stopped).
   */
  async start(): Promise<void> {
    this.loop ??= setInterval(() => this.tick(this.now()), this.opts.tickMs);
    this.tick(this.now());
    if (this.clock.start) {
      // A clock this process runs starts once the first phrase is there.
      await new Promise<void>((resolve) => (this.generatedUntil > 0 ? resolve() : (this.onPlaced = resolve)));
      // A tick from now, so the first notes are handed over before they are due (not already late).
      if (this.loop) this.clock.start?.(this.now() + this.opts.tickMs);
      this.tick(this.now());
    }
  }

  /** One pass of the loop: transport, generation ahead, scheduling. Public so tests can drive it. */
  tick(nowMs: number): void {
    this.clock.update?.(nowMs);
    for (const e of this.clock.eventsSince(this.seenEvents)) {
      this.seenEvents++;
      if (e.type === 'start' || e.type === 'position' || e.type === 'continue') {
        // Keep what is queued only when it covers the new position and none of it was sent yet
        // (a fresh start from the top); otherwise generate again from the bar we land in.
        const bar = Math.floor(e.ticks / BAR) * BAR;
        const queued = bar >= this.materialFrom && bar < this.generatedUntil && this.scheduler.horizonTicks <= e.ticks;
        if (!queued) this.rewindTo(bar, e.type === 'start');
      }
      if (e.type === 'stop') this.dispatcher.clear();
    }
    // What is due goes out first: asking for the next phrase may take a while when the model runs
    // on this thread (tests, baselines), and the notes of the bar starting now must not wait for it.
    const msgs = this.scheduler.tick(nowMs);
    const urgent = msgs.filter((m) => m.ticks === undefined);
    this.dispatcher.sendNow(urgent);
    this.dispatcher.push(msgs.filter((m) => m.ticks !== undefined));
    this.ensureAhead(nowMs);
  }

  /** Stops: note-offs and All Notes Off go out at once. */
  stop(): void {
    if (this.loop) clearInterval(this.loop);
    this.loop = undefined;
    this.clock.stop?.(this.now());
    this.dispatcher.clear();
    this.dispatcher.sendNow(this.scheduler.panic(this.now()));
  }

  get generatedBars(): number {
    return this.generatedUntil / BAR;
  }

  private ensureAhead(nowMs: number): void {
    const playhead = this.clock.ticksAt(nowMs);
    const want = playhead + this.opts.barsAhead * BAR;
    if (this.generatedUntil >= want) return;
    if (!this.inFlight) {
      this.requestPhrase();
      return;
    }
    // The model is late and the playhead is about to run out of material: repeat the last phrase.
    if (this.clock.playing && this.generatedUntil - playhead < BAR / 2) this.repeatLastPhrase();
  }

  private requestPhrase(): void {
    const historyTicks = this.generatedUntil - this.historyFrom;
    const primerBars = Math.min(this.opts.primerBars, Math.floor(historyTicks / BAR));
    const primerTicks = primerBars * BAR;
    const primer = primerBars ? this.historySlice(this.generatedUntil - primerTicks, this.generatedUntil) : undefined;
    // The session controller builds the request (its controls) and gives it the next seed.
    const { request: req } = this.session.request({ bars: primerBars + this.opts.phraseBars, primer });
    const ticket = { generation: this.generation };
    this.inFlight = ticket;
    const t0 = this.now();
    this.deps.model
      .generate(req)
      .then(([seq]) => {
        this.stats.generateMs.push(this.now() - t0);
        if (this.inFlight === ticket) this.inFlight = undefined;
        if (ticket.generation !== this.generation) return; // a rewind made it stale
        // What follows the primer; a note led early by micro-timing stays with its step.
        const fresh: Sequence = { ...seq, notes: seq.notes.filter((n) => n.startTicks > primerTicks - EARLY).map((n) => ({ ...n, startTicks: n.startTicks - primerTicks })), totalTicks: seq.totalTicks - primerTicks };
        this.place(fresh, req);
        this.ensureAhead(this.now());
      })
      .catch((err: Error) => {
        if (this.inFlight === ticket) this.inFlight = undefined;
        this.log(`tandem: generating the next phrase failed (${err.message}); repeating the last one`);
        this.repeatLastPhrase();
      });
  }

  /**
   * Saves a phrase, then queues its notes at the end of what is generated. When the disk refuses,
   * the store says so (once a minute) and the phrase still plays from memory.
   */
  private place(seq: Sequence, req: PartRequest | undefined): void {
    const at = this.generatedUntil;
    const bars = seq.totalTicks / BAR;
    const file: Sequence = { ...seq, notes: sortNotes(seq.notes.map((n) => ({ ...n, startTicks: Math.max(0, n.startTicks) }))), tempos: [{ ticks: 0, bpm: this.clock.bpm }] };
    const s = this.session.settings;
    this.deps.store.keep(file, { model: this.deps.model.id, genre: req ? req.style : this.session.style, density: req?.density ?? s.density, temperature: req?.temperature ?? s.temperature, seed: req ? req.seed : -1, bars, bpm: Math.round(this.clock.bpm * 100) / 100, atTicks: at, fillEvery: req?.fillEvery ?? 0, key: req?.key, chords: req?.chords });
    const notes: Note[] = seq.notes.map((n) => ({ ...n, startTicks: n.startTicks + at }));
    this.scheduler.schedule(notes);
    this.history.push(...notes);
    this.generatedUntil = at + seq.totalTicks;
    // Only the bars a primer or a repeat can use are kept (memory stays bounded however long it plays).
    const keepFrom = Math.floor(this.generatedUntil / BAR - Math.max(this.opts.primerBars, this.opts.phraseBars) - 1) * BAR;
    if (keepFrom > this.historyFrom) {
      this.history = this.history.filter((n) => n.startTicks > keepFrom - EARLY);
      this.historyFrom = keepFrom;
    }
    this.stats.phrases++;
    this.onPlaced?.();
    this.onPlaced = undefined;
  }

  private repeatLastPhrase(): void {
    const ticks = Math.min(this.opts.phraseBars * BAR, Math.floor((this.generatedUntil - this.historyFrom) / BAR) * BAR);
    if (!ticks) return;
    const last = this.historySlice(this.generatedUntil - ticks, this.generatedUntil);
    this.stats.repeats++;
    this.log(`tandem: the model is late; repeating the last ${ticks / BAR} bar(s) at bar ${this.generatedUntil / BAR + 1}`);
    this.place(last, undefined);
  }

  /** The notes of [from, to) in song ticks, from 0 (a note led early by micro-timing comes with its step). */
  private historySlice(from: number, to: number): Sequence {
    const notes = this.history.filter((n) => n.startTicks > from - EARLY && n.startTicks <= to - EARLY).map((n) => ({ ...n, startTicks: n.startTicks - from }));
    return { notes, tempos: [{ ticks: 0, bpm: this.clock.bpm }], meters: [{ ticks: 0, meter: { numerator: 4, denominator: 4 } }], totalTicks: to - from };
  }

  /** Forgets material from `ticks` on and generates again from there. */
  private rewindTo(ticks: number, fromTop = false): void {
    this.generation++;
    this.inFlight = undefined;
    this.scheduler.clearFrom(ticks);
    // History (the primer source) is kept up to the new position when it reaches that far.
    if (fromTop || ticks <= this.historyFrom || ticks > this.generatedUntil) {
      this.history = [];
      this.historyFrom = ticks;
    } else {
      this.history = this.history.filter((n) => n.startTicks <= ticks - EARLY);
    }
    this.generatedUntil = ticks;
    this.materialFrom = ticks;
  }
}
