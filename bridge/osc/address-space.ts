import { TandemError } from '../../src/errors';
import { CONTROLS, seedFromInt32, SEED_MAX, TEMPO, type ControlSpec } from '../../src/models/controls';
import { MODEL_NAMES } from '../../src/models/registry';
import { DRUM_GENRES } from '../../src/conditioning/genres';
import { PRIMER_LIMITS, type ClipNote } from '../../src/music/clip-primer';

export { PRIMER_LIMITS };
import { SESSION_CONTROLS, type RequestSettings, type SessionControl } from '../session/controller';

/** An OSC argument after decoding: numbers and strings only. */
export type OscValue = number | string;

/** A bad OSC message: which address, what was wrong, what is allowed. Answered with /tandem/error. */
export class OscArgumentError extends TandemError {
  constructor(
    readonly address: string,
    readonly detail: string,
  ) {
    super(`${address}: ${detail}`);
  }
}

/**
 * How an argument is read:
 * - 'f': OSC int or float (32-bit floats keep 7 significant digits: 0.7 stays 0.7);
 * - 'i': int, or a float with a whole value;
 * - 'seed': 0..2^32-1 as int (an int32 below 0 is a seed of 2^31 or more, as Max sends `seed | 0`),
 *   or a float/double with a whole value;
 * - 's': a string.
 */
type ArgType = 'f' | 'i' | 'seed' | 's';

interface ArgSpec {
  name: string;
  type: ArgType;
  /** Range of a number, inclusive. */
  range?: [number, number];
  /** Allowed strings (lower-cased). */
  oneOf?: readonly string[];
  /** Longest string. */
  maxLength?: number;
  /** May be left out (only trailing arguments). */
  optional?: boolean;
}

export interface AddressSpec {
  args: ArgSpec[];
  /** Argument counts allowed, when not every count up to args.length is (all optional arguments or none). */
  counts?: number[];
  /** Arguments repeated after `args` (one group per note), at most `max` groups. */
  repeat?: { args: ArgSpec[]; min: number; max: number; what: string };
  /** What it does, for the README and the tests that keep it true. */
  doc: string;
}

/** The argument a control's row in the table asks for. */
function controlArg(c: ControlSpec): ArgSpec {
  if (c.kind === 'text') return { name: c.flag, type: 's', maxLength: c.maxLength };
  if (c.name === 'seed') return { name: 'seed', type: 'seed', range: [c.min, c.max] };
  return { name: c.flag, type: c.integer ? 'i' : 'f', range: [c.min, c.max] };
}

/** Control addresses, from the control table: address -> the session control it sets. */
export const CONTROL_ADDRESSES: Readonly<Record<string, SessionControl>> = Object.freeze(
  Object.fromEntries(SESSION_CONTROLS.flatMap((n) => (CONTROLS[n].osc ? [[CONTROLS[n].osc, n]] : []))),
);

const controlRows: Record<string, AddressSpec> = Object.fromEntries(
  Object.entries(CONTROL_ADDRESSES).map(([address, n]) => {
    const c = CONTROLS[n];
    const range =
      c.kind === 'number'
        ? ` (${c.max === SEED_MAX ? '0..2^32-1; an int below 0 is read as its unsigned 32-bit value' : `${c.min}..${c.max}`})`
        : c.name === 'style'
          ? " (one of the current model's)"
          : ' (empty clears it)';
    return [address, { args: [controlArg(c)], doc: `${c.doc}${range}` }];
  }),
);

