import { InternalClock } from '../../src/clock/internal-clock';
import { MidiClockFollower } from '../../src/clock/midi-clock-follower';
import type { TransportClock } from '../../src/clock/transport';
import { isDrumGenre, type DrumGenre } from '../../src/conditioning/genres';
import { InvalidValueError } from '../../src/errors';
import { NUM_DRUM_CLASSES } from '../../src/music/drum-map';
import type { Note } from '../../src/music/sequence';
import { parseDrumRequest, type DrumRequest } from '../../src/models/request';
import type { DrumModel } from '../../src/models/types';
import { LookaheadScheduler } from '../../src/scheduler/lookahead-scheduler';
import { emptyGrid, gridToSequence, type DrumGrid } from '../../src/tokens/drum-grid';
import { barsToTicks } from '../../src/time/units';
import type { MidiInput, MidiOutput } from '../midi/port';
import type { SuggestionStore } from '../storage/suggestions';
import { Dispatcher, type MessageDispatcher } from './dispatcher';

const STEPS_PER_BAR = 16;
const BAR = barsToTicks(1);

/** What the musician controls while playing. */
export interface LiveControls {
  genre?: DrumGenre;
  density: number;
  temperature: number;
  fillEvery: number;
}

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
  seed: number;
}

export const LIVE_DEFAULTS: Readonly<LiveSessionOptions> = Object.freeze({
  clock: 'internal', bpm: 120, barsAhead: 2, phraseBars: 2, primerBars: 2, applyControls: 'phrase', tickMs: 20, lookaheadMs: 100, latencyMs: 0, seed: 0,
});

export interface LiveDeps {
  model: DrumModel;
  store: SuggestionStore;
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
 * the playhead. Each phrase continues from what came before (the last bars are its primer), is saved
 * before it is queued, and never holds up the clock: when the model is late the last phrase repeats.
 */
export class LiveSession {
  readonly opts: LiveSessionOptions;
  readonly clock: TransportClock;
  readonly scheduler: LookaheadScheduler;
  readonly dispatcher: MessageDispatcher;
  private controls: LiveControls;
  private history: DrumGrid = emptyGrid(0);
  /** Song position (ticks) where `history` begins. */
  private historyFrom = 0;
  private generatedUntil = 0;
  /** Where the material generated since the last rewind begins (ticks). */
  private materialFrom = 0;
  private phrase = 0;
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
    this.controls = { density: 0.5, temperature: 1, fillEvery: 0, ...controls };
    // Bad controls fail here, with the field named, not later inside the tick loop.
    if (this.controls.genre !== undefined && !isDrumGenre(this.controls.genre)) throw new InvalidValueError('genre', this.controls.genre, 'a drum genre');
    parseDrumRequest({ ...this.controls });
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

  /** Changes genre, density, temperature or fills; they apply at the next bar or phrase (options.applyControls). */
  setControls(patch: Partial<LiveControls>): void {
    if (patch.genre !== undefined && !isDrumGenre(patch.genre)) throw new InvalidValueError('genre', patch.genre, 'a drum genre');
    parseDrumRequest({ ...this.controls, ...patch });
    this.controls = { ...this.controls, ...patch };
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
    if (this.clock instanceof InternalClock) {
      await new Promise<void>((resolve) => (this.generatedUntil > 0 ? resolve() : (this.onPlaced = resolve)));
      // A tick from now, so the first notes are handed over before they are due (not already late).
      if (this.loop) this.clock.start(this.now() + this.opts.tickMs);
      this.tick(this.now());
    }
  }

