/**
 * Turns the melody/bass corpus (built by `tandem data build`) into the arrays the trainer reads
 * (.cache/melody-train.json): per line its key-relative tokens, the chord at every step, density
 * per bar, style, mode, meter and voice, plus what generation needs from the data (density ranges,
 * voice ranges, each style's common chord progressions). The representation is defined in
 * src/models/melody/spec.ts and src/models/melody/encode.ts, nowhere else.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../bridge/fs/atomic-write';
import { buildAll } from '../../bridge/data/build';
import type { MelodyCorpus, MelodyTrack } from '../../bridge/data/corpus-types';
import { cacheDir } from '../../bridge/data/paths';
import { quantile } from '../../src/conditioning/density';
import { MODES } from '../../src/music/chords';
import { encodeLine, lineDensityRaw, progressionOf, trackKey, trackMeter, type EncodedLine } from '../../src/models/melody/encode';
import {
  MELODY_DENSITY_PERCENTILES,
  MELODY_DENSITY_WINDOW_BARS,
  MELODY_INPUT,
  METERS,
  PITCH_HIGH,
  PITCH_LOW,
  STYLES,
  VOCAB,
  VOICES,
  type MelodyStyle,
  type Voice,
} from '../../src/models/melody/spec';

export function loadMelodyCorpus(cache = cacheDir()): MelodyCorpus {
  const file = join(cache, 'melody.json');
  if (!existsSync(file)) buildAll({ cache, only: ['melody'] });
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as MelodyCorpus;
  } catch {
    // A cache file cut short or overwritten is rebuilt from the datasets, not trusted.
    buildAll({ cache, only: ['melody'] });
    return JSON.parse(readFileSync(file, 'utf8')) as MelodyCorpus;
  }
}

const styleOf = (t: MelodyTrack): MelodyStyle | undefined => ((STYLES as readonly string[]).includes(t.style) ? (t.style as MelodyStyle) : undefined);
const rangeKey = (voice: Voice, style: MelodyStyle | undefined) => `${voice}/${style ?? 'any'}`;

export interface PreparedMelody {
  lines: Array<EncodedLine & { id: string; split: string; density: number[] }>;
  densityRanges: Record<string, { low: number; high: number }>;
  voiceRanges: Record<string, [number, number]>;
  /** `voice/style` -> absolute MIDI pitch range of the training lines (0.2nd-99.8th percentile): the voice's register. */
  registerRanges: Record<string, [number, number]>;
  progressions: Record<string, Array<{ roots: number[]; tones: number[]; count: number }>>;
  /** `voice/style` -> the intervals (semitones from one note begun to the next) the training lines play; see MelodyRnn.intervalPrior. */
  intervals: Record<string, number[]>;
  skipped: Record<string, number>;
}

/** An interval is kept in `intervals` when at least this share of a voice and style's training intervals are it. */
export const INTERVAL_MIN_SHARE = 0.0005;

export function prepareMelodyData(corpus: MelodyCorpus): PreparedMelody {
  const skipped: Record<string, number> = {};
  const encoded: Array<{ t: MelodyTrack; e: EncodedLine }> = [];
  for (const t of corpus.tracks) {
    const meter = trackMeter(t.meter);
    if (!meter) {
      skipped[`meter ${t.meter.numerator}/${t.meter.denominator}`] = (skipped[`meter ${t.meter.numerator}/${t.meter.denominator}`] ?? 0) + 1;
      continue;
    }
    const e = encodeLine({ notes: t.notes, chords: t.chords, steps: t.steps, key: trackKey(t.key, t.notes), meter, voice: t.role, style: styleOf(t) });
    encoded.push({ t, e });
  }
  // Density ranges per voice and style, from the training split only.
  const raw = new Map<string, number[]>();
  const pitches = new Map<string, number[]>();
  const absolute = new Map<string, number[]>();
  const steps = new Map<string, Map<number, number>>();
  for (const { t, e } of encoded) {
    if (t.split !== 'train') continue;
    let prev = -1;
    for (const tok of e.tokens) {
      if (tok < 2) continue;
      if (prev >= 0)
        for (const k of [rangeKey(e.voice, e.style), rangeKey(e.voice, undefined)]) {
          const m = steps.get(k) ?? new Map<number, number>();
          m.set(tok - prev, (m.get(tok - prev) ?? 0) + 1);
          steps.set(k, m);
        }
      prev = tok;
    }
    const dens = lineDensityRaw(e);
    for (const k of [rangeKey(e.voice, e.style), rangeKey(e.voice, undefined)]) {
      const ds = raw.get(k) ?? [];
      for (const d of dens) ds.push(d);
      raw.set(k, ds);
      const ps = pitches.get(k) ?? [];
      for (const tok of e.tokens) if (tok >= 2) ps.push(tok - 2 + PITCH_LOW);
      pitches.set(k, ps);
      const as = absolute.get(k) ?? [];
      for (const [p] of t.notes) as.push(p);
      absolute.set(k, as);
    }
  }
  const densityRanges: PreparedMelody['densityRanges'] = {};
  const voiceRanges: PreparedMelody['voiceRanges'] = {};
  // Over bars where the line plays (pop songs open with bars of accompaniment alone): density 0
  // is the sparsest playing, not silence.
  for (const [k, v] of raw) {
    const playing = v.filter((x) => x > 0);
    densityRanges[k] = { low: quantile(playing, MELODY_DENSITY_PERCENTILES[0]), high: quantile(playing, MELODY_DENSITY_PERCENTILES[1]) };
  }
  for (const [k, v] of pitches) voiceRanges[k] = [Math.round(quantile(v, 0.002)), Math.round(quantile(v, 0.998))];
  const registerRanges: PreparedMelody['registerRanges'] = {};
  for (const [k, v] of absolute) registerRanges[k] = [Math.round(quantile(v, 0.002)), Math.round(quantile(v, 0.998))];
  const norm = (x: number, r: { low: number; high: number }) => Math.max(0, Math.min(1, (x - r.low) / (r.high - r.low || 1)));
  const lines = encoded.map(({ t, e }) => {
    const r = densityRanges[rangeKey(e.voice, e.style)] ?? densityRanges[rangeKey(e.voice, undefined)];
    return { id: t.id, split: t.split, ...e, density: lineDensityRaw(e).map((d) => norm(d, r)) };
  });
  // Each style's common 4-bar progressions (key-relative), from melody lines with chords.
  const counts = new Map<string, Map<string, number>>();
  for (const { t, e } of encoded) {
    if (t.split !== 'train' || e.voice !== 'melody' || !e.style || !t.chords?.length) continue;
    const k = `${e.style}/${e.mode}`;
    const m = counts.get(k) ?? new Map<string, number>();
    for (const p of progressionOf(e, 4)) m.set(p, (m.get(p) ?? 0) + 1);
    counts.set(k, m);
  }
  const progressions: PreparedMelody['progressions'] = {};
  for (const [k, m] of counts) {
    progressions[k] = [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 24)
      .map(([p, count]) => {
        const bars = p.split(';').map((b) => b.split(':').map(Number));
        return { roots: bars.map((b) => b[0]), tones: bars.map((b) => b[1]), count };
      });
  }
  const intervals: PreparedMelody['intervals'] = {};
  for (const [k, m] of steps) {
    const total = [...m.values()].reduce((a, b) => a + b, 0);
    intervals[k] = [...m.entries()]
      .filter(([, n]) => n >= INTERVAL_MIN_SHARE * total)
      .map(([iv]) => iv)
      .sort((a, b) => a - b);
  }
  return { lines, densityRanges, voiceRanges, registerRanges, progressions, intervals, skipped };
}

