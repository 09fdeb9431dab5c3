/**
 * MIDI status bytes, written once for the whole project (scheduler, clock follower, file writer,
 * ports, output thread). Channel messages take the channel (0-15) in their low nibble.
 * Values from the MIDI 1.0 Detailed Specification, tables I-III.
 */
export const MIDI_STATUS = Object.freeze({
  noteOff: 0x80,
  noteOn: 0x90,
  controlChange: 0xb0,
  /** System Common: Song Position Pointer (two 7-bit data bytes, LSB first, in 16th notes). */
  songPosition: 0xf2,
  /** System Real-Time: 24 per quarter note. */
  clock: 0xf8,
  start: 0xfa,
  continue: 0xfb,
  stop: 0xfc,
});

/** Controller number of All Notes Off (a Channel Mode message, data byte 0). */
export const ALL_NOTES_OFF = 123;

/** The kind of a channel message's status byte (its high nibble), e.g. MIDI_STATUS.noteOn. */
export const statusKind = (status: number): number => status & 0xf0;

/** The channel (0-15) of a channel message's status byte. */
export const statusChannel = (status: number): number => status & 0x0f;
