import { InvalidValueError } from '../errors';
import type { Sequence } from '../music/sequence';
import { stepsPerBar } from '../time/units';
import { checkNumber, checkText, CONTROLS, type ControlName } from './controls';

/**
 * What every model is asked for, whatever it plays (drums, melody, bass). Plain data: it crosses
 * into a worker thread or the Chromium page as it is. Controls a model does not take are absent.
 */
export interface PartRequest {
  /** A style from the model's spec; undefined = any style (models with `anyStyle`). */
  style: string | undefined;
  /** 0 = sparsest, 1 = busiest (mapped onto the model's notes-per-bar range). */
  density: number;
  /** Length in bars, primer bars included. */
  bars: number;
  /** Sampling temperature; 1 = as learned. */
  temperature: number;
  /** 0..2^32-1; same request + seed = same notes. */
  seed: number;
  /** Variations in one batch (each from seed:index). */
  count: number;
  /** A fill every N bars (0 = none); models without fills get 0. */
  fillEvery: number;
  /** Key as typed ("D major"), checked by the harmony parser; undefined = the style's usual keys. */
  key?: string;
  /** One chord symbol per bar ("C G Am F"), checked by the harmony parser; undefined = the model chooses. */
  chords?: string;
  /** Material to continue, in ticks from 0; each result starts with it, as given. */
  primer?: Sequence;
}

/** A loaded model: the one generate entry every front-end calls. */
export interface PartModel {
  /** Which implementation runs ('drums-gru', 'melody-ngram', ...): recorded in every saved file. */
  readonly id: string;
  /** One sequence per variation (`count`), on the spec's MIDI channel, `bars` long. */
  generate(request: PartRequest): Promise<Sequence[]>;
  dispose(): void;
}

/** A TF.js layers model as read from disk: model.json and its weight files joined. */
export interface LayersArtifact {
  modelJson: unknown;
  weights: ArrayBuffer;
}

/** One way to run a model: a trained network or a count-based baseline. */
export interface ModelImpl {
  kind: 'network' | 'baseline';
  /** 'drums-gru', 'drums-ngram', 'melody-ngram', ... */
  id: string;
  /** What the bridge reads under models/: a TF.js layers folder or one JSON file. */
  artifact: { kind: 'layers'; dir: string } | { kind: 'json'; file: string };
}

/**
 * Builds a model implementation in this thread from what was read (networks: TF.js is
 * initialised first). Kept apart from the specs (src/models/factories.ts) so that reading the
 * registry (the device client, the CLI's help) never loads TF.js.
 */
export type ModelFactory = (artifact: LayersArtifact | unknown) => PartModel;

/**
 * What an engine needs of a network to choose a TF.js backend by measurement (the Chromium page's
 * probe): its raw outputs for fixed inputs on the current backend, compared with the reference
 * backend's, and a request to time. One per network implementation (src/models/probes.ts).
 */
export interface NetProbe {
  /**
   * The network's raw outputs (logits, heads) for fixed, seeded inputs, `steps` steps from a fresh
   * state on the current TF.js backend, one array per step. Read back asynchronously (WebGPU).
   */
  outputs(artifact: LayersArtifact, steps: number): Promise<Float32Array[]>;
  /** A request of `bars` bars and `count` variations, for timing the backend. */
  timingRequest(bars: number, count: number): PartRequest;
}

/** Key and chord checks (the harmony parser); each throws InvalidValueError naming what is allowed. */
export interface HarmonyChecks {
  key(text: string): unknown;
  chords(text: string): unknown;
}

/**
 * A model's spec: what the registry, the CLI, OSC, presets and the device read. Adding a model
 * is a folder exporting one of these and one line in registry.ts.
 */
