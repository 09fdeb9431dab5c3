import { existsSync } from 'node:fs';

/** Whether virtual MIDI ports can open on this machine, and why not (same shape as a doctor check). */
export interface MidiAvailability {
  name: string;
  ok: boolean;
  detail: string;
}

/** Checked without touching RtMidi (which prints ALSA noise on stderr when it fails). */
export function midiCheck(): MidiAvailability {
  if (process.platform === 'linux') {
    if (!existsSync('/dev/snd/seq')) {
      return { name: 'MIDI ports', ok: false, detail: 'no ALSA sequencer (/dev/snd/seq is missing), so virtual MIDI ports cannot open here; load snd-seq (modprobe snd-seq) on a desktop Linux, or use JACK' };
    }
    return { name: 'MIDI ports', ok: true, detail: 'ALSA sequencer present (/dev/snd/seq)' };
  }
  if (process.platform === 'win32') return { name: 'MIDI ports', ok: false, detail: 'Windows has no virtual MIDI ports: create one with loopMIDI and pass its name with --port' };
  return { name: 'MIDI ports', ok: true, detail: 'CoreMIDI virtual ports available' };
}