export function prepareMelody(cache = cacheDir()): string {
  const data = prepareMelodyData(loadMelodyCorpus(cache));
  const out = join(cache, 'melody-train.json');
  const spec = {
    inputSize: MELODY_INPUT.size,
    input: MELODY_INPUT,
    vocab: VOCAB,
    pitchLow: PITCH_LOW,
    pitchHigh: PITCH_HIGH,
    meters: METERS,
    styles: STYLES,
    voices: VOICES,
    modes: MODES,
    densityWindowBars: MELODY_DENSITY_WINDOW_BARS,
  };
  writeFileAtomic(
    out,
    JSON.stringify({
      spec,
      densityRanges: data.densityRanges,
      voiceRanges: data.voiceRanges,
      registerRanges: data.registerRanges,
      progressions: data.progressions,
      intervals: data.intervals,
      skipped: data.skipped,
      lines: data.lines,
    }),
    { replace: true, mkdir: true },
  );
  return out;
}

/**
 * Writes the registers (`spec.registerRanges`, from the corpus's training split) into an exported model's model.json
 * without touching its weights: how models exported before registers existed gain them. Written atomically
 * (writeFileAtomic: temporary name, fsync, rename).
 */
export function addRegisters(modelDir: string, cache = cacheDir()): Record<string, [number, number]> {
  const file = join(modelDir, 'model.json');
  const model = JSON.parse(readFileSync(file, 'utf8')) as { spec: Record<string, unknown> };
  const { registerRanges } = prepareMelodyData(loadMelodyCorpus(cache));
  model.spec.registerRanges = registerRanges;
  writeFileAtomic(file, `${JSON.stringify(model, null, 1)}\n`, { replace: true });
  return registerRanges;
}

/**
 * Writes the intervals the training lines play (`spec.intervals`, see PreparedMelody) into an exported model's
 * model.json without touching its weights, as addRegisters does for the registers.
 */
export function addIntervals(modelDir: string, cache = cacheDir()): Record<string, number[]> {
  const file = join(modelDir, 'model.json');
  const model = JSON.parse(readFileSync(file, 'utf8')) as { spec: Record<string, unknown> };
  const { intervals } = prepareMelodyData(loadMelodyCorpus(cache));
  model.spec.intervals = intervals;
  writeFileAtomic(file, `${JSON.stringify(model, null, 1)}\n`, { replace: true });
  return intervals;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--add-registers');
  const j = process.argv.indexOf('--add-intervals');
  if (j >= 0) {
    const dir = process.argv[j + 1];
    if (!dir) {
      console.error('usage: tsx models/training/prepare-melody.ts [--add-registers MODEL_DIR] [--add-intervals MODEL_DIR]');
      process.exit(2);
    }
    console.log(`intervals written to ${join(dir, 'model.json')}: ${JSON.stringify(addIntervals(dir))}`);
  } else if (i >= 0) {
    const dir = process.argv[i + 1];
    if (!dir) {
      console.error('usage: tsx models/training/prepare-melody.ts [--add-registers MODEL_DIR] [--add-intervals MODEL_DIR]');
      process.exit(2);
    }
    console.log(`registers written to ${join(dir, 'model.json')}: ${JSON.stringify(addRegisters(dir))}`);
  } else console.log(`wrote ${prepareMelody()}`);
}
