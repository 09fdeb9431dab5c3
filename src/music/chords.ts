import { InvalidValueError } from '../errors';

/**
 * Chord symbols and keys as musicians write them, parsed into pitch classes.
 *
 * Accepted chord syntax (one symbol): a root `A`-`G` with `#` or `b`, a quality, an optional
 * slash bass. Qualities: `` (major), `m`/`min`/`-`, `7`, `maj7`/`M7`, `m7`/`min7`, `dim`/`o`,
 * `dim7`/`o7`, `m7b5`/`ø`, `aug`/`+`, `sus2`, `sus4`/`sus`, `6`, `m6`, `9`, `m9`, `maj9`, `add9`,
 * `7sus4`, `mMaj7`. `N.C.` (or `N`, `NC`) is no chord. The corpus forms POP909 writes
 * (`B:maj7`, `A:min7/b7`, `G:sus4(b7)`, `C:maj/3`) parse too, so training data and user input
 * meet in one representation.
 */

/** Pitch-class names with sharps (0 = C). */
export const SHARP_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'] as const;
/** Pitch-class names as usually spelled in keys (flats for the black keys). */
export const KEY_NAMES = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'] as const;

/** A chord: root and bass pitch class (0 = C), every pitch class that sounds, the symbol given. */
export interface Chord {
  symbol: string;
  root: number;
  bass: number;
  /** Sorted pitch classes 0..11 (root included). */
  pitchClasses: number[];
}

/** A chord, or no chord (`N.C.`). */
export type ChordOrNone = Chord | { symbol: 'N.C.'; root: -1; bass: -1; pitchClasses: [] };

export const NO_CHORD: ChordOrNone = Object.freeze({ symbol: 'N.C.', root: -1, bass: -1, pitchClasses: [] as [] }) as ChordOrNone;

/** Intervals (semitones above the root) of each quality, by every spelling accepted. */
const QUALITIES: Array<[string[], number[]]> = [
  [
    ['', 'maj', 'M'],
    [0, 4, 7],
  ],
  [
    ['m', 'min', '-'],
    [0, 3, 7],
  ],
  [
    ['7', 'dom7'],
    [0, 4, 7, 10],
  ],
  [
    ['maj7', 'M7', 'Δ', 'Δ7'],
    [0, 4, 7, 11],
  ],
  [
    ['m7', 'min7', '-7'],
    [0, 3, 7, 10],
  ],
  [
    ['dim', 'o', '°'],
    [0, 3, 6],
  ],
  [
    ['dim7', 'o7', '°7'],
    [0, 3, 6, 9],
  ],
  [
    ['m7b5', 'hdim7', 'hdim', 'ø', 'ø7', 'min7b5'],
    [0, 3, 6, 10],
  ],
  [
    ['aug', '+'],
    [0, 4, 8],
  ],
  [['sus2'], [0, 2, 7]],
  [
    ['sus4', 'sus'],
    [0, 5, 7],
  ],
  [
    ['7sus4', 'sus4(b7)', '7sus'],
    [0, 5, 7, 10],
  ],
  [
    ['6', 'maj6'],
    [0, 4, 7, 9],
  ],
  [
    ['m6', 'min6'],
    [0, 3, 7, 9],
  ],
  [
    ['9', '7(9)'],
    [0, 2, 4, 7, 10],
  ],
  [
    ['m9', 'min9'],
    [0, 2, 3, 7, 10],
  ],
  [['maj9'], [0, 2, 4, 7, 11]],
  [
    ['add9', 'maj(9)', '(9)'],
    [0, 2, 4, 7],
  ],
  [
    ['mMaj7', 'minmaj7', 'mM7', 'm(maj7)'],
    [0, 3, 7, 11],
  ],
  [['5'], [0, 7]],
];
const QUALITY = new Map<string, number[]>();
for (const [names, iv] of QUALITIES) for (const n of names) QUALITY.set(n, iv);