  /** One pass of the loop: transport, generation ahead, scheduling. Public so tests can drive it. */
  tick(nowMs: number): void {
    if (this.clock instanceof MidiClockFollower) this.clock.update(nowMs);
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
    if (this.clock instanceof InternalClock) this.clock.stop(this.now());
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
    const primerBars = Math.min(this.opts.primerBars, Math.floor(this.history.steps / STEPS_PER_BAR));
    const primer = primerBars ? sliceGrid(this.history, this.history.steps - primerBars * STEPS_PER_BAR, this.history.steps) : undefined;
    const req: DrumRequest = parseDrumRequest({ ...this.controls, bars: primerBars + this.opts.phraseBars, seed: this.opts.seed + this.phrase, count: 1 });
    req.primer = primer;
    const ticket = { generation: this.generation };
    this.inFlight = ticket;
    const t0 = this.now();
    this.deps.model
      .generate(req)
      .then(([grid]) => {
        this.stats.generateMs.push(this.now() - t0);
        if (this.inFlight === ticket) this.inFlight = undefined;
        if (ticket.generation !== this.generation) return; // a rewind made it stale
        const fresh = sliceGrid(grid, primerBars * STEPS_PER_BAR, grid.steps);
        this.place(fresh, req);
        this.phrase++;
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
  private place(grid: DrumGrid, req: DrumRequest): void {
    const at = this.generatedUntil;
    const seq = gridToSequence(grid, { bpm: this.clock.bpm });
    this.deps.store.keep(seq, { model: this.deps.model.id, genre: req.genre, density: req.density, temperature: req.temperature, seed: req.seed, bars: grid.steps / STEPS_PER_BAR, bpm: Math.round(this.clock.bpm * 100) / 100, atTicks: at, fillEvery: req.fillEvery });
    const notes: Note[] = seq.notes.map((n) => ({ ...n, startTicks: n.startTicks + at }));
    this.scheduler.schedule(notes);
    this.history = concatGrids(this.history, grid);
    this.generatedUntil = at + (grid.steps / STEPS_PER_BAR) * BAR;
    this.stats.phrases++;
    this.onPlaced?.();
    this.onPlaced = undefined;
  }

  private repeatLastPhrase(): void {
    const bars = Math.min(this.opts.phraseBars, Math.floor(this.history.steps / STEPS_PER_BAR));
    if (!bars) return;
    const last = sliceGrid(this.history, this.history.steps - bars * STEPS_PER_BAR, this.history.steps);
    this.stats.repeats++;
    this.log(`tandem: the model is late; repeating the last ${bars} bar(s) at bar ${this.generatedUntil / BAR + 1}`);
    this.place(last, { ...parseDrumRequest({ ...this.controls }), seed: -1 } as DrumRequest);
  }

  /** Forgets material from `ticks` on and generates again from there. */
  private rewindTo(ticks: number, fromTop = false): void {
    this.generation++;
    this.inFlight = undefined;
    this.scheduler.clearFrom(ticks);
    // History (the primer source) is kept up to the new position when it reaches that far.
    const keepBars = fromTop || ticks < this.historyFrom ? 0 : Math.min(this.history.steps / STEPS_PER_BAR, (ticks - this.historyFrom) / BAR);
    this.history = sliceGrid(this.history, 0, keepBars * STEPS_PER_BAR);
    if (keepBars === 0) this.historyFrom = ticks;
    this.generatedUntil = ticks;
    this.materialFrom = ticks;
  }
}

function sliceGrid(g: DrumGrid, from: number, to: number): DrumGrid {
  const a = Math.max(0, from);
  const b = Math.max(a, Math.min(g.steps, to));
  return { steps: b - a, velocity: g.velocity.slice(a * NUM_DRUM_CLASSES, b * NUM_DRUM_CLASSES), offset: g.offset.slice(a * NUM_DRUM_CLASSES, b * NUM_DRUM_CLASSES) };
}

function concatGrids(a: DrumGrid, b: DrumGrid): DrumGrid {
  const out = emptyGrid(a.steps + b.steps);
  out.velocity.set(a.velocity, 0);
  out.velocity.set(b.velocity, a.velocity.length);
  out.offset.set(a.offset, 0);
  out.offset.set(b.offset, a.offset.length);
  return out;
}
