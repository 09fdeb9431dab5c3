import type { Sequence } from '../../music/sequence';
import { TICKS_PER_STEP, ticksPerBar } from '../../time/units';

const NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];
const noteName = (p: number) => `${NAMES[p % 12]}${Math.floor(p / 12) - 1}`;

/**
 * A text piano roll of a line's first bars: one row per pitch it plays (highest on top), one
 * column per 16th, `o` where a note begins and `-` while it sounds, `|` at bar lines, and the
 * chord markers of each bar above. For the CLI, like the drum grid.
 */
export function linePicture(seq: Sequence, bars = 2): string {
  const meter = seq.meters[0]?.meter ?? { numerator: 4, denominator: 4 };
  const spb = ticksPerBar(meter) / TICKS_PER_STEP;
  const steps = spb * bars;
  const notes = seq.notes.filter((n) => n.startTicks < steps * TICKS_PER_STEP);
  if (notes.length === 0) return '(no notes in the first bars)';
  const pitches = [...new Set(notes.map((n) => n.pitch))].sort((a, b) => b - a);
  const width = Math.max(...pitches.map((p) => noteName(p).length));
  const col = (s: number) => s + Math.floor(s / spb) + 1; // a bar line before each bar
  const len = col(steps);
  const rows = pitches.map((p) => {
    const row: string[] = Array.from({ length: len }, (_, i) => (i % (spb + 1) === 0 ? '|' : '.'));
    for (const n of notes.filter((x) => x.pitch === p)) {
      const s = Math.round(n.startTicks / TICKS_PER_STEP);
      const e = Math.min(steps, s + Math.max(1, Math.round(n.durationTicks / TICKS_PER_STEP)));
      row[col(s)] = 'o';
      for (let k = s + 1; k < e; k++) row[col(k)] = '-';
    }
    return `${noteName(p).padEnd(width)} ${row.join('')}`;
  });
  const chords = Array.from({ length: len + 1 }, () => ' ');
  for (const m of seq.markers ?? []) {
    // At the marker's step: a chord change within a bar is drawn where it sounds.
    const step = Math.round(m.ticks / TICKS_PER_STEP);
    if (step >= bars * spb || m.text.startsWith('key ')) continue;
    [...m.text.slice(0, spb)].forEach((ch, i) => (chords[col(step) + i] = ch));
  }
  const head = chords.join('').trimEnd();
  return [head ? `${' '.repeat(width)} ${head}` : '', ...rows].filter((l) => l !== '').join('\n');
}
