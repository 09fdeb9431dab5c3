/**
 * The material of the melody/bass eval: real lines cut into 8-bar segments (validation split for
 * measuring, training split only for the style classifier and the copy check), and for every
 * real validation segment a generated one asked for the same voice, style, key, chords (the
 * chord at each bar's downbeat) and density (the segment's own, normalised as training does).
 */
import type { MelodyTrack } from '../bridge/data/corpus-types';
import { estimateKey } from '../src/music/harmony';
import { NO_CHORD, parseChordSymbol, parseKey, type ChordOrNone } from '../src/music/chords';
import { normaliseDensity } from '../src/conditioning/density';
import { encodeLine, lineDensityRaw, trackKey, trackMeter } from '../src/models/melody/encode';
import { parseMelodyRequest } from '../src/models/melody/request';
import { STEPS_PER_BAR, STYLE_METER, STYLES, type MelodyStyle, type Voice } from '../src/models/melody/spec';
import type { MelodyRnn } from '../src/models/melody/melody-rnn';
import type { MelodyNgram } from '../src/models/baseline/melody-ngram';
import { stepsPerBar, TICKS_PER_STEP } from '../src/time/units';
import { strongSteps, type EvalLine, type NoteTriple } from './melody-metrics';

/** Bars per evaluated segment (the length a user asks for by default). */
export const SEGMENT_BARS = 8;

/** A real segment with what it takes to ask a model for its twin. */
export interface RealSegment extends EvalLine {
  voice: Voice;
  style: MelodyStyle;
  /** The piece it comes from (melody and bass of one tune, or the key sections of one song, share it). */
  piece: string;
  /** Its density, normalised onto the network's range for its voice and style (0..1). */
  density: number;
  /** Its notes per bar (for the n-gram, which has its own range). */
  perBar: number;
  /** The chord actually sounding at each strong step (chords may change within a bar), by step. */
  strongChords: Map<number, ChordOrNone | undefined>;
}

/** The piece a track belongs to: its id without the voice and key-section suffixes. */
export const pieceOf = (id: string): string => id.replace(/\/(melody|bass|soprano)$/, '').replace(/\/k\d+$/, '');

const styleOf = (t: MelodyTrack): MelodyStyle | undefined => ((STYLES as readonly string[]).includes(t.style) ? (t.style as MelodyStyle) : undefined);

/** The chord sounding at `step` (its symbol parsed), or undefined when none is or it does not parse. */
export function chordAt(chords: ReadonlyArray<readonly [number, number, string]> | undefined, step: number): ChordOrNone | undefined {
  const c = chords?.find(([s, d]) => s <= step && step < s + d);
  if (!c) return undefined;
  try {
    return parseChordSymbol(c[2]);
  } catch {
    return undefined; // a corpus label outside the chord vocabulary: as the training encoding, no chord
  }
}

export type DensityRanges = Record<string, { low: number; high: number }>;

/**
 * 8-bar segments of one track: bar-aligned, not overlapping, kept when the voice plays in at
 * least 6 of the 8 bars and has 8 notes (pop songs have long stretches without a melody); none
 * from a track outside the network's styles or in another meter than its style's.
 */
export function segmentsOf(t: MelodyTrack, ranges: DensityRanges | undefined, halfBarChords = false): RealSegment[] {
  const meter = trackMeter(t.meter);
  const style = styleOf(t);
  // A request for a style is played in that style's meter (STYLE_METER), so real lines in
  // another one (POP909's few 3/4 songs) have no twin to compare with.
  if (!meter || !style || meter !== STYLE_METER[style]) return [];
  const spb = STEPS_PER_BAR[meter];
  // Half-bar chords where a bar halves on a beat (4/4: beat 3, 6/8: the second dotted beat); 3/4 keeps one per bar.
  const halfBars = halfBarChords && meter !== '3/4';
  const key = trackKey(t.key, t.notes);
  const range = ranges?.[`${t.role}/${style}`] ?? ranges?.[`${t.role}/any`];
  const enc = encodeLine({ notes: t.notes, chords: t.chords, steps: t.steps, key, meter, voice: t.role, style });
  const raw = lineDensityRaw(enc);
  const len = SEGMENT_BARS * spb;
  const out: RealSegment[] = [];
  for (let bar = 0; (bar + SEGMENT_BARS) * spb <= enc.tokens.length; bar += SEGMENT_BARS) {
    const from = bar * spb;
    const notes: NoteTriple[] = t.notes.filter(([, s]) => s >= from && s < from + len).map(([p, s, d]) => [p, s - from, Math.min(d, from + len - s)] as const);
    const playing = new Set(notes.map(([, s]) => Math.floor(s / spb))).size;
    if (notes.length < 8 || playing < SEGMENT_BARS - 2) continue;
    const dens = raw.slice(bar, bar + SEGMENT_BARS).map((x) => (range ? normaliseDensity(x, range) : 0.5));
    out.push({
      voice: t.role,
      style,
      piece: pieceOf(t.id),
      key,
      meter,
      stepsPerBar: spb,
      steps: len,
      notes,
      barChords: Array.from({ length: SEGMENT_BARS }, (_, b) => chordAt(t.chords, from + b * spb)),
      halfBarChords: halfBars ? Array.from({ length: 2 * SEGMENT_BARS }, (_, h) => chordAt(t.chords, from + (h * spb) / 2)) : undefined,
      density: dens.reduce((a, b) => a + b, 0) / dens.length,
      perBar: notes.length / SEGMENT_BARS,
      strongChords: new Map(
        Array.from({ length: SEGMENT_BARS }, (_, b) => strongSteps(meter).map((k) => [b * spb + k, chordAt(t.chords, from + b * spb + k)] as const)).flat(),
      ),
    });
  }
  return out;
}