/** Every address the bridge accepts, derived from the registry and the control table. Replies are in REPLIES. */
export const ADDRESSES: Readonly<Record<string, AddressSpec>> = Object.freeze({
  '/tandem/model': { args: [{ name: 'model', type: 's', oneOf: MODEL_NAMES }], doc: `which model generates: ${MODEL_NAMES.join(', ')}` },
  ...controlRows,
  '/tandem/generate': {
    args: [
      { name: 'id', type: 'i', range: [-(2 ** 31), 2 ** 31 - 1], optional: true },
      { name: 'model', type: 's', oneOf: MODEL_NAMES, optional: true },
      ...(['style', 'density', 'temperature', 'bars', 'fillEvery', 'seed', 'key', 'chords'] as const).map((n) => ({
        ...controlArg(CONTROLS[n]),
        optional: true,
      })),
    ],
    counts: [0, 1, 10],
    doc: "make a suggestion now, answered with the id given (else one the bridge picks): /tandem/suggestion chunks, then /tandem/suggestion/done, or /tandem/error with the id. With every setting after the id (key, chords: '' for none) it uses those and neither reads nor changes the session's settings or seed: clients sharing the bridge (devices, MIDI Tools) keep their own. Continues a /tandem/primer sent with the same id",
  },
  '/tandem/humanize': {
    args: [
      { name: 'id', type: 'i', range: [-(2 ** 31), 2 ** 31 - 1] },
      { name: 'amount', type: 'f', range: [0, 1] },
      { name: 'genre', type: 's', oneOf: [...DRUM_GENRES, 'any'] },
      { name: 'seed', type: 'seed', range: [0, SEED_MAX] },
    ],
    repeat: {
      what: 'note',
      min: 1,
      max: 2048,
      args: [
        { name: 'pitch', type: 'i', range: [0, 127] },
        { name: 'velocity', type: 'i', range: [1, 127] },
        { name: 'start', type: 'f', range: [0, 1e5] },
        { name: 'length', type: 'f', range: [0.001, 1e5] },
      ],
    },
    doc: "humanize a drum clip (start and length in beats from its first bar, at most 2048 notes): every note kept, drum notes (GM pitches) get the network's velocity and timing, blended by amount; answered like /tandem/generate, notes in the order given",
  },
  '/tandem/primer': {
    args: [
      { name: 'id', type: 'i', range: [-(2 ** 31), 2 ** 31 - 1] },
      { name: 'chunk', type: 'i', range: [0, PRIMER_LIMITS.chunks - 1] },
      { name: 'chunks', type: 'i', range: [1, PRIMER_LIMITS.chunks] },
      { name: 'length', type: 'f', range: [0.25, PRIMER_LIMITS.beats] },
    ],
    repeat: {
      what: 'note',
      min: 1,
      max: PRIMER_LIMITS.notesPerChunk,
      args: [
        { name: 'pitch', type: 'i', range: [0, 127] },
        { name: 'start', type: 'f', range: [0, PRIMER_LIMITS.beats] },
        { name: 'duration', type: 'f', range: [0.001, PRIMER_LIMITS.beats] },
        { name: 'velocity', type: 'i', range: [1, 127] },
      ],
    },
    doc: `a clip to continue (the musician's notes; length, start and duration in beats from the clip's start; at most ${PRIMER_LIMITS.notesPerChunk} notes a chunk, ${PRIMER_LIMITS.chunks} chunks): the /tandem/generate with the same id continues its last whole bars in the model's meter, at most bars - 1 of them (as generate --primer), the suggestion starting with them; kept ${PRIMER_LIMITS.keepSeconds} s`,
  },
  '/tandem/follow': { args: [{ name: 'on', type: 'i', range: [0, 1] }], doc: 'follow the host transport (1) or not (0)' },
  '/tandem/transport': {
    args: [
      { name: 'bpm', type: 'f', range: [TEMPO.min, TEMPO.max] },
      { name: 'beat', type: 'f', range: [0, 1e7] },
      { name: 'playing', type: 'i', range: [0, 1] },
    ],
    doc: "the host's tempo (BPM), song position (beats) and whether it is playing",
  },
  '/tandem/status': { args: [], doc: 'asks for /tandem/status' },
  '/tandem/ping': { args: [], doc: 'answered with /tandem/pong' },
});

/** Replies the bridge sends (to the sender, or to the reply port). */
export const REPLIES: Readonly<Record<string, string>> = Object.freeze({
  '/tandem/status':
    's model, s genre, f density, f temperature, i bars, i fill, i seed (next; int32, below 0 = seed + 2^32), i follow, f bpm, i playing, s key, s chords',
  '/tandem/suggestion': 'i id, i chunk, i chunks, then per note: i pitch, i velocity, f start beat, f length in beats (at most 32 notes a chunk)',
  '/tandem/suggestion/done':
    'i id, i notes, f length in beats, s file (the .mid saved before anything is sent), i seed (int32 as in status), s model, f beats of primer the suggestion starts with (0 without; new bars begin there)',
  '/tandem/error': 's what was wrong and what is allowed; for a failed /tandem/generate, /tandem/humanize or /tandem/primer also i id',
  '/tandem/pong': '(no arguments)',
});

