/** MIDI message helpers shared by the live tests. */

type Msg = { bytes: number[] };

/** A note-on with velocity above 0 (a note-on at velocity 0 is a note-off). */
export const isNoteOn = (m: Msg): boolean => (m.bytes[0] & 0xf0) === 0x90 && m.bytes[2] > 0;

export const noteOns = <T extends Msg>(msgs: T[]): T[] => msgs.filter(isNoteOn);

/** "channel:pitch" of every note-on not released by a later note-off (or note-on at velocity 0). */
export function unreleased(msgs: Msg[]): string[] {
  const open = new Map<string, number>();
  for (const m of msgs) {
    const key = `${m.bytes[0] & 15}:${m.bytes[1]}`;
    if (isNoteOn(m)) open.set(key, (open.get(key) ?? 0) + 1);
    else if ((m.bytes[0] & 0xf0) === 0x80 || (m.bytes[0] & 0xf0) === 0x90) open.set(key, Math.max(0, (open.get(key) ?? 0) - 1));
  }
  return [...open].filter(([, n]) => n > 0).map(([key]) => key);
}
