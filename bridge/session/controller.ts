import { InvalidValueError, TandemError } from '../../src/errors';
import { checkNumber, checkTempo, checkText, CONTROLS, SEED_MAX, TEMPO } from '../../src/models/controls';
import { DEFAULT_MODEL, HARMONY, MODEL_SPECS, modelSpec, parseRequest } from '../../src/models/registry';
import type { PartModel, PartRequest } from '../../src/models/spec';
import { cutClipPrimer, type ClipPrimer } from '../../src/music/clip-primer';
import { sortNotes, type Sequence } from '../../src/music/sequence';
import { COMMON_TIME } from '../../src/models/spec';
import { barsToTicks, PPQ } from '../../src/time/units';
import type { HumanizeOptions } from '../../src/models/drums/humanize';
import { humanizeSequence, type GridHumanizer, type HumanizedClip } from '../models/humanize';
import type { SuggestionStore } from '../storage/suggestions';

/**
 * The one session controller: the state every front-end (OSC `serve`, `play`, the device through
 * OSC, the coming web panel) drives, with the checks (from the control table and the registry),
 * the defaults (from the same table) and the one seed policy:
 *
 * **Seed policy.** The session holds the seed the next request takes (default 0). A request takes
 * it when the request arrives, before anything is awaited, and the session's seed then advances by
 * one (wrapping at 2^32). Setting the seed sets what the next request takes. A live session's
 * phrases are requests like any other: phrase k of a session started at seed s has seed s+k.
 * So `tandem generate --seed s` and the first suggestion after `/tandem/seed s` (or the device's
 * Seed) give the same notes for the same settings.
 */

/** Controls a session holds (count is a batch-only control: one suggestion per request here). */
export const SESSION_CONTROLS = ['style', 'density', 'bars', 'temperature', 'seed', 'fillEvery', 'key', 'chords'] as const;
export type SessionControl = (typeof SESSION_CONTROLS)[number];

/** What the musician set. Styles are kept per model, so switching models and back keeps each one's. */
export interface SessionSettings {
  model: string;
  /** Style per model name ('any' where the model allows it). */
  styles: Record<string, string>;
  density: number;
  bars: number;
  temperature: number;
  fillEvery: number;
  /** The seed the next request takes (see the seed policy above). */
  seed: number;
  key: string | undefined;
  chords: string | undefined;
}

/** The host's transport as a front-end reports it (OSC /tandem/transport, the device). */
export interface HostTransport {
  follow: boolean;
  bpm: number;
  beat: number;
  playing: boolean;
}

/** Defaults, all from the control table and the registry. */
export function defaultSettings(): SessionSettings {
  const num = (n: 'density' | 'bars' | 'temperature' | 'fillEvery' | 'seed') => {
    const c = CONTROLS[n];
    return c.kind === 'number' ? c.default : 0;
  };
  return {
    model: DEFAULT_MODEL,
    styles: Object.fromEntries(MODEL_SPECS.map((s) => [s.name, s.defaultStyle])),
    density: num('density'),
    bars: num('bars'),
    temperature: num('temperature'),
    fillEvery: num('fillEvery'),
    seed: num('seed'),
    key: undefined,
    chords: undefined,
  };
}

