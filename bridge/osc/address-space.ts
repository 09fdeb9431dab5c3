import { DRUM_GENRES } from '../../src/conditioning/genres';
import { LIMITS } from '../../src/models/request';
import { TandemError } from '../../src/errors';

/** An OSC argument after checking: numbers and strings only. */
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

interface ArgSpec {
  name: string;
  /** 'f' accepts OSC int or float; 'i' accepts int, or a float with a whole value; 's' a string. */
  type: 'f' | 'i' | 's';
  check?: (v: OscValue) => string | undefined;
}

export interface AddressSpec {
  args: ArgSpec[];
  /** What it does, for the README and `tandem serve --help`. */
  doc: string;
}

const range = (lo: number, hi: number) => (v: OscValue) => (typeof v === 'number' && v >= lo && v <= hi ? undefined : `must be between ${lo} and ${hi}`);
const oneOf = (xs: readonly string[]) => (v: OscValue) => (xs.includes(String(v).toLowerCase()) ? undefined : `must be one of ${xs.join(', ')}`);

/** Every address the bridge accepts. Replies it sends are listed in REPLIES. */
export const ADDRESSES = {
  '/tandem/model': { args: [{ name: 'model', type: 's', check: oneOf(['drums']) }], doc: 'which model generates: drums' },
  '/tandem/genre': { args: [{ name: 'genre', type: 's', check: oneOf([...DRUM_GENRES, 'any']) }], doc: `drum genre: ${DRUM_GENRES.join(', ')} or any` },
  '/tandem/density': { args: [{ name: 'density', type: 'f', check: range(0, 1) }], doc: 'how busy, 0 (sparsest) to 1 (busiest)' },
  '/tandem/temperature': { args: [{ name: 'temperature', type: 'f', check: range(LIMITS.minTemperature, LIMITS.maxTemperature) }], doc: `sampling temperature, ${LIMITS.minTemperature} to ${LIMITS.maxTemperature}` },
  '/tandem/bars': { args: [{ name: 'bars', type: 'i', check: range(1, LIMITS.maxBars) }], doc: `length of a suggestion in bars, 1 to ${LIMITS.maxBars}` },
  '/tandem/fill': { args: [{ name: 'every', type: 'i', check: range(0, 64) }], doc: 'a fill every N bars, 0 for none' },
  '/tandem/seed': { args: [{ name: 'seed', type: 'i', check: range(0, 2 ** 31 - 1) }], doc: 'seed of the next suggestion' },
  '/tandem/generate': { args: [], doc: 'make a suggestion now: replies /tandem/suggestion chunks, then /tandem/suggestion/done' },
  '/tandem/follow': { args: [{ name: 'on', type: 'i', check: range(0, 1) }], doc: 'follow the host transport (1) or not (0)' },
  '/tandem/transport': {
    args: [
      { name: 'bpm', type: 'f', check: range(20, 400) },
      { name: 'beat', type: 'f', check: range(0, 1e7) },
      { name: 'playing', type: 'i', check: range(0, 1) },
    ],
    doc: "the host's tempo (BPM), song position (beats) and whether it is playing",
  },
  '/tandem/status': { args: [], doc: 'asks for /tandem/status' },
  '/tandem/ping': { args: [], doc: 'answered with /tandem/pong' },
} as const satisfies Record<string, AddressSpec>;

export type TandemAddress = keyof typeof ADDRESSES;

/** Replies the bridge sends (to the sender, or to the reply port). */
export const REPLIES: Record<string, string> = {
  '/tandem/status': 's model, s genre, f density, f temperature, i bars, i fill, i seed, i follow, f bpm, i playing',
  '/tandem/suggestion': 'i id, i chunk, i chunks, then per note: i pitch, i velocity, f start beat, f length in beats (at most 32 notes a chunk)',
  '/tandem/suggestion/done': 'i id, i notes, f length in beats, s file (the .mid saved before anything is sent)',
  '/tandem/error': 's what was wrong and what is allowed',
  '/tandem/pong': '(no arguments)',
};

/** A checked message: the address and its arguments, typed by the table. */
export interface ParsedMessage {
  address: TandemAddress;
  args: OscValue[];
}

/** Checks an incoming message against the table; throws OscArgumentError naming the problem. */
export function parseMessage(address: string, types: string, args: readonly unknown[]): ParsedMessage {
  const spec = (ADDRESSES as Record<string, AddressSpec>)[address];
  if (!spec) throw new OscArgumentError(address, `unknown address (known: ${Object.keys(ADDRESSES).join(' ')})`);
  const tags = types.replace(/^,/, '');
  if (args.length !== spec.args.length) {
    const want = spec.args.map((a) => `${a.type} ${a.name}`).join(', ') || 'no arguments';
    throw new OscArgumentError(address, `takes ${want}; got ${args.length} argument(s)${tags ? ` (${tags})` : ''}`);
  }
  const out: OscValue[] = spec.args.map((a, i) => {
    const tag = tags[i];
    const v = args[i];
    if (a.type === 's') {
      if (tag !== 's' || typeof v !== 'string') throw new OscArgumentError(address, `${a.name} must be a string, got type ${tag ?? '?'}`);
      const bad = a.check?.(v);
      if (bad) throw new OscArgumentError(address, `${a.name} ${bad}, got ${JSON.stringify(v)}`);
      return v.toLowerCase();
    }
    if ((tag !== 'i' && tag !== 'f' && tag !== 'd' && tag !== 'h') || typeof v !== 'number' || !Number.isFinite(v)) {
      throw new OscArgumentError(address, `${a.name} must be a number (${a.type}), got type ${tag ?? '?'}${typeof v === 'string' ? ` ${JSON.stringify(v)}` : ''}`);
    }
    if (a.type === 'i' && !Number.isInteger(v)) throw new OscArgumentError(address, `${a.name} must be a whole number, got ${v}`);
    // OSC floats are 32-bit: 0.7 arrives as 0.69999998...; keep what the sender meant.
    const value = a.type === 'f' && tag === 'f' ? Number(v.toPrecision(7)) : v;
    const bad = a.check?.(value);
    if (bad) throw new OscArgumentError(address, `${a.name} ${bad}, got ${value}`);
    return value;
  });
  return { address: address as TandemAddress, args: out };
}