/**
 * Segments of a voice's tracks in one split, at most `cap` per style, drawn round-robin over the
 * pieces (every piece gives its first segment before any gives a second) so one long song does
 * not stand for its style.
 */
export function collectSegments(
  tracks: readonly MelodyTrack[],
  voice: Voice,
  split: 'train' | 'validation',
  ranges: DensityRanges | undefined,
  cap: number,
  halfBarChords = false,
): RealSegment[] {
  const perStyle = new Map<MelodyStyle, RealSegment[][]>();
  for (const t of tracks) {
    if (t.role !== voice || t.split !== split) continue;
    const segs = segmentsOf(t, ranges, halfBarChords);
    if (!segs.length) continue;
    const list = perStyle.get(segs[0].style) ?? [];
    list.push(segs);
    perStyle.set(segs[0].style, list);
  }
  const out: RealSegment[] = [];
  for (const style of STYLES) {
    const lists = perStyle.get(style) ?? [];
    const picked: RealSegment[] = [];
    for (let round = 0; picked.length < cap && lists.some((l) => l.length > round); round++) {
      for (const l of lists) if (l[round] && picked.length < cap) picked.push(l[round]);
    }
    out.push(...picked);
  }
  return out;
}

/**
 * The network's twin of a real segment: same voice, style, key, chords (N.C. where none; one per bar, or two with the
 * segment's halfBarChords) and density.
 */
export function generateTwin(net: MelodyRnn, real: RealSegment, seed: number, temperature = 1): EvalLine {
  const half = real.halfBarChords;
  const chords = half ? real.barChords.map((_, b) => [half[2 * b] ?? NO_CHORD, half[2 * b + 1] ?? NO_CHORD]) : real.barChords.map((c) => [c ?? NO_CHORD]);
  const req = parseMelodyRequest({
    voice: real.voice,
    style: real.style,
    key: real.key,
    chords,
    density: real.density,
    bars: SEGMENT_BARS,
    temperature,
    seed,
    count: 1,
  });
  const [line] = net.generateSync(req);
  return {
    notes: line.notes,
    key: line.key,
    meter: line.meter,
    stepsPerBar: line.stepsPerBar,
    steps: line.steps,
    barChords: real.barChords,
    halfBarChords: half,
  };
}

/**
 * The n-gram's twin: same style and density (on the n-gram's own range); it takes no key or
 * chords, so its key is estimated from its notes and its chords are unknown.
 */
export function generateNgramTwin(ngram: MelodyNgram, real: RealSegment, seed: number): EvalLine | undefined {
  const st = ngram.model.styles[real.style];
  if (!st || stepsPerBar(st.meter) !== real.stepsPerBar) return undefined;
  const density = normaliseDensity(real.perBar, st.density);
  const [seq] = ngram.generate({ style: real.style, density, bars: SEGMENT_BARS, temperature: 1, seed, count: 1 });
  const notes: NoteTriple[] = seq.notes.map(
    (n) => [n.pitch, Math.round(n.startTicks / TICKS_PER_STEP), Math.max(1, Math.round(n.durationTicks / TICKS_PER_STEP))] as const,
  );
  const key = parseKey(estimateKey(notes.map(([p, , d]) => ({ pitch: p, duration: d }))));
  return { notes, key, meter: real.meter, stepsPerBar: real.stepsPerBar, steps: real.steps, barChords: real.barChords.map(() => undefined) };
}

/** Every training line of a voice as an EvalLine (whole tune), for the copy check. */
export function trainingLines(tracks: readonly MelodyTrack[], voice: Voice): EvalLine[] {
  const out: EvalLine[] = [];
  for (const t of tracks) {
    if (t.role !== voice || t.split !== 'train') continue;
    const meter = trackMeter(t.meter);
    if (!meter) continue;
    const spb = STEPS_PER_BAR[meter];
    out.push({ notes: t.notes, key: trackKey(t.key, t.notes), meter, stepsPerBar: spb, steps: Math.ceil(t.steps / spb) * spb, barChords: [] });
  }
  return out;
}