/** A request that took longer than the session allows; answered with its id. */
export class RequestTimeoutError extends TandemError {
  constructor(
    readonly id: number,
    readonly timeoutMs: number,
  ) {
    super(`request ${id} got no result within ${timeoutMs < 10_000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`} and was given up`);
  }
}

/** One saved suggestion, with everything needed to make it again. */
export interface Suggestion {
  /** The request id (the client's, or one the session assigned). */
  id: number;
  model: string;
  /** The implementation that ran ('drums-gru', 'melody-ngram'). */
  impl: string;
  seed: number;
  request: PartRequest;
  sequence: Sequence;
  /** The .mid saved before the suggestion was handed to anyone. */
  file: string;
  /** Where the new bars begin: the primer's length (0 without a primer). */
  primerTicks: number;
}

export interface SessionDeps {
  /** The model to generate with, started on first use (and kept) by the front-end's owner. */
  part?(model: string): Promise<PartModel>;
  /** Where generate() saves each suggestion before returning it. */
  store?: SuggestionStore;
  /** How long one request may take, ms (default 30 000). */
  timeoutMs?: number;
  /** The drum network for humanizing, loaded on first use (bridge/models/humanize.ts drumHumanizer). */
  humanizer?(): Promise<GridHumanizer>;
}

/** One humanized clip, saved before it is handed to anyone. */
export interface HumanizedSuggestion extends HumanizedClip {
  id: number;
  seed: number;
  options: HumanizeOptions;
  /** The .mid saved (notes sorted, as any .mid). */
  file: string;
}

/**
 * Every setting of one request, for a client that keeps its own (`/tandem/generate` with every setting: the device
 * and the MIDI Tools on one bridge): the session's settings and seed are then neither read nor
 * changed. `style` 'any' where the model allows it; key and chords '' or undefined = none; fill
 * and key/chords are left out for models without them.
 */
export interface RequestSettings {
  model: string;
  style: string;
  density: number;
  temperature: number;
  bars: number;
  fillEvery: number;
  seed: number;
  key?: string;
  chords?: string;
}

/** Options of one request; the rest comes from the session's settings. */
export interface RequestOptions {
  /** All the settings, instead of the session's (see RequestSettings); `bars`, `key`, `chords` and `model` below still win. */
  settings?: RequestSettings;
  /** The caller's id (answered with it); default: the next of the session's own. */
  id?: number;
  /** Bars, when the caller decides (a live phrase): default the session's bars. */
  bars?: number;
  primer?: Sequence;
  /**
   * A musician's clip to continue (`/tandem/primer`, the device's Continue): its last whole bars in
   * the model's meter become the primer, at most `bars - 1` of them (the rest are new), as
   * `tandem generate --primer` keeps a primer that fits. Ignored when `primer` is given.
   */
  clip?: ClipPrimer;
  /** Another model of the registry than the session's (a live session playing several parts); its own style. */
  model?: string;
  /** Key and chords for this request instead of the session's (a live session's shared harmony, bar by bar). */
  key?: string;
  chords?: string;
}

export class SessionController {
  private state: SessionSettings;
  readonly transport: HostTransport = { follow: false, bpm: TEMPO.default, beat: 0, playing: false };
  private nextId = 1;
  readonly timeoutMs: number;

  constructor(
    private readonly deps: SessionDeps,
    initial: Partial<Record<'model' | SessionControl, unknown>> = {},
  ) {
    this.timeoutMs = deps.timeoutMs ?? 30_000;
    this.state = defaultSettings();
    // Model first: the style is checked against it.
    if (initial.model !== undefined) this.set('model', initial.model);
    for (const [k, v] of Object.entries(initial)) if (k !== 'model' && v !== undefined) this.set(k as SessionControl, v);
  }

  /** A copy of the settings. */
  get settings(): SessionSettings {
    return { ...this.state, styles: { ...this.state.styles } };
  }

  /** The current model's style ('any' where allowed). */
  get style(): string {
    return this.state.styles[this.state.model];
  }

  /**
   * Sets one control (or the model) from any front-end; checks it against the control table and
   * the current model (a style must be one of the model's). Throws InvalidValueError naming the
   * control and what is allowed; the state is unchanged then.
   */
  set(name: 'model' | SessionControl, value: unknown): void {
    const s = this.state;
    switch (name) {
      case 'model':
        s.model = modelSpec(value).name;
        return;
      case 'style': {
        const spec = modelSpec(s.model);
        const style = checkText('style', value).toLowerCase();
        if (!(style === 'any' && spec.anyStyle) && !spec.styles.includes(style))
          throw new InvalidValueError(
            CONTROLS.style.flag,
            value,
            `one of ${spec.styles.join(', ')}${spec.anyStyle ? ' (or any)' : ''} for the ${spec.name} model`,
          );
        s.styles[s.model] = style;
        return;
      }
      case 'density':
      case 'bars':
      case 'temperature':
      case 'fillEvery':
      case 'seed':
        s[name] = checkNumber(name, value);
        return;
      case 'key':
      case 'chords':
        // An empty text clears it (the model chooses again).
        if (value === '') {
          s[name] = undefined;
          return;
        }
        HARMONY[name](checkText(name, value));
        s[name] = checkText(name, value);
        return;
      default: {
        const never: never = name;
        throw new InvalidValueError('control', never, SESSION_CONTROLS.join(', '));
      }
    }
  }

  /** Reports the host transport (tempo from the one range). */
  setTransport(t: Partial<HostTransport>): void {
    if (t.bpm !== undefined) this.transport.bpm = checkTempo(t.bpm);
    if (t.beat !== undefined) {
      if (!(Number.isFinite(t.beat) && t.beat >= 0)) throw new InvalidValueError('beat', t.beat, 'a song position of 0 beats or more');
      this.transport.beat = t.beat;
    }
    if (t.playing !== undefined) this.transport.playing = t.playing;
    if (t.follow !== undefined) this.transport.follow = t.follow;
  }

  /** The seed policy: the next request's seed, then the session's seed advances by one. */
  takeSeed(): number {
    const seed = this.state.seed;
    this.state.seed = seed === SEED_MAX ? 0 : seed + 1;
    return seed;
  }

  /**
   * The request the settings stand for now, with a seed taken now (synchronously: two requests
   * arriving together never share a seed). Controls the model does not take are left out.
   */
  request(opts: RequestOptions = {}): { id: number; model: string; request: PartRequest } {
    const own = opts.settings;
    const s = own ? { ...own, styles: { [modelSpec(own.model).name]: own.style }, key: own.key || undefined, chords: own.chords || undefined } : this.state;
    const spec = modelSpec(opts.model ?? s.model);
    const takes = (n: SessionControl) => spec.controls.includes(n);
    const style = s.styles[spec.name];
    const bars = opts.bars ?? s.bars;
    let primer = opts.primer;
    if (!primer && opts.clip) {
      const meter = spec.meter?.(style === 'any' ? undefined : style) ?? COMMON_TIME;
      primer = cutClipPrimer(opts.clip, { stepsPerBar: meter.stepsPerBar, channel: spec.channel, maxBars: bars - 1 }).sequence;
    }
    const request = parseRequest(spec.name, {
      style,
      density: s.density,
      bars,
      temperature: s.temperature,
      fillEvery: takes('fillEvery') ? s.fillEvery : undefined,
      key: takes('key') ? (opts.key ?? s.key) : undefined,
      chords: takes('chords') ? (opts.chords ?? s.chords) : undefined,
      primer,
    });
    request.seed = own ? checkNumber('seed', own.seed) : this.takeSeed();
    const id = opts.id ?? this.nextId++;
    return { id, model: spec.name, request };
  }

  /**
   * Humanizes a clip (`/tandem/humanize`): every note kept, drum notes with the network's velocity
   * and timing (see humanizeSequence), saved as a .mid before it is returned. The options were
   * checked by the caller (parseHumanizeOptions); the session's settings are not used or changed.
   * Rejects with RequestTimeoutError when the drum network does not load within `timeoutMs`.
   */
  async humanize(clip: Sequence, options: HumanizeOptions, opts: { id?: number; bpm?: number } = {}): Promise<HumanizedSuggestion> {
    const { humanizer, store } = this.deps;
    if (!humanizer || !store) throw new TandemError('this session has no drum network or store to humanize with');
    const id = opts.id ?? this.nextId++;
    const model = await this.withinTimeout(id, humanizer());
    const out = humanizeSequence(clip, options, model);
    const bpm = opts.bpm ?? this.transport.bpm;
    const saved: Sequence = { ...clip, notes: sortNotes(out.notes.map((n) => ({ ...n }))), tempos: [{ ticks: 0, bpm }] };
    const bars = Math.max(1, Math.ceil(clip.totalTicks / barsToTicks(1)));
    const file = store.save(saved, {
      model: 'humanize',
      genre: options.genre,
      density: 0,
      temperature: 1,
      seed: options.seed,
      bars,
      bpm,
      amount: options.amount,
      id,
    });
    return { ...out, id, seed: options.seed, options, file };
  }

  /**
   * Makes one suggestion with the current settings: the request (and its seed) is fixed when this
   * is called; the result is saved before it is returned. Rejects with RequestTimeoutError when
   * the model takes longer than `timeoutMs` (a late result is then dropped, not saved).
   */
  async generate(opts: RequestOptions & { bpm?: number } = {}): Promise<Suggestion> {
    const { part: partOf, store } = this.deps;
    if (!partOf || !store) throw new TandemError('this session has no model or store to generate with (a live session generates through its own model)');
    const { id, model, request } = this.request(opts);
    const bpm = opts.bpm ?? this.transport.bpm;
    const work = (async () => {
      const part = await partOf(model);
      const [sequence] = await part.generate(request);
      return { part, sequence };
    })();
    const { part, sequence } = await this.withinTimeout(id, work);
    sequence.tempos = [{ ticks: 0, bpm }];
    const primerTicks = request.primer?.totalTicks ?? 0;
    const file = store.save(sequence, {
      model: part.id,
      genre: request.style,
      density: request.density,
      temperature: request.temperature,
      seed: request.seed,
      bars: request.bars,
      bpm,
      fillEvery: request.fillEvery,
      key: request.key,
      chords: request.chords,
      id,
      ...(primerTicks ? { primerBeats: primerTicks / PPQ } : {}),
    });
    return { id, model, impl: part.id, seed: request.seed, request, sequence, file, primerTicks };
  }

  /** `work`, or RequestTimeoutError for request `id` once `timeoutMs` has passed (a late result is then dropped, not saved). */
  private async withinTimeout<T>(id: number, work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RequestTimeoutError(id, this.timeoutMs)), this.timeoutMs);
    });
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
