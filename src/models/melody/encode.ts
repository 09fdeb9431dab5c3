import { estimateKey } from '../../music/harmony';
import { MODES, parseChordSymbol, parseKey, type ChordOrNone, type Key, type Mode } from '../../music/chords';
import { InvalidValueError } from '../../errors';
import type { Meter } from '../../time/units';
import {
  MAX_STEPS_PER_BAR,
  MELODY_DENSITY_WINDOW_BARS,
  MELODY_INPUT,
  METERS,
  PITCHES,
  STEPS_PER_BAR,
  STYLES,
  TOKEN_HOLD,
  TOKEN_OFF,
  VOICES,
  keyShift,
  pitchOfToken,
  tokenOfPitch,
  type MelodyMeter,
  type MelodyStyle,
  type Voice,
} from './spec';

/**
 * Lines <-> the network's steps. A line (monophonic notes on the 16th grid) becomes one token per
 * step, key-relative, with the chord sounding at each step; and back.
 */

/** A line ready for the network: one token and one chord per 16th step. */
export interface EncodedLine {
  voice: Voice;
  style?: MelodyStyle;
  meter: MelodyMeter;
  mode: Mode;
  /** Key tonic pitch class; pitches in `tokens` are moved by keyShift(tonic). */
  tonic: number;
  tokens: number[];
  /** Chord root relative to the tonic per step (-1 = no chord). */
  chordRoot: number[];
  /** Chord pitch classes relative to the tonic per step (12-bit mask). */
  chordTones: number[];
}

/** The meter a line is played in, or undefined when the network does not play it (2/4 and 2/2 read as 4/4). */
export function trackMeter(m: Meter): MelodyMeter | undefined {
  const s = `${m.numerator}/${m.denominator}`;
  if (s === '4/4' || s === '2/4' || s === '2/2') return '4/4';
  if (s === '3/4' || s === '6/8') return s;
  return undefined;
}

const NEAREST_MODE: Record<string, Mode> = { phrygian: 'minor', locrian: 'minor', lydian: 'major' };

/** A corpus key label (`G major`, `A dorian`, `E phrygian`) to a Key; estimated from the notes when unreadable. */
export function trackKey(label: string, notes: ReadonlyArray<[number, number, number]>): Key {
  const m = /^(\S+)\s+(\w+)$/.exec(label.trim());
  if (m && NEAREST_MODE[m[2]]) return parseKey(`${m[1]} ${NEAREST_MODE[m[2]]}`);
  try {
    return parseKey(label);
  } catch (err) {
    if (!(err instanceof InvalidValueError)) throw err;
    return parseKey(estimateKey(notes.map(([p, , d]) => ({ pitch: p, duration: d }))));
  }
}

/** Chord pitch classes relative to `tonic` as a 12-bit mask. */
export const toneMask = (chord: ChordOrNone, tonic: number): number => chord.pitchClasses.reduce((m, pc) => m | (1 << ((pc - tonic + 12) % 12)), 0);

/** Encodes a corpus or user line. Steps are padded to whole bars. Unreadable chord labels count as no chord. */
export function encodeLine(line: {
  notes: ReadonlyArray<[number, number, number]>;
  chords?: ReadonlyArray<[number, number, string]>;
  steps: number;
  key: Key;
  meter: MelodyMeter;
  voice: Voice;
  style?: MelodyStyle;
}): EncodedLine {
  const spb = STEPS_PER_BAR[line.meter];
  const steps = Math.max(spb, Math.ceil(Math.max(line.steps, ...line.notes.map(([, s, d]) => s + d)) / spb) * spb);
  const shift = keyShift(line.key.tonic);
  const tokens = new Array<number>(steps).fill(TOKEN_HOLD);
  const starts = new Set(line.notes.map(([, s]) => s));
  for (const [p, s, d] of line.notes) {
    if (s < 0 || s >= steps) continue;
    tokens[s] = tokenOfPitch(p - shift);
    const end = s + d;
    if (end < steps && !starts.has(end)) tokens[end] = TOKEN_OFF;
  }
  const chordRoot = new Array<number>(steps).fill(-1);
  const chordTones = new Array<number>(steps).fill(0);
  for (const [s, d, sym] of line.chords ?? []) {
    let c: ChordOrNone;
    try {
      c = parseChordSymbol(sym);
    } catch {
      continue; // a corpus label outside the chord vocabulary: the step stays "no chord"
    }
    if (c.root < 0) continue;
    for (let k = Math.max(0, s); k < Math.min(steps, s + d); k++) {
      chordRoot[k] = (c.root - line.key.tonic + 12) % 12;
      chordTones[k] = toneMask(c, line.key.tonic);
    }
  }
  return { voice: line.voice, style: line.style, meter: line.meter, mode: line.key.mode, tonic: line.key.tonic, tokens, chordRoot, chordTones };
}

