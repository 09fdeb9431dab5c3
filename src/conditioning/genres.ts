/** The 18 primary genres of Groove MIDI (style before '/'), most data first. */
export const DRUM_GENRES = [
  'rock',
  'funk',
  'jazz',
  'latin',
  'hiphop',
  'soul',
  'afrocuban',
  'punk',
  'neworleans',
  'country',
  'pop',
  'reggae',
  'gospel',
  'afrobeat',
  'dance',
  'blues',
  'highlife',
  'middleeastern',
] as const;
export type DrumGenre = (typeof DRUM_GENRES)[number];

export function isDrumGenre(s: string): s is DrumGenre {
  return (DRUM_GENRES as readonly string[]).includes(s);
}

/** Primary genre of a Groove MIDI style label (`funk/purdieshuffle` -> `funk`). */
export const primaryStyle = (style: string): string => style.split('/')[0].trim().toLowerCase();

/** Melody styles: Nottingham tune types, POP909 pop, JSB chorales. */
export const MELODY_STYLES = ['jig', 'reel', 'hornpipe', 'waltz', 'morris', 'ashover', 'playford', 'xmas', 'pop', 'chorale'] as const;
export type MelodyStyle = (typeof MELODY_STYLES)[number];
