import { nameChord } from '../../music/harmony';
import type { Key } from '../../music/chords';
import { makeRng, sampleIndex } from '../../random';
import type { Progression } from './weights';

/** One bar's chord, relative to the key's tonic: root 0-11 (-1 = no chord) and a 12-bit mask of its tones. */
export interface ChordBar {
  root: number;
  tones: number;
}

/** A chord's symbol from its key-relative root and tones (sharps, as nameChord writes them). */
export function chordSymbol(bar: ChordBar, tonic: number): string {
  if (bar.root < 0) return 'N.C.';
  const root = (bar.root + tonic) % 12;
  const pitches = [60 + root];
  for (let k = 0; k < 12; k++) if (bar.tones & (1 << k)) pitches.push(72 + ((k + tonic) % 12));
  return nameChord(pitches);
}

/** The progression table of a style in a key's mode (major-like or minor-like), pop's when the style has none. */
export function progressionTable(progressions: Record<string, Progression[]>, style: string | undefined, key: Key): Progression[] {
  const mode = key.mode === 'major' || key.mode === 'mixolydian' ? 'major' : 'minor';
  return progressions[`${style ?? 'pop'}/${mode}`] ?? progressions[`pop/${mode}`] ?? [];
}

/**
 * Chords for `bars` bars drawn (seeded by `rngKey`) from a style's common 4-bar progressions in an
 * A A B A form (16 bars, then again); no chord in every bar when the table is empty.
 */
export function drawProgression(table: Progression[], bars: number, rngKey: string): ChordBar[] {
  if (!table.length) return Array.from({ length: bars }, () => ({ root: -1, tones: 0 }));
  const rng = makeRng(rngKey);
  const a =
    table[
      sampleIndex(
        table.map((p) => p.count),
        rng,
      )
    ];
  const b =
    table[
      sampleIndex(
        table.map((p) => p.count),
        rng,
      )
    ];
  const form = [a, a, b, a];
  return Array.from({ length: bars }, (_, i) => {
    const p = form[Math.floor(i / 4) % 4];
    return { root: p.roots[i % 4], tones: p.tones[i % 4] };
  });
}