/** Notes begun in each bar. */
export function notesPerBar(tokens: readonly number[], stepsPerBar: number): number[] {
  const out = new Array<number>(Math.ceil(tokens.length / stepsPerBar)).fill(0);
  tokens.forEach((t, i) => {
    if (t >= 2) out[Math.floor(i / stepsPerBar)]++;
  });
  return out;
}

/** Running-average notes per bar (this bar and the one before): the density the network is trained with, before normalising. */
export function lineDensityRaw(e: EncodedLine): number[] {
  const per = notesPerBar(e.tokens, STEPS_PER_BAR[e.meter]);
  return per.map((_, i) => {
    const from = Math.max(0, i - MELODY_DENSITY_WINDOW_BARS + 1);
    const w = per.slice(from, i + 1);
    return w.reduce((a, b) => a + b, 0) / w.length;
  });
}

/** Keys (`root:mask;root:mask;...`) of every bar-aligned progression of `bars` bars, chord taken at each downbeat. */
export function progressionOf(e: EncodedLine, bars: number): string[] {
  const spb = STEPS_PER_BAR[e.meter];
  const perBar: string[] = [];
  for (let s = 0; s < e.tokens.length; s += spb) perBar.push(e.chordRoot[s] < 0 ? '' : `${e.chordRoot[s]}:${e.chordTones[s]}`);
  const out: string[] = [];
  for (let b = 0; b + bars <= perBar.length; b += bars) {
    const w = perBar.slice(b, b + bars);
    if (w.every((x) => x !== '')) out.push(w.join(';'));
  }
  return out;
}

/** Everything the network sees at a step besides the previous token and last pitch. */
export interface StepContext {
  position: number;
  meter: MelodyMeter;
  chordRoot: number;
  chordTones: number;
  mode: Mode;
  style?: MelodyStyle;
  voice: Voice;
  density: number;
}

/** Writes the input vector of one step into `out` (length MELODY_INPUT.size), zeroing it first. */
export function fillStepInput(out: Float32Array, prevToken: number, lastPitchIndex: number, c: StepContext): Float32Array {
  out.fill(0);
  const I = MELODY_INPUT;
  out[I.prevToken + prevToken] = 1;
  if (lastPitchIndex >= 0) out[I.lastPitch + Math.min(PITCHES - 1, lastPitchIndex)] = 1;
  out[I.position + (c.position % MAX_STEPS_PER_BAR)] = 1;
  out[I.meter + METERS.indexOf(c.meter)] = 1;
  if (c.chordRoot >= 0) {
    out[I.chordRoot + c.chordRoot] = 1;
    for (let k = 0; k < 12; k++) if (c.chordTones & (1 << k)) out[I.chordTones + k] = 1;
  } else out[I.noChord] = 1;
  out[I.mode + MODES.indexOf(c.mode)] = 1;
  if (c.style) out[I.style + STYLES.indexOf(c.style)] = 1;
  out[I.voice + VOICES.indexOf(c.voice)] = 1;
  out[I.density] = c.density;
  return out;
}

/** Tokens back to notes: [absolute pitch, startStep, durationSteps], moved back into the key. */
export function decodeTokens(tokens: readonly number[], tonic: number): Array<[number, number, number]> {
  const shift = keyShift(tonic);
  const out: Array<[number, number, number]> = [];
  let cur: [number, number, number] | undefined;
  tokens.forEach((t, i) => {
    if (t === TOKEN_HOLD) return;
    if (cur) {
      cur[2] = i - cur[1];
      out.push(cur);
      cur = undefined;
    }
    if (t >= 2) cur = [pitchOfToken(t) + shift, i, 0];
  });
  if (cur) {
    cur[2] = tokens.length - cur[1];
    out.push(cur);
  }
  return out;
}