const LETTER: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/** `C`, `F#`, `Bb`, `Ebb`... to a pitch class, or undefined. */
export function pitchClassOf(name: string): number | undefined {
  const m = /^([A-Ga-g])((?:#|b|♯|♭){0,2})$/.exec(name.trim());
  if (!m) return undefined;
  let pc = LETTER[m[1].toUpperCase()];
  for (const acc of m[2]) pc += acc === '#' || acc === '♯' ? 1 : -1;
  return ((pc % 12) + 12) % 12;
}

/** Scale degrees as POP909 writes slash basses (`/3`, `/b7`, `/5`) to semitones above the root. */
const DEGREE: Record<string, number> = { '1': 0, '2': 2, '3': 4, '4': 5, '5': 7, '6': 9, '7': 11, '9': 2 };
function degreeSemitones(d: string): number | undefined {
  const m = /^(b|#)?(\d)$/.exec(d);
  if (!m || DEGREE[m[2]] === undefined) return undefined;
  return DEGREE[m[2]] + (m[1] === 'b' ? -1 : m[1] === '#' ? 1 : 0);
}

export const CHORD_SYNTAX = 'a chord symbol such as C, Am, F#m7, Bbmaj7, G7, Bdim, Esus4, C/E or N.C.';

/** Parses one chord symbol; throws InvalidValueError naming it and the accepted syntax. */
export function parseChordSymbol(symbol: string, field = 'chord'): ChordOrNone {
  const s = symbol.trim();
  if (/^(n\.?c\.?|n)$/i.test(s)) return NO_CHORD;
  // Root: a letter and up to two accidentals; POP909 separates the quality with a colon.
  const m = /^([A-G](?:#|b|♯|♭){0,2})(:?)(.*)$/.exec(s);
  if (!m) throw new InvalidValueError(field, symbol, CHORD_SYNTAX);
  const root = pitchClassOf(m[1])!;
  let rest = m[3];
  let bass = root;
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    const b = rest.slice(slash + 1);
    rest = rest.slice(0, slash);
    const asName = pitchClassOf(b);
    const asDegree = degreeSemitones(b);
    if (asName !== undefined) bass = asName;
    else if (asDegree !== undefined) bass = (root + asDegree + 12) % 12;
    else throw new InvalidValueError(field, symbol, CHORD_SYNTAX);
  }
  const iv = QUALITY.get(rest);
  if (!iv) throw new InvalidValueError(field, symbol, CHORD_SYNTAX);
  const pcs = new Set(iv.map((i) => (root + i) % 12));
  pcs.add(bass);
  return { symbol: s, root, bass, pitchClasses: [...pcs].sort((a, b) => a - b) };
}

/** Most bars one progression may hold (a progression repeats to the length). */
export const MAX_PROGRESSION = 64;

/** Chords a bar may be split into, whatever the meter (each meter allows those that divide its beats; see chordsPerBarAllowed). */
const MAX_CHORDS_PER_BAR = 4;

/** The progression syntax, in words (for errors and help). */
export const PROGRESSION_SYNTAX =
  'one chord symbol per bar ("C G Am F"), or bars separated by | with 1, 2 or 4 chords splitting a 4/4 bar evenly ("| C G/B | Am F |"; 3/4: 1 or 3, 6/8: 1 or 2)';

/**
 * One bar of a progression: 1 to 4 chords splitting it evenly (one chord per beat group: in 4/4 two chords
 * sound two beats each, four one beat each).
 */
export type ProgressionBar = readonly ChordOrNone[];

/**
 * Parses a progression into bars. Without `|`: one chord per bar, symbols separated by spaces or commas
 * (`C G Am F`). With `|`: bars separated by `|` (a leading and trailing `|` are allowed, as lead sheets write
 * them: `| C G/B | Am F |`), each bar 1 to 4 symbols that split it evenly (whether the count fits the
 * meter is checked where the meter is known: chordsPerBarAllowed). Throws InvalidValueError naming the value.
 */
export function parseChordProgression(text: string, field = 'chords'): ProgressionBar[] {
  let bars: string[][];
  if (text.includes('|')) {
    const cells = text.split('|');
    if (cells.length > 1 && cells[0].trim() === '') cells.shift();
    if (cells.length > 1 && cells[cells.length - 1].trim() === '') cells.pop();
    bars = cells.map((c) => c.split(/[\s,]+/).filter((x) => x !== ''));
    const empty = bars.findIndex((b) => b.length === 0);
    if (empty >= 0) throw new InvalidValueError(field, text, `bars of 1 to ${MAX_CHORDS_PER_BAR} chords (bar ${empty + 1} is empty): ${PROGRESSION_SYNTAX}`);
    const crowded = bars.findIndex((b) => b.length > MAX_CHORDS_PER_BAR);
    if (crowded >= 0)
      throw new InvalidValueError(
        field,
        `bar ${crowded + 1}: ${bars[crowded].join(' ')}`,
        `at most ${MAX_CHORDS_PER_BAR} chords in a bar: ${PROGRESSION_SYNTAX}`,
      );
  } else
    bars = text
      .split(/[\s,]+/)
      .filter((x) => x !== '')
      .map((sym) => [sym]);
  if (bars.length === 0) throw new InvalidValueError(field, text, `${PROGRESSION_SYNTAX} (${CHORD_SYNTAX})`);
  if (bars.length > MAX_PROGRESSION)
    throw new InvalidValueError(field, `${bars.length} bars`, `at most ${MAX_PROGRESSION} bars of chords (repeated to the length)`);
  return bars.map((b) => b.map((sym) => parseChordSymbol(sym, field)));
}

/** Chords per bar a meter allows: counts that divide its beats (4/4: 1, 2, 4; 3/4: 1, 3; 6/8, two dotted beats: 1, 2). */
export function chordsPerBarAllowed(beatsPerBar: number): number[] {
  return Array.from({ length: MAX_CHORDS_PER_BAR }, (_, i) => i + 1).filter((n) => beatsPerBar % n === 0);
}

/** Checks that every bar's chord count fits a meter of `beatsPerBar` beats (`meter` names it in the error). */
export function checkProgressionMeter(bars: readonly ProgressionBar[], beatsPerBar: number, meter: string, field = 'chords'): void {
  const ok = chordsPerBarAllowed(beatsPerBar);
  const bad = bars.findIndex((b) => !ok.includes(b.length));
  if (bad >= 0)
    throw new InvalidValueError(
      field,
      `bar ${bad + 1}: ${bars[bad].map((c) => c.symbol).join(' ')}`,
      `${ok.length > 1 ? `${ok.slice(0, -1).join(', ')} or ${ok[ok.length - 1]}` : ok[0]} chords splitting a ${meter} bar evenly (bars separated by |, e.g. "| C G/B | Am F |")`,
    );
}

/** A progression written back: one symbol per bar (`C G Am F`) when every bar has one chord, else bars with `|` (`C G | Am F`). */
export function progressionText(bars: ReadonlyArray<readonly string[]>): string {
  return bars.every((b) => b.length === 1) ? bars.map((b) => b[0]).join(' ') : bars.map((b) => b.join(' ')).join(' | ');
}

/** The chords of bar `bar` when a progression repeats to the length. */
export const chordsOfBar = (progression: readonly ProgressionBar[], bar: number): ProgressionBar => progression[bar % progression.length];

/** The chord sounding at step `step` of a bar of `stepsPerBar` steps (a bar's chords split it evenly). */
export const chordAtStepOfBar = <T>(bar: readonly T[], step: number, stepsPerBar: number): T =>
  bar[Math.min(bar.length - 1, Math.floor((step * bar.length) / stepsPerBar))];

export const MODES = ['major', 'minor', 'dorian', 'mixolydian'] as const;
export type Mode = (typeof MODES)[number];

/** A key: tonic pitch class and mode. */
export interface Key {
  tonic: number;
  mode: Mode;
}

/** Semitones of each mode's scale above its tonic. */
export const MODE_SCALES: Record<Mode, readonly number[]> = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  mixolydian: [0, 2, 4, 5, 7, 9, 10],
};

const MODE_NAMES: Record<string, Mode> = {
  '': 'major',
  maj: 'major',
  major: 'major',
  ionian: 'major',
  m: 'minor',
  min: 'minor',
  minor: 'minor',
  aeolian: 'minor',
  aeo: 'minor',
  dor: 'dorian',
  dorian: 'dorian',
  mix: 'mixolydian',
  mixolydian: 'mixolydian',
};

export const KEY_SYNTAX = 'a key such as "D major", "A minor", "Em", "F# dorian" or "G mixolydian"';

/** Parses a key (`D major`, `Am`, `F# dorian`, `Bb:maj`, `E:min`); throws naming it and the syntax. */
export function parseKey(text: string, field = 'key'): Key {
  const m = /^\s*([A-Ga-g](?:#|b|♯|♭)?)\s*:?\s*([A-Za-z]*)\s*$/.exec(text);
  const tonic = m ? pitchClassOf(m[1]) : undefined;
  const mode = m ? (MODE_NAMES[m[2].toLowerCase()] ?? (m[2] === 'm' ? 'minor' : undefined)) : undefined;
  if (tonic === undefined || mode === undefined) throw new InvalidValueError(field, text, KEY_SYNTAX);
  return { tonic, mode };
}

/** `D major`, `F# minor`: the name a key is written back with. */
export function keyName(key: Key): string {
  return `${KEY_NAMES[key.tonic]} ${key.mode}`;
}

/** Whether pitch class `pc` is in the key's scale. */
export function inKey(pc: number, key: Key): boolean {
  return MODE_SCALES[key.mode].includes((((pc - key.tonic) % 12) + 12) % 12);
}

/** Relative major tonic of a key (the scale's C-major-like degree), for the key signature. */
const RELATIVE_MAJOR: Record<Mode, number> = { major: 0, minor: 3, dorian: -2, mixolydian: 5 };

/** The key signature of a key: sharps (> 0) or flats (< 0) of its relative major, minor flag. */
export function keySignature(key: Key): { sharps: number; minor: boolean } {
  const major = (((key.tonic + RELATIVE_MAJOR[key.mode]) % 12) + 12) % 12;
  const sf = (major * 7) % 12;
  return { sharps: sf > 6 ? sf - 12 : sf, minor: key.mode === 'minor' };
}
