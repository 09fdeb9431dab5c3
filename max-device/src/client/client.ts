import type MaxApi from 'max-api';
import type { ReplyArg } from '../../../bridge/osc/codec';
import { seedFromInt32, SEED_MAX, TEMPO } from '../../../src/models/controls';
import { GENRE_ITEMS, MODEL_ITEMS, PARAMETERS } from '../parameters';
import { applyControl, type ControlName } from './device-controls';
import { barBeats, ClipReadAssembler, clipToSend, type ReadClip } from './clip-primer';
import type { ClipPrimer } from '../../../src/music/clip-primer';
import { BridgeConnection, type Phase } from './bridge-connection';
import type { DeviceSettings, Kept, RequestClip, TandemClientOptions } from './client-types';
import { LiveSetContext } from './live-set';
import { fitMeter, type Meter } from './meter';
import { OscLink, type OscIn } from './osc-link';
import { PATCH_TICKS_PER_BEAT, PatchPlayer, type PatchMessage } from './player';
import { RequestBook, type Request } from './request-book';
import { BridgeReplyError, SuggestionAssembler, type Suggestion } from './suggestions';

export type { DeviceSettings, Kept, TandemClientOptions } from './client-types';

/** The part of Node for Max's max-api the client uses (the fake in tests has the same shape). */
export type MaxApiLike = Pick<typeof MaxApi, 'addHandler' | 'outlet' | 'post'>;

/** Ticks per beat of Max's `transport` (its resolution outlet; fixed at 480). */
export const MAX_TICKS_PER_BEAT = PATCH_TICKS_PER_BEAT;

/**
 * The node.script side of the device: takes the patcher's messages (parameter changes,
 * transport, Generate, Write clip), talks to the Tandem bridge over OSC on 127.0.0.1 (starting
 * `tandem serve` when none answers), and answers the patcher with `status <text>`, `ready`,
 * `pat ...` and `play ...` (patterns for the patch's player, client/player.ts), `stop` and
 * `clip begin|note|end ...`.
 */
export class TandemClient {
  readonly settings: DeviceSettings = {
    model: MODEL_ITEMS[PARAMETERS.model.initial],
    genre: GENRE_ITEMS[PARAMETERS.genre.initial],
    density: PARAMETERS.density.initial / 100,
    temperature: PARAMETERS.temperature.initial,
    bars: PARAMETERS.bars.initial,
    fill: PARAMETERS.fill.initial,
    follow: Number(PARAMETERS.follow.initial) === 1,
    key: '',
  };
  /** The last complete suggestion. */
  last: Kept | undefined;
  /** The last status line sent to the device face. */
  lastStatus = '';

  private readonly opts: Required<Omit<TandemClientOptions, 'config' | 'nodeCandidates' | 'seed' | 'now'>> &
    Pick<TandemClientOptions, 'config' | 'nodeCandidates'>;
  protected nextRequestId = 1;
  protected readonly link: OscLink;
  private readonly conn: BridgeConnection;
  private readonly assembler = new SuggestionAssembler();
  private readonly player: PatchPlayer;
  private readonly requests: RequestBook;
  /**
   * The seed the next request takes: the device's own (Seed sets it; each request takes it and the
   * next is one more, the bridge's policy), sent with every request, so devices and MIDI Tools on
   * one bridge never take each other's seeds.
   */
  private nextSeed: number;
  private readonly clipReader = new ClipReadAssembler();
  private tempoWarned = false;
  /** The Live Set's key and meter, from the Live reader. */
  private readonly liveSet = new LiveSetContext({
    say: (text) => {
      this.status(text);
      this.log(text);
    },
    log: (text) => this.log(text),
    error: (text) => this.error(text),
  });
  private lastTransportSent = { at: 0, bpm: 0, playing: false };

  constructor(
    protected readonly max: MaxApiLike,
    options: TandemClientOptions,
  ) {
    this.opts = {
      port: 57121,
      launch: true,
      pingTimeoutMs: 150,
      startTimeoutMs: 120_000,
      heartbeatMs: 5000,
      leaseMs: 20_000,
      switchMarginMs: 250,
      requestTimeoutMs: 60_000,
      ...options,
    };
    this.link = new OscLink(this.opts.port);
    this.conn = new BridgeConnection(
      this.link,
      { ...this.opts, config: options.config, nodeCandidates: options.nodeCandidates },
      {
        status: (text) => this.status(text),
        log: (text) => this.log(text),
        error: (text) => this.error(text),
        connected: (how) => this.connected(how),
      },
    );
    this.player = new PatchPlayer({ marginMs: this.opts.switchMarginMs, now: options.now });
    this.requests = new RequestBook(this.link, this.opts.requestTimeoutMs, (id) => {
      this.assembler.forget(id);
      this.error(`suggestion ${id} got no answer within ${Math.round(this.opts.requestTimeoutMs / 1000)} s; press Generate again`);
    });
    this.nextSeed = options.seed ?? 0;
    this.link.on('message', (m) => this.receive(m));
    this.link.on('error', (err) => this.log(`OSC: ${err.message}`));
  }

