import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Whether virtual MIDI ports can open on this machine, and why not (same shape as a doctor check). */
export interface MidiAvailability {
  name: string;
  ok: boolean;
  detail: string;
}

/** Checked without touching RtMidi (which prints ALSA noise on stderr when it fails). */
export function midiCheck(): MidiAvailability {
  const native = process.env.TANDEM_MIDI_NATIVE;
  if (native) {
    const ok = existsSync(join(native, 'build', 'Release', 'midi.node'));
    return {
      name: 'MIDI ports',
      ok,
      detail: ok
        ? `the MIDI module from TANDEM_MIDI_NATIVE=${native} (JACK): ports open while jackd runs`
        : `TANDEM_MIDI_NATIVE=${native} has no build/Release/midi.node (build it with: bash bridge/midi/jack/build-jack-midi.sh)`,
    };
  }
  if (process.platform === 'linux') {
    if (!existsSync('/dev/snd/seq')) {
      return {
        name: 'MIDI ports',
        ok: false,
        detail:
          'no ALSA sequencer (/dev/snd/seq is missing), so virtual MIDI ports cannot open here; load snd-seq (modprobe snd-seq) on a desktop Linux, or use JACK',
      };
    }
    return { name: 'MIDI ports', ok: true, detail: 'ALSA sequencer present (/dev/snd/seq)' };
  }
  if (process.platform === 'win32')
    return { name: 'MIDI ports', ok: false, detail: 'Windows has no virtual MIDI ports: create one with loopMIDI and pass its name with --port' };
  return { name: 'MIDI ports', ok: true, detail: 'CoreMIDI virtual ports available' };
}