export interface ModelSpec {
  /** What users type: `--model drums`, `/tandem/model s drums`. */
  name: string;
  /** One line for help and menus. */
  description: string;
  /** Styles (genres) it is conditioned on, in menu order. */
  styles: readonly string[];
  /** Style used when none is asked for. */
  defaultStyle: string;
  /** Whether 'any' is a style (no style conditioning). */
  anyStyle: boolean;
  /** Controls it takes, besides style (which every model takes). */
  controls: readonly ControlName[];
  /** Vocabulary, in words (model cards and `tandem models`). */
  vocabulary: string;
  /** Lowest and highest MIDI pitch it plays. */
  voiceRange: { low: number; high: number };
  /** MIDI channel index 0-15 its notes are on (9 = channel 10, GM drums). */
  channel: number;
  /** Track name in the .mid files it writes. */
  trackName: string;
  /** Ways to run it, preferred first (network, then baseline). */
  implementations: readonly ModelImpl[];
  /** The meter it plays a style in (default 4/4, 16 steps a bar): a live session's bars follow it. */
  meter?: (style: string | undefined) => ModelMeter;
  /** A text picture of the first bars of a result, for the CLI (optional). */
  picture?: (seq: Sequence) => string;
}

/** A meter as a live session needs it: the time signature and 16th steps per bar. */
export interface ModelMeter {
  numerator: number;
  denominator: number;
  stepsPerBar: number;
}

/** 4/4: what a model without a meter plays. */
export const COMMON_TIME: Readonly<ModelMeter> = Object.freeze({ numerator: 4, denominator: 4, stepsPerBar: stepsPerBar({ numerator: 4, denominator: 4 }) });

/** Checks a style against a spec ('any' where allowed); lower-cases it. */
export function checkStyle(spec: ModelSpec, raw: unknown): string | undefined {
  const s = raw === undefined ? spec.defaultStyle : checkText('style', raw).toLowerCase();
  if (s === 'any' && spec.anyStyle) return undefined;
  if (!spec.styles.includes(s))
    throw new InvalidValueError(CONTROLS.style.flag, raw, `one of ${spec.styles.join(', ')}${spec.anyStyle ? ' (or any)' : ''} for the ${spec.name} model`);
  return s;
}

/**
 * Checks a request from outside (CLI flags, OSC state, a preset, a page message) against a spec:
 * defaults from the control table, ranges from it, and only the controls the model takes (a value
 * for another control is an error naming the models that take it).
 */
export function parsePartRequest(spec: ModelSpec, raw: Partial<Record<ControlName, unknown>> & { primer?: Sequence }, harmony: HarmonyChecks): PartRequest {
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined || k === 'primer' || k === 'style') continue;
    if (!(k in CONTROLS)) throw new InvalidValueError(k, v, `one of the controls ${Object.keys(CONTROLS).join(', ')}`);
    const name = k as ControlName;
    if (!spec.controls.includes(name)) throw new InvalidValueError(CONTROLS[name].flag, v, `left out: ${spec.name} has no ${CONTROLS[name].flag} control`);
  }
  const num = (n: ControlName): number => {
    const c = CONTROLS[n];
    return c.kind === 'number' ? (raw[n] === undefined ? c.default : checkNumber(n, raw[n])) : 0;
  };
  const req: PartRequest = {
    style: checkStyle(spec, raw.style),
    density: num('density'),
    bars: num('bars'),
    temperature: num('temperature'),
    seed: num('seed'),
    count: num('count'),
    fillEvery: spec.controls.includes('fillEvery') ? num('fillEvery') : 0,
  };
  if (raw.key !== undefined) {
    req.key = checkText('key', raw.key);
    harmony.key(req.key);
  }
  if (raw.chords !== undefined) {
    req.chords = checkText('chords', raw.chords);
    harmony.chords(req.chords);
  }
  if (raw.primer) req.primer = raw.primer;
  return req;
}

/** Freezes a model spec (typed, so a folder's spec is checked where it is written). */
export function defineModel(spec: ModelSpec): ModelSpec {
  return Object.freeze({
    ...spec,
    styles: Object.freeze([...spec.styles]),
    controls: Object.freeze([...spec.controls]),
    implementations: Object.freeze([...spec.implementations]),
  });
}