  /**
   * Registers one handler per message the patcher sends. Written out one by one (not in a loop)
   * so `npm run check:device` can read the names from the bundle.
   */
  registerHandlers(): void {
    const m = this.max;
    m.addHandler('model', (v: unknown) => this.onControl('model', v));
    m.addHandler('genre', (v: unknown) => this.onControl('genre', v));
    m.addHandler('density', (v: unknown) => this.onControl('density', v));
    m.addHandler('temperature', (v: unknown) => this.onControl('temperature', v));
    m.addHandler('bars', (v: unknown) => this.onControl('bars', v));
    m.addHandler('fill', (v: unknown) => this.onControl('fill', v));
    m.addHandler('follow', (v: unknown) => this.onControl('follow', v));
    m.addHandler('seed', (v: unknown) => this.onSeed(v));
    m.addHandler('key', (v: unknown) => this.onControl('key', v));
    m.addHandler('scale', (...v: unknown[]) => this.liveSet.onScale(v));
    m.addHandler('meter', (...v: unknown[]) => this.liveSet.onMeter(v, this.settings.model, this.settings.genre));
    m.addHandler('primer', (...v: unknown[]) => this.onPrimer(v));
    m.addHandler('generate', () => this.generate(false));
    m.addHandler('write', () => this.write());
    m.addHandler('transport', (bpm: unknown, ticks: unknown, playing: unknown) => this.onTransport(bpm, ticks, playing));
  }

  /** Opens the socket, finds (or starts) the bridge, then tells the patcher `ready`. */
  async start(): Promise<void> {
    await this.link.open();
    await this.conn.connect();
  }

  /**
   * Closes the socket. A bridge this client started keeps running for the other devices; it
   * stops by itself (its lease) once no device pings it.
   */
  async close(): Promise<void> {
    this.conn.close();
    this.requests.clear();
    await this.link.close();
  }

  // ---- messages from the patcher ----

  /** A parameter change from the patcher (device-controls.ts): kept and told to the bridge, or one line saying what is allowed. */
  private onControl(name: ControlName, v: unknown): void {
    const r = applyControl(this.settings, name, v);
    if ('error' in r) return this.error(r.error);
    if (r.send) this.send(...r.send);
    if (name === 'model' || name === 'genre') this.sayMeter();
  }