/** One note of a /tandem/humanize message (beats from the clip's first bar). */
export interface HumanizeNote {
  pitch: number;
  velocity: number;
  startBeats: number;
  durationBeats: number;
}

/** A checked message, typed by address: what the controller's front-end acts on (no casts needed). */
export type OscCommand =
  | { address: '/tandem/model'; model: string }
  | { address: 'control'; osc: string; control: SessionControl; value: OscValue }
  | { address: '/tandem/generate'; id: number | undefined; settings?: RequestSettings }
  | { address: '/tandem/humanize'; id: number; amount: number; genre: string; seed: number; notes: HumanizeNote[] }
  | { address: '/tandem/primer'; id: number; chunk: number; chunks: number; lengthBeats: number; notes: ClipNote[] }
  | { address: '/tandem/follow'; on: boolean }
  | { address: '/tandem/transport'; bpm: number; beat: number; playing: boolean }
  | { address: '/tandem/status' }
  | { address: '/tandem/ping' };

/** Shortens a value echoed in an error (a 65 KB string must not make a 65 KB reply). */
const show = (v: unknown): string => {
  const t = typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v) : String(v);
  return t;
};

function readArg(address: string, a: ArgSpec, tag: string | undefined, v: unknown): OscValue {
  if (a.type === 's') {
    if (tag !== 's' || typeof v !== 'string') throw new OscArgumentError(address, `${a.name} must be a string, got type ${tag ?? '?'}`);
    if (a.oneOf && !a.oneOf.includes(v.toLowerCase())) throw new OscArgumentError(address, `${a.name} must be one of ${a.oneOf.join(', ')}, got ${show(v)}`);
    if (a.maxLength !== undefined && v.length > a.maxLength)
      throw new OscArgumentError(address, `${a.name} must be at most ${a.maxLength} characters, got ${v.length}`);
    return a.oneOf ? v.toLowerCase() : v;
  }
  if ((tag !== 'i' && tag !== 'f' && tag !== 'd' && tag !== 'h') || typeof v !== 'number' || !Number.isFinite(v)) {
    throw new OscArgumentError(
      address,
      `${a.name} must be a number (${a.type === 'seed' ? 'i' : a.type}), got type ${tag ?? '?'}${typeof v === 'string' ? ` ${show(v)}` : ''}`,
    );
  }
  if (a.type !== 'f' && !Number.isInteger(v)) throw new OscArgumentError(address, `${a.name} must be a whole number, got ${v}`);
  // OSC floats are 32-bit: 0.7 arrives as 0.69999998...; keep what the sender meant.
  let value = a.type === 'f' && tag === 'f' ? Number(v.toPrecision(7)) : v;
  if (a.type === 'seed' && tag === 'i') value = seedFromInt32(v);
  if (a.range && !(value >= a.range[0] && value <= a.range[1])) {
    const hi = a.range[1] === SEED_MAX ? '2^32-1' : a.range[1];
    throw new OscArgumentError(
      address,
      `${a.name} must be ${a.type === 'f' ? `between ${a.range[0]} and ${hi}` : `a whole number from ${a.range[0]} to ${hi}`}, got ${value}`,
    );
  }
  return value;
}

