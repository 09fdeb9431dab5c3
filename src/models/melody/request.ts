import { InvalidValueError } from '../../errors';
import { parseChordProgression, parseKey, type ChordOrNone, type Key, type ProgressionBar } from '../../music/chords';
import { CONTROLS, checkNumber, type ControlName } from '../controls';
import { STYLES, VOICES, type MelodyStyle, type Voice } from './spec';

/** What a caller asks the melody/bass network for. Plain data: it crosses into the Chromium page as is. */
export interface MelodyRequest {
  voice: Voice;
  /** undefined = any style (the network's style input left empty). */
  style?: MelodyStyle;
  /** undefined = the style's usual key (STYLE_KEYS). */
  key?: Key;
  /**
   * The chords of every bar (1 to 4 splitting it evenly; the count must divide the meter's beats), repeated to the
   * length; undefined = a progression drawn from the style's common ones.
   */
  chords?: ProgressionBar[];
  /** 0 = sparsest, 1 = busiest (mapped onto the voice and style's notes-per-bar range). */
  density: number;
  /** Length in bars (primer bars included). */
  bars: number;
  temperature: number;
  seed: number;
  count: number;
  /** A line to continue: [absolute pitch, start step, duration steps], and its length in steps (whole bars are kept). */
  primer?: { notes: Array<[number, number, number]>; steps: number };
}

/** The key each style is most often in (Nottingham's ABC headers, POP909's key labels, JSB estimated). */
export const STYLE_KEYS: Record<MelodyStyle, string> = {
  reel: 'D major',
  jig: 'D major',
  hornpipe: 'G major',
  waltz: 'G major',
  pop: 'C major',
  chorale: 'G major',
};

/** Checks a melody/bass request from outside; key and chords may be given as text. */
export function parseMelodyRequest(r: Record<string, unknown>): MelodyRequest {
  // Ranges and defaults from the one control table.
  const num = (name: ControlName): number => {
    const c = CONTROLS[name];
    return r[name] === undefined && c.kind === 'number' ? c.default : checkNumber(name, r[name]);
  };
  const voice = String(r.voice ?? 'melody');
  if (!(VOICES as readonly string[]).includes(voice)) throw new InvalidValueError('voice', r.voice, VOICES.join(' or '));
  let style: MelodyStyle | undefined;
  if (r.style !== undefined && r.style !== 'any') {
    const s = String(r.style).toLowerCase();
    if (!(STYLES as readonly string[]).includes(s)) throw new InvalidValueError('style', r.style, `one of ${STYLES.join(', ')} (or any)`);
    style = s as MelodyStyle;
  }
  const key = r.key === undefined ? undefined : typeof r.key === 'string' ? parseKey(r.key) : (r.key as Key);
  // Text is parsed; parsed bars pass as they are (a bare chord in place of a bar is a bar of one chord).
  const chords =
    r.chords === undefined
      ? undefined
      : typeof r.chords === 'string'
        ? parseChordProgression(r.chords)
        : (r.chords as Array<ChordOrNone | ProgressionBar>).map((bar): ProgressionBar => (Array.isArray(bar) ? bar : [bar as ChordOrNone]));
  return {
    voice: voice as Voice,
    style,
    key,
    chords,
    density: num('density'),
    bars: num('bars'),
    temperature: num('temperature'),
    seed: num('seed'),
    count: num('count'),
    primer: r.primer as MelodyRequest['primer'],
  };
}