  /** Max ints are 32-bit signed: a seed of 2^31 or more arrives as its negative (seed | 0) and is read back unsigned. */
  private onSeed(v: unknown): void {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -(2 ** 31) || v > SEED_MAX)
      return this.error(`seed must be a whole number from 0 to 2^32-1 (a Max int below 0 is read as its unsigned 32-bit value), got ${JSON.stringify(v)}`);
    this.nextSeed = seedFromInt32(v);
  }

  /** The key of the Set's scale while its Scale Mode is on (Song.root_note, scale_intervals, scale_mode). */
  get setKey(): string | undefined {
    return this.liveSet.key;
  }

  /** The Set's time signature (Song.signature_numerator / signature_denominator), once the Live reader sent it. */
  get setMeter(): Meter | undefined {
    return this.liveSet.meter;
  }

  private sayMeter(): void {
    this.liveSet.sayMeter(this.settings.model, this.settings.genre);
  }

  /** The key a request for `model` asks for: the Key menu's, else the Set's scale's, else none (the style's usual keys). */
  keyFor(s: DeviceSettings): string {
    return this.liveSet.keyFor(s.model, s.key);
  }

  /** `primer begin|notes|end` from the Live reader (Continue): at `end`, a request continuing the clip. */
  private onPrimer(v: unknown[]): void {
    const r = this.clipReader.take(v);
    if (r === undefined) return;
    if ('problem' in r) return this.error(r.problem);
    this.continueClip(r);
  }

  private onTransport(bpm: unknown, ticks: unknown, playing: unknown): void {
    if (typeof bpm !== 'number' || !(bpm > 0 && bpm <= 999) || typeof ticks !== 'number' || !Number.isFinite(ticks) || (playing !== 0 && playing !== 1)) {
      return this.error(`transport takes bpm (1-999), ticks (480 a beat) and playing (0/1), got ${JSON.stringify([bpm, ticks, playing])}`);
    }
    // Live runs from 20 to 999 BPM; Tandem's sessions from TEMPO.min to TEMPO.max. Playback here
    // follows any tempo; the bridge is told only tempos it takes, and the user is told once.
    const inRange = bpm >= TEMPO.min && bpm <= TEMPO.max;
    if (!inRange && !this.tempoWarned) {
      this.tempoWarned = true;
      this.error(`the Live tempo ${bpm} BPM is outside ${TEMPO.min}-${TEMPO.max} BPM: suggestions are saved at the last tempo in range`);
    }
    const beat = Math.max(0, ticks / MAX_TICKS_PER_BEAT);
    const isPlaying = playing === 1;
    // The bridge needs the host state now and then, not 50 times a second.
    const now = Date.now();
    const last = this.lastTransportSent;
    if (inRange && (isPlaying !== last.playing || Math.abs(bpm - last.bpm) > 0.01 || now - last.at >= 500)) {
      this.lastTransportSent = { at: now, bpm, playing: isPlaying };
      this.send('/tandem/transport', { f: bpm }, { f: Math.min(1e7, beat) }, { i: playing });
    }
    // The patch plays the notes from Live's transport; Node only plans when a new pattern takes over.
    this.toPatch(this.player.update({ bpm, ticks: Math.max(0, ticks), playing: isPlaying }));
  }

  /** Sends the player's messages to the patch, in order (node.script's outlet keeps it). */
  private toPatch(messages: PatchMessage[]): void {
    for (const m of messages) void this.max.outlet(...m);
  }

  /** The seed policy, per device: the next request's seed, then one more (wrapping at 2^32). */
  private takeSeed(): number {
    const seed = this.nextSeed;
    this.nextSeed = seed === SEED_MAX ? 0 : seed + 1;
    return seed;
  }

  /** Asks the bridge for a suggestion with the device's settings (all of them, in the request: the bridge may be shared or restarted). */
  private generate(write: boolean): void {
    if (this.phase !== 'connected') return this.error(`not connected to the Tandem bridge yet (${this.lastStatus})`);
    const settings = { ...this.settings };
    const seed = this.takeSeed();
    this.request(settings, write, false, seed);
    this.status(`generating ${describe(settings, seed)}…`);
  }

  /** Continue: a suggestion that starts with the clip's last whole bars and goes on from them. */
  private continueClip(read: ReadClip): void {
    if (this.phase !== 'connected') return this.error(`not connected to the Tandem bridge yet (${this.lastStatus})`);
    const settings = { ...this.settings };
    let clip: ClipPrimer & { bars: number };
    try {
      clip = clipToSend(read, barBeats(settings.model, settings.genre), settings.bars - 1);
    } catch (err) {
      return this.error((err as Error).message);
    }
    const seed = this.takeSeed();
    this.request(settings, false, false, seed, { ...clip, name: read.name });
    this.status(`continuing "${read.name}" (${clip.bars} bar${clip.bars === 1 ? '' : 's'}): ${describe(settings, seed)}…`);
  }

  /** Sends one request with an id of its own (RequestBook: every setting, the clip to continue first). */
  private request(settings: DeviceSettings, write: boolean, retried: boolean, seed: number, clip?: RequestClip): void {
    this.requests.send(this.nextRequestId++, { settings, key: this.keyFor(settings), clip, write, retried }, seed);
  }

  private settle(id: number): Request | undefined {
    return this.requests.settle(id);
  }

  /** Sends the last suggestion to the clip writer; with none yet, generates one and writes it. */
  private write(): void {
    const s = this.last;
    if (!s) return this.generate(true);
    const { settings } = s;
    void this.max.outlet('clip', 'begin', s.lengthBeats, settings.genre, settings.density, s.seed);
    for (const n of s.notes) void this.max.outlet('clip', 'note', n.pitch, n.startBeats, n.durationBeats, n.velocity);
    void this.max.outlet('clip', 'end');
  }

  // ---- messages from the bridge ----

  protected receive(m: OscIn): void {
    try {
      switch (m.address) {
        case '/tandem/pong':
          return this.conn.pong();
        case '/tandem/suggestion': {
          // Chunks of a suggestion nobody asked for (or one given up) are not kept.
          const id = SuggestionAssembler.idOf(m.args);
          if (id === undefined || !this.expects(id)) return;
          this.assembler.chunk(m.args);
          return;
        }
        case '/tandem/suggestion/done':
          return this.complete(this.assembler.done(m.args));
        case '/tandem/error': {
          const text = String(m.args[0]);
          // A failed request is answered with its id: no guessing from the text.
          if (typeof m.args[1] === 'number') this.settle(m.args[1]);
          return this.error(`bridge: ${text}`);
        }
        case '/tandem/status':
          return;
        default:
          this.log(`ignored ${m.address} from the bridge`);
      }
    } catch (err) {
      // Every failure ends here: nothing thrown may leave the UDP handler (it would end node.script).
      if (err instanceof BridgeReplyError) return this.error(err.message);
      return this.error(`could not handle ${m.address} from the bridge: ${(err as Error).message}`);
    }
  }

  /** Whether a suggestion with this id is awaited (a request in flight). */
  protected expects(id: number): boolean {
    return this.requests.has(id);
  }

  protected complete(r: Suggestion | { id: number; missing: string; seed?: number }): void {
    const req = this.settle(r.id);
    if (!req) return this.log(`suggestion ${r.id} arrived but none was asked for (or it timed out); ignored`);
    if ('missing' in r) {
      if (!req.retried && r.seed !== undefined) {
        // Same settings + same seed = same notes: ask again once, with the seed the bridge used.
        this.log(`${r.missing}; asking again`);
        this.request(req.settings, req.write, true, r.seed, req.clip);
        return;
      }
      return this.error(`${r.missing}${req.retried ? ', twice' : ''}; press Generate again`);
    }
    if (r.seed === undefined) return this.error(`suggestion ${r.id} came without its seed: the bridge is older than this device; update Tandem`);
    if (req.clip && !(r.primerBeats && r.primerBeats > 0))
      return this.error(`the bridge did not continue "${req.clip.name}" (it is older than this device: update Tandem)`);
    this.last = { ...r, seed: r.seed, settings: req.settings };
    // A new suggestion takes over on a bar line: the Set's where its bars line up with the
    // model's (a jig's 6/8 bar is 3 beats), else the model's own (and the line says so).
    const bar = barBeats(req.settings.model, req.settings.genre);
    const fit = this.setMeter ? fitMeter(this.setMeter, req.settings.model, req.settings.genre) : undefined;
    this.toPatch(this.player.load({ notes: r.notes, lengthBeats: r.lengthBeats, beatsPerBar: fit?.barBeats ?? bar }));
    const bars = Math.round(r.lengthBeats / bar);
    const yours = req.clip
      ? ` (${Math.round((r.primerBeats ?? 0) / bar)} of "${req.clip.name}", then ${bars - Math.round((r.primerBeats ?? 0) / bar)} new)`
      : '';
    this.status(
      `${describe(req.settings, r.seed)}${req.key ? ` in ${req.key}` : ''}: ${r.notes.length} notes, ${bars} bar${bars === 1 ? '' : 's'}${yours}${fit?.tag ? ` (${fit.tag})` : ''}${req.settings.follow ? ', playing with the transport' : ''}`,
    );
    if (req.write) this.write();
  }

  // ---- the bridge: find, start, watch ----

  /** The bridge answers: the device's settings go to it and the patcher hears `ready`. */
  protected connected(how: 'found' | 'started'): void {
    this.syncSettings();
    const note = this.conn.note;
    this.status(`ready: ${how === 'found' ? 'connected to' : 'started'} the Tandem bridge on 127.0.0.1:${this.opts.port}${note ? `; ${note}` : ''}`);
    void this.max.outlet('ready');
  }

  /** Where the device stands with its bridge. */
  get phase(): Phase {
    return this.conn.phase;
  }

  /** The process id of the bridge this device started (the last one), if it did. */
  get bridgePid(): number | undefined {
    return this.conn.startedPid;
  }

  private syncSettings(): void {
    this.sendSettings(this.settings);
  }

  protected sendSettings(s: DeviceSettings): void {
    this.link.send('/tandem/model', { s: s.model });
    this.link.send('/tandem/genre', { s: s.genre });
    this.link.send('/tandem/density', { f: s.density });
    this.link.send('/tandem/temperature', { f: s.temperature });
    this.link.send('/tandem/bars', { i: s.bars });
    this.link.send('/tandem/fill', { i: s.fill });
    this.link.send('/tandem/follow', { i: s.follow ? 1 : 0 });
  }

  private send(address: string, ...args: ReplyArg[]): void {
    if (this.phase === 'connected') this.link.send(address, ...args);
  }

  // ---- telling the user ----

  protected status(text: string): void {
    this.lastStatus = text;
    this.liveSet.meterNoteShown = false;
    void this.max.outlet('status', text);
  }

  protected error(text: string): void {
    this.status(`error: ${text}`);
    void this.max.post(`tandem: ${text}`);
  }

  protected log(text: string): void {
    void this.max.post(`tandem: ${text}`);
  }
}

/** `funk d0.7 #12` (`funk d0.7` while the seed is the bridge's to pick). */
export function describe(s: DeviceSettings, seed: number | undefined): string {
  return `${s.model === MODEL_ITEMS[0] ? '' : `${s.model} `}${s.genre} d${s.density}${seed === undefined ? '' : ` #${seed}`}`;
}