/** Checks an incoming message against the table; throws OscArgumentError naming the problem. */
export function parseMessage(address: string, types: string, args: readonly unknown[]): OscCommand {
  const spec = Object.hasOwn(ADDRESSES, address) ? ADDRESSES[address] : undefined;
  if (!spec) throw new OscArgumentError(show(address).slice(1, -1), `unknown address (known: ${Object.keys(ADDRESSES).join(' ')})`);
  const tags = types.replace(/^,/, '');
  const required = spec.args.filter((a) => !a.optional).length;
  const rep = spec.repeat;
  const fixed = rep ? spec.args.length : args.length;
  const extra = args.length - fixed;
  if (
    args.length < required ||
    (!rep && args.length > spec.args.length) ||
    (spec.counts && !spec.counts.includes(args.length)) ||
    (rep && (extra < 0 || extra % rep.args.length !== 0 || extra / rep.args.length < rep.min || extra / rep.args.length > rep.max))
  ) {
    const want =
      spec.args.map((a) => `${a.optional ? '[' : ''}${a.type === 'seed' ? 'i' : a.type} ${a.name}${a.optional ? ']' : ''}`).join(', ') || 'no arguments';
    const more = rep ? `, then per ${rep.what} ${rep.args.map((a) => `${a.type} ${a.name}`).join(', ')} (${rep.min} to ${rep.max} ${rep.what}s)` : '';
    const counts = spec.counts ? ` (${spec.counts.join(', ')} arguments)` : '';
    throw new OscArgumentError(
      address,
      `takes ${want}${more}${counts}; got ${args.length} argument(s)${tags.length > 40 ? ` (${tags.slice(0, 40)}...)` : tags ? ` (${tags})` : ''}`,
    );
  }
  const v = args.slice(0, fixed).map((x, i) => readArg(address, spec.args[i], tags[i], x));
  const groups: OscValue[][] = [];
  if (rep) {
    for (let at = fixed; at < args.length; at += rep.args.length) {
      groups.push(
        rep.args.map((a, k) => readArg(address, { ...a, name: `${rep.what} ${(at - fixed) / rep.args.length + 1} ${a.name}` }, tags[at + k], args[at + k])),
      );
    }
  }
  if (Object.hasOwn(CONTROL_ADDRESSES, address)) return { address: 'control', osc: address, control: CONTROL_ADDRESSES[address], value: v[0] };
  switch (address) {
    case '/tandem/model':
      return { address, model: String(v[0]) };
    case '/tandem/generate':
      if (v.length === 10)
        return {
          address,
          id: Number(v[0]),
          settings: {
            model: String(v[1]),
            style: String(v[2]),
            density: Number(v[3]),
            temperature: Number(v[4]),
            bars: Number(v[5]),
            fillEvery: Number(v[6]),
            seed: Number(v[7]),
            key: String(v[8]),
            chords: String(v[9]),
          },
        };
      return { address, id: v[0] === undefined ? undefined : Number(v[0]) };
    case '/tandem/humanize':
      return {
        address,
        id: Number(v[0]),
        amount: Number(v[1]),
        genre: String(v[2]),
        seed: Number(v[3]),
        notes: groups.map((g) => ({ pitch: Number(g[0]), velocity: Number(g[1]), startBeats: Number(g[2]), durationBeats: Number(g[3]) })),
      };
    case '/tandem/primer':
      return {
        address,
        id: Number(v[0]),
        chunk: Number(v[1]),
        chunks: Number(v[2]),
        lengthBeats: Number(v[3]),
        notes: groups.map((g) => ({ pitch: Number(g[0]), startBeats: Number(g[1]), durationBeats: Number(g[2]), velocity: Number(g[3]) })),
      };
    case '/tandem/follow':
      return { address, on: v[0] === 1 };
    case '/tandem/transport':
      return { address, bpm: Number(v[0]), beat: Number(v[1]), playing: v[2] === 1 };
    case '/tandem/status':
    case '/tandem/ping':
      return { address };
    default:
      throw new OscArgumentError(address, 'has no handler (a table entry without a command)');
  }
}

/** `` `i` (optional) id ``: an address's arguments in the README's words. */
export function describeArgs(spec: AddressSpec): string {
  const one = (a: ArgSpec) => `\`${a.type === 'seed' ? 'i' : a.type}\`${a.optional ? ' (optional)' : ''} ${a.name}${a.oneOf ? `: ${a.oneOf.join(', ')}` : ''}`;
  const rep = spec.repeat ? `, then per ${spec.repeat.what}: ${spec.repeat.args.map(one).join(', ')}` : '';
  return spec.args.map(one).join(', ') + rep;
}

/** The README's OSC tables (addresses, then replies), written from the tables above. */
export function oscTablesMarkdown(): string {
  // A | inside a cell (the chords' bar lines) is written \| so the table keeps its columns.
  const rows = Object.entries(ADDRESSES).map(([a, s]) => `| \`${a}\` | ${describeArgs(s)} | ${s.doc.replace(/\|/g, '\\|')} |`);
  const replies = Object.entries(REPLIES).map(([a, s]) => `| \`${a}\` | ${s} |`);
  return ['| address | arguments | what it does |', '| --- | --- | --- |', ...rows, '', '| reply | arguments |', '| --- | --- |', ...replies].join('\n');
}
