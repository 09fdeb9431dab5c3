import { describe, expect, it } from 'vitest';
import { CLASS_TO_GM_PITCH, DRUM_CLASSES, drumClassOfPitch, gmPitchOfClass } from '../../../src/music/drum-map';

describe('drum map', () => {
  it('maps every Roland TD-11 pitch in Groove MIDI to the GMD paper classes', () => {
    // pitch -> expected class name, from the dataset README's table
    const table: Array<[number, string]> = [
      [36, 'kick'],
      [38, 'snare'],
      [40, 'snare'],
      [37, 'snare'],
      [48, 'high-tom'],
      [50, 'high-tom'],
      [45, 'mid-tom'],
      [47, 'mid-tom'],
      [43, 'low-tom'],
      [58, 'low-tom'],
      [46, 'open-hat'],
      [26, 'open-hat'],
      [42, 'closed-hat'],
      [22, 'closed-hat'],
      [44, 'closed-hat'],
      [49, 'crash'],
      [55, 'crash'],
      [57, 'crash'],
      [52, 'crash'],
      [51, 'ride'],
      [59, 'ride'],
      [53, 'ride'],
    ];
    for (const [pitch, name] of table) expect(DRUM_CLASSES[drumClassOfPitch(pitch)!], `pitch ${pitch}`).toBe(name);
  });

  it('plays each class on a General MIDI pitch that maps back to it', () => {
    DRUM_CLASSES.forEach((_, c) => expect(drumClassOfPitch(gmPitchOfClass(c))).toBe(c));
    expect(CLASS_TO_GM_PITCH).toEqual([36, 38, 42, 46, 43, 47, 50, 49, 51]);
  });

  it('leaves non-drum pitches unmapped and rejects bad classes', () => {
    expect(drumClassOfPitch(60)).toBeUndefined();
    expect(() => gmPitchOfClass(9)).toThrow(/0..8/);
  });
});
