import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkProgressionMeter, keyName, parseChordProgression, parseKey, progressionText } from '../../src/music/chords';
import type { ModelMeter } from '../../src/models/spec';
import { chordSymbol, drawProgression, progressionTable } from '../../src/models/melody/progression';
import { STYLE_KEYS } from '../../src/models/melody/request';
import type { MelodyStyle } from '../../src/models/melody/spec';
import type { MelodyModelJson, Progression } from '../../src/models/melody/weights';
import { MODELS_DIR } from '../models/artifacts';

/** Bars of a drawn progression before it repeats (the A A B A form of 4-bar progressions). */
export const DRAWN_BARS = 16;

/**
 * The key and chords every harmonic part of a live session plays over, bar by bar from the song's
 * first bar: as the musician gave them (chords repeated to the length), else the style's usual key
 * and a progression drawn once for the session, so drums, bass and melody share one harmony and a
 * given progression moves on from phrase to phrase (it does not restart with every request).
 */
export interface SessionHarmony {
  /** Key as text ("D major"). */
  key: string;
  /** The chord symbols of every bar (1 to 4 splitting it), repeated from song bar 0; empty = each request lets the model choose. */
  chords: string[][];
  /** Whether the chords were drawn (no chords given). */
  drawn: boolean;
}

export interface HarmonyInput {
  key?: string;
  chords?: string;
  /** The style of the first harmonic part (its usual key, its progressions). */
  style?: string;
  /** Draws the progression (the session's starting seed). */
  seed: number;
  /** `style/mode` -> common progressions (the melody network's model.json); none = no drawing. */
  progressions?: Record<string, Progression[]>;
}

/** Plans the session's harmony; key and chords were checked by the session controller. */
export function planHarmony(h: HarmonyInput): SessionHarmony {
  const key = parseKey(h.key ?? STYLE_KEYS[(h.style ?? 'pop') as MelodyStyle] ?? 'C major');
  if (h.chords) return { key: keyName(key), chords: splitChords(h.chords), drawn: false };
  if (!h.progressions) return { key: keyName(key), chords: [], drawn: false };
  const bars = drawProgression(progressionTable(h.progressions, h.style, key), DRAWN_BARS, `${h.seed}:session:chords`);
  return { key: keyName(key), chords: bars.map((b) => [chordSymbol(b, key.tonic)]), drawn: true };
}

/** The symbols of every bar of a progression as typed ("C G Am F", or with bars "C G/B | Am F"). */
const splitChords = (text: string): string[][] => parseChordProgression(text).map((bar) => bar.map((c) => c.symbol));

/** The chords of song bars [fromBar, fromBar + bars) as progression text (see progressionText), or undefined when none are planned. */
export function chordsFor(h: SessionHarmony, fromBar: number, bars: number): string | undefined {
  if (!h.chords.length) return undefined;
  return progressionText(Array.from({ length: bars }, (_, i) => h.chords[(fromBar + i) % h.chords.length]));
}

/**
 * Checks that chords given by bar split the session's bars evenly by beats (4/4: 1, 2 or 4 a bar; 3/4: 1 or 3; 6/8,
 * two dotted beats: 1 or 2), so a live session refuses them when they are set rather than at every phrase.
 */
export function checkChordsFitMeter(chords: string | undefined, meter: ModelMeter): void {
  if (!chords) return;
  const compound = meter.denominator === 8 && meter.numerator % 3 === 0;
  checkProgressionMeter(parseChordProgression(chords), compound ? meter.numerator / 3 : meter.numerator, `${meter.numerator}/${meter.denominator}`);
}

/** The progression tables of the trained melody network (undefined when it is absent or unreadable). */
export function readProgressions(file = join(MODELS_DIR, 'melody', 'model.json')): Record<string, Progression[]> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as MelodyModelJson).spec.progressions;
  } catch {
    return undefined;
  }
}
