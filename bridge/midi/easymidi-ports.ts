import { createRequire } from 'node:module';
import { midiCheck } from '../doctor';
import { MidiUnavailableError, type MidiBytes, type MidiInput, type MidiOutput } from './port';

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

let easymidi: EasyMidi | undefined;
function load(): EasyMidi {
  // Loaded on first use: the native module is only needed when ports are opened.
  easymidi ??= createRequire(import.meta.url)('easymidi') as EasyMidi;
  return easymidi;
}

/** Why ports cannot open here, before RtMidi is touched (it prints ALSA noise on stderr). */
function precheck(port: string): void {
  const c = midiCheck();
  if (!c.ok && process.platform === 'linux') throw new MidiUnavailableError(port, c.detail);
}

function explain(port: string, err: Error): MidiUnavailableError {
  const hint =
    process.platform === 'win32'
      ? 'Windows has no virtual ports: create one with loopMIDI and pass its name with --port'
      : process.platform === 'linux'
        ? 'the ALSA sequencer is not available (load snd-seq) or the port name is unknown'
        : 'CoreMIDI refused the port';
  return new MidiUnavailableError(port, `${err.message} (${hint})`);
}

/** Bytes -> easymidi's message object (the only way its public API sends). */
function toEasy(bytes: MidiBytes): [string, Record<string, number>] {
  const status = bytes[0];
  const channel = status & 0x0f;
  switch (status & 0xf0) {
    case 0x90:
      return ['noteon', { note: bytes[1], velocity: bytes[2], channel }];
    case 0x80:
      return ['noteoff', { note: bytes[1], velocity: bytes[2], channel }];
    case 0xb0:
      return ['cc', { controller: bytes[1], value: bytes[2], channel }];
    default:
      break;
  }
  const realtime: Record<number, string> = { 0xf8: 'clock', 0xfa: 'start', 0xfb: 'continue', 0xfc: 'stop' };
  if (realtime[status]) return [realtime[status], {}];
  if (status === 0xf2) return ['position', { value: bytes[1] | (bytes[2] << 7) }];
  throw new RangeError(`unsupported MIDI message ${bytes.map((b) => b.toString(16)).join(' ')}`);
}

/** easymidi's parsed object -> bytes. */
function fromEasy(m: EasyMsg): MidiBytes | undefined {
  const ch = m.channel ?? 0;
  switch (m._type) {
    case 'clock':
      return [0xf8];
    case 'start':
      return [0xfa];
    case 'continue':
      return [0xfb];
    case 'stop':
      return [0xfc];
    case 'position':
      return [0xf2, (m.value ?? 0) & 0x7f, ((m.value ?? 0) >> 7) & 0x7f];
    case 'noteon':
      return [0x90 | ch, m.note ?? 0, m.velocity ?? 0];
    case 'noteoff':
      return [0x80 | ch, m.note ?? 0, m.velocity ?? 0];
    default:
      return undefined;
  }
}

/** Opens a MIDI output: a virtual port named `name`, or (virtual=false) an existing port by name. */
export function openOutput(name = DEFAULT_OUT_PORT, virtual = true): MidiOutput {
  precheck(name);
  const mod = load();
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

/** Opens a MIDI input (the DAW's clock): virtual, or an existing port by name. */
export function openInput(name = DEFAULT_CLOCK_PORT, virtual = true, now: () => number = () => performance.now()): MidiInput {
  precheck(name);
  const mod = load();
  let input: EasyInput;
  try {
    input = new mod.Input(name, virtual);
  } catch (err) {
    throw explain(name, err as Error);
  }
  return {
    name,
    onMessage(listener) {
      input.on('message', (m) => {
        const bytes = fromEasy(m);
        if (bytes) listener(bytes, now());
      });
    },
    close: () => input.close(),
  };
}
