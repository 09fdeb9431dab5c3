import { TandemError } from '../../src/errors';

/** Three MIDI bytes or fewer (real-time messages are one byte). */
export type MidiBytes = number[];

/** Where Tandem sends MIDI: a virtual port a DAW records from, or an in-memory port in tests. */
export interface MidiOutput {
  readonly name: string;
  send(bytes: MidiBytes): void;
  close(): void;
}

/** Where MIDI reaches Tandem (the DAW's clock). The listener gets the bytes and the arrival time in ms. */
export interface MidiInput {
  readonly name: string;
  onMessage(listener: (bytes: MidiBytes, timeMs: number) => void): void;
  close(): void;
}

/** MIDI ports cannot open on this machine (no ALSA sequencer, no CoreMIDI, no loopMIDI port). */
export class MidiUnavailableError extends TandemError {
  constructor(
    readonly port: string,
    readonly reason: string,
  ) {
    super(`MIDI port "${port}" cannot open: ${reason}`);
  }
}

/** A connected pair: what is sent on `output` arrives at `input`, stamped by `now()`. For tests and for wiring in-process. */
export function createLoopback(
  name: string,
  now: () => number = () => performance.now(),
): { output: MidiOutput & { sent: Array<{ bytes: MidiBytes; timeMs: number }> }; input: MidiInput } {
  const listeners: Array<(bytes: MidiBytes, timeMs: number) => void> = [];
  let open = true;
  const sent: Array<{ bytes: MidiBytes; timeMs: number }> = [];
  return {
    output: {
      name,
      sent,
      send(bytes) {
        if (!open) throw new MidiUnavailableError(name, 'the port is closed');
        const t = now();
        sent.push({ bytes: [...bytes], timeMs: t });
        for (const l of listeners) l([...bytes], t);
      },
      close() {
        open = false;
      },
    },
    input: {
      name,
      onMessage(listener) {
        listeners.push(listener);
      },
      close() {
        open = false;
        listeners.length = 0;
      },
    },
  };
}
