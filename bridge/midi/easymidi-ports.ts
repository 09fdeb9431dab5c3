import { existsSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { midiCheck } from './availability';
import { MidiUnavailableError, type MidiBytes, type MidiInput, type MidiOutput } from './port';
import { MIDI_STATUS, statusChannel, statusKind } from '../../src/music/midi-status';
import { InvalidValueError } from '../../src/errors';

/** The default port names a DAW sees. */
export const DEFAULT_OUT_PORT = 'Tandem Out';
export const DEFAULT_CLOCK_PORT = 'Tandem Clock';

interface EasyMsg {
  _type: string;
  channel?: number;
  note?: number;
  velocity?: number;
  controller?: number;
  value?: number;
}
interface EasyOutput {
  send(type: string, args: Record<string, number>): void;
  close(): void;
}
interface EasyInput {
  on(event: 'message', l: (m: EasyMsg) => void): void;
  close(): void;
}
interface EasyMidi {
  Output: new (name: string, virtual?: boolean) => EasyOutput;
  Input: new (name: string, virtual?: boolean) => EasyInput;
  getOutputs(): string[];
  getInputs(): string[];
}

/**
 * Folder of an alternative build of `@julusian/midi` (the native module under easymidi), e.g. the
 * JACK-only one from `bridge/midi/jack/build-jack-midi.sh`, for Linux machines without an ALSA
 * sequencer. Unset (the default): easymidi loads its own dependency.
 */
export const MIDI_NATIVE_ENV = 'TANDEM_MIDI_NATIVE';

let easymidi: EasyMidi | undefined;
function load(port: string): EasyMidi {
  // Loaded on first use: the native module is only needed when ports are opened.
  if (easymidi) return easymidi;
  const require = createRequire(import.meta.url);
  const native = process.env[MIDI_NATIVE_ENV];
  easymidi = (native ? loadWithNative(require, port, resolve(native)) : require('easymidi')) as EasyMidi;
  return easymidi;
}

type Resolve = (request: string, parent: { filename?: string | null } | undefined, ...rest: unknown[]) => string;

/**
 * Loads easymidi so that ITS `require('@julusian/midi')` resolves to `dir`. Node 20 has no public
 * CommonJS resolve hook, so Module._resolveFilename is wrapped for this one synchronous require and
 * only for that request from easymidi's own files; the installed dependency stays untouched.
 */
function loadWithNative(require: NodeJS.Require, port: string, dir: string): unknown {
  if (!existsSync(join(dir, 'build', 'Release', 'midi.node'))) {
    throw new MidiUnavailableError(port, `${MIDI_NATIVE_ENV}=${dir} has no build/Release/midi.node (build it with: bash bridge/midi/jack/build-jack-midi.sh)`);
  }
  const easyPath = require.resolve('easymidi');
  if (require.cache[easyPath])
    throw new MidiUnavailableError(port, `easymidi was already loaded with its own native module, so ${MIDI_NATIVE_ENV} cannot apply`);
  const easyDir = dirname(easyPath) + sep;
  const loader = Module as unknown as { _resolveFilename: Resolve };
  const original = loader._resolveFilename;
  loader._resolveFilename = function (request, parent, ...rest) {
    const fromEasymidi = request === '@julusian/midi' && parent?.filename?.startsWith(easyDir);
    return original.call(this, fromEasymidi ? dir : request, parent, ...rest);
  };
  try {
    return require(easyPath);
  } finally {
    loader._resolveFilename = original;
  }
}

/** Why ports cannot open here, before RtMidi is touched (it prints ALSA noise on stderr). */
function precheck(port: string): void {
  if (process.env[MIDI_NATIVE_ENV]) return; // another backend (JACK): its own errors explain
  const c = midiCheck();
  if (!c.ok && process.platform === 'linux') throw new MidiUnavailableError(port, c.detail);
}

function explain(port: string, err: Error): MidiUnavailableError {
  const hint = process.env[MIDI_NATIVE_ENV]
    ? `with the native module from ${MIDI_NATIVE_ENV} (JACK): is jackd running as this user?`
    : process.platform === 'win32'
      ? 'Windows has no virtual ports: create one with loopMIDI and pass its name with --port'
      : process.platform === 'linux'
        ? 'the ALSA sequencer is not available (load snd-seq) or the port name is unknown'
        : 'CoreMIDI refused the port';
  return new MidiUnavailableError(port, `${err.message} (${hint})`);
}

/** Bytes -> easymidi's message object (the only way its public API sends). */
function toEasy(bytes: MidiBytes): [string, Record<string, number>] {
  const status = bytes[0];
  const channel = statusChannel(status);
  switch (statusKind(status)) {
    case MIDI_STATUS.noteOn:
      return ['noteon', { note: bytes[1], velocity: bytes[2], channel }];
    case MIDI_STATUS.noteOff:
      return ['noteoff', { note: bytes[1], velocity: bytes[2], channel }];
    case MIDI_STATUS.controlChange:
      return ['cc', { controller: bytes[1], value: bytes[2], channel }];
    default:
      break;
  }
  const realtime: Record<number, string> = {
    [MIDI_STATUS.clock]: 'clock',
    [MIDI_STATUS.start]: 'start',
    [MIDI_STATUS.continue]: 'continue',
    [MIDI_STATUS.stop]: 'stop',
  };
  if (realtime[status]) return [realtime[status], {}];
  if (status === MIDI_STATUS.songPosition) return ['position', { value: bytes[1] | (bytes[2] << 7) }];
  throw new InvalidValueError(
    'MIDI message',
    bytes.map((b) => b.toString(16)).join(' '),
    'note on/off, control change, clock, start, continue, stop or song position',
  );
}

/** easymidi's parsed object -> bytes. */
function fromEasy(m: EasyMsg): MidiBytes | undefined {
  const ch = m.channel ?? 0;
  switch (m._type) {
    case 'clock':
      return [MIDI_STATUS.clock];
    case 'start':
      return [MIDI_STATUS.start];
    case 'continue':
      return [MIDI_STATUS.continue];
    case 'stop':
      return [MIDI_STATUS.stop];
    case 'position':
      return [MIDI_STATUS.songPosition, (m.value ?? 0) & 0x7f, ((m.value ?? 0) >> 7) & 0x7f];
    case 'noteon':
      return [MIDI_STATUS.noteOn | ch, m.note ?? 0, m.velocity ?? 0];
    case 'noteoff':
      return [MIDI_STATUS.noteOff | ch, m.note ?? 0, m.velocity ?? 0];
    case 'cc':
      return [MIDI_STATUS.controlChange | ch, m.controller ?? 0, m.value ?? 0];
    default:
      return undefined;
  }
}

/** Opens a MIDI output: a virtual port named `name`, or (virtual=false) an existing port by name. */
export function openOutput(name = DEFAULT_OUT_PORT, virtual = true): MidiOutput {
  precheck(name);
  const mod = load(name);
  let out: EasyOutput;
  try {
    out = new mod.Output(name, virtual);
  } catch (err) {
    throw explain(name, err as Error);
  }
  return {
    name,
    send(bytes) {
      const [type, args] = toEasy(bytes);
      out.send(type, args);
    },
    close: () => out.close(),
  };
}

/** Messages over which the least delay is taken (about 0.6 s of MIDI clock at 100 BPM). */
const STAMP_WINDOW = 64;

/**
 * Arrival times from the MIDI layer instead of from JavaScript. RtMidi stamps each message when
 * its thread receives it (deltaTime: seconds since the previous one); the listener runs later,
 * after whatever held up the event loop (a phrase being generated, a child process, GC), and
 * several clocks can then arrive in the same millisecond. The sum of deltaTimes is put on the
 * `now()` timeline by the smallest delay among the last STAMP_WINDOW deliveries (the least-delayed
 * ones), a window rather than all time so that a MIDI-layer clock running at a slightly different
 * rate (JACK's dummy driver falls behind on a busy machine) is followed. Falls back to `now()` if
 * easymidi's native input is not there.
 */
function nativeStamps(input: EasyInput, now: () => number): () => number {
  const native = (input as unknown as { _input?: { prependListener?: (e: 'message', l: (deltaTime: number) => void) => void } })._input;
  if (typeof native?.prependListener !== 'function') return now;
  let sumMs = 0;
  let last = 0;
  let n = 0;
  const delays = new Float64Array(STAMP_WINDOW);
  native.prependListener('message', (deltaTime) => {
    sumMs += deltaTime * 1000;
    delays[n++ % STAMP_WINDOW] = now() - sumMs;
    let offset = Infinity;
    for (let i = 0; i < Math.min(n, STAMP_WINDOW); i++) offset = Math.min(offset, delays[i]);
    last = sumMs + offset;
  });
  return () => last;
}

/** Opens a MIDI input (the DAW's clock): virtual, or an existing port by name. */
export function openInput(name = DEFAULT_CLOCK_PORT, virtual = true, now: () => number = () => performance.now()): MidiInput {
  precheck(name);
  const mod = load(name);
  let input: EasyInput;
  try {
    input = new mod.Input(name, virtual);
  } catch (err) {
    throw explain(name, err as Error);
  }
  const stamp = nativeStamps(input, now);
  return {
    name,
    onMessage(listener) {
      input.on('message', (m) => {
        const bytes = fromEasy(m);
        if (bytes) listener(bytes, stamp());
      });
    },
    close: () => input.close(),
  };
}
