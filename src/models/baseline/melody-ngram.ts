import { densityToOnsets, quantile, type DensityRange } from '../../conditioning/density';
import { InvalidValueError } from '../../errors';
import { gaussian, makeRng, sampleIndex } from '../../random';
import { sortNotes, type Note, type Sequence } from '../../music/sequence';
import { TICKS_PER_STEP, stepsPerBar, type Meter } from '../../time/units';
import { addCount, WittenBell, type NgramCounts } from './witten-bell';

/**
 * A count-based melody / bass-line model: an interpolated n-gram over (interval, time to the next
 * note) tokens per style, with the position in the bar in the context. Density (notes per bar)
 * steers it by tilting the time-to-next-note distribution, as the drum baseline does with onsets.
 */
export const INTERVALS = 25; // -12..+12 semitones
export const GAPS = [1, 2, 3, 4, 6, 8, 12, 16] as const; // steps from this note to the next
export const VOCAB = INTERVALS * GAPS.length;

const tokenOf = (interval: number, gapIdx: number) => (Math.max(-12, Math.min(12, interval)) + 12) * GAPS.length + gapIdx;
const intervalOf = (tok: number) => Math.floor(tok / GAPS.length) - 12;
const gapOf = (tok: number) => GAPS[tok % GAPS.length];
/** Nearest gap bucket for a step distance. */
export function gapIndex(steps: number): number {
  let best = 0;
  for (let i = 1; i < GAPS.length; i++) if (Math.abs(GAPS[i] - steps) < Math.abs(GAPS[best] - steps)) best = i;
  return best;
}

export interface MelodyStyleStats {
  meter: Meter;
  low: number;
  high: number;
  startPitches: Record<string, number>;
  density: DensityRange;
  velocity: number;
  tracks: number;
}

export interface MelodyNgramModelJson {
  format: 'tandem-melody-ngram';
  version: 1;
  role: 'melody' | 'bass';
  counts: NgramCounts;
  styles: Record<string, MelodyStyleStats>;
}

export interface MelodyTrainingLine {
  style: string;
  meter: Meter;
  /** [pitch, startStep, durationSteps], monophonic, sorted. */
  notes: Array<[number, number, number]>;
}

export function melodyContexts(style: string, pos: number, t1: number, t2: number): string[] {
  return [`${style}|${pos}|${t2}|${t1}`, `${style}|${pos}|${t1}`, `${style}|${t1}`, `*|${t1}`];
}

export function trainMelodyNgram(lines: readonly MelodyTrainingLine[], role: 'melody' | 'bass'): MelodyNgramModelJson {
  const levels = melodyContexts('', 0, 0, 0).map(() => ({}));
  const per: Record<string, { meters: Map<string, number>; pitches: number[]; starts: Record<string, number>; perBar: number[]; tracks: number }> = {};
  for (const line of lines) {
    if (line.notes.length < 4) continue;
    const s = (per[line.style] ??= { meters: new Map(), pitches: [], starts: {}, perBar: [], tracks: 0 });
    s.tracks++;
    const mk = `${line.meter.numerator}/${line.meter.denominator}`;
    s.meters.set(mk, (s.meters.get(mk) ?? 0) + 1);
    s.starts[line.notes[0][0]] = (s.starts[line.notes[0][0]] ?? 0) + 1;
    const spb = stepsPerBar(line.meter);
    const bars = new Map<number, number>();
    let t1 = -1;
    let t2 = -1;
    for (let i = 0; i < line.notes.length - 1; i++) {
      const [p, start] = line.notes[i];
      const [pNext, startNext] = line.notes[i + 1];
      s.pitches.push(p);
      bars.set(Math.floor(start / spb), (bars.get(Math.floor(start / spb)) ?? 0) + 1);
      const tok = tokenOf(pNext - p, gapIndex(startNext - start));
      melodyContexts(line.style, start % spb, t1, t2).forEach((ctx, k) => addCount(levels[k], ctx, tok));
      [t2, t1] = [t1, tok];
    }
    s.perBar.push(...bars.values());
  }
  const styles: Record<string, MelodyStyleStats> = {};
  for (const [name, s] of Object.entries(per)) {
    const [meterKey] = [...s.meters].sort((a, b) => b[1] - a[1])[0];
    const [num, den] = meterKey.split('/').map(Number);
    styles[name] = {
      meter: { numerator: num, denominator: den },
      low: quantile(s.pitches, 0.02),
      high: quantile(s.pitches, 0.98),
      startPitches: s.starts,
      density: { low: quantile(s.perBar, 0.05), high: quantile(s.perBar, 0.95) },
      velocity: role === 'bass' ? 90 : 80,
      tracks: s.tracks,
    };
  }
  return { format: 'tandem-melody-ngram', version: 1, role, counts: { levels, vocabulary: VOCAB }, styles };
}

export interface MelodyRequest {
  style: string;
  density: number;
  bars: number;
  temperature: number;
  seed: number;
  count: number;
}

export class MelodyNgram {
  private readonly wb: WittenBell;

  constructor(readonly model: MelodyNgramModelJson) {
    this.wb = new WittenBell(model.counts);
  }

  get id(): string {
    return `${this.model.role}-ngram`;
  }

  get styles(): string[] {
    return Object.keys(this.model.styles).sort();
  }

  generate(req: MelodyRequest): Sequence[] {
    const st = this.model.styles[req.style];
    if (!st) throw new InvalidValueError('genre', req.style, `one of ${this.styles.join(', ')}`);
    const spb = stepsPerBar(st.meter);
    const total = req.bars * spb;
    const targetGap = spb / Math.max(0.5, densityToOnsets(req.density, st.density));
    const dist = new Float64Array(VOCAB);
    const channel = this.model.role === 'bass' ? 1 : 0;
    const out: Sequence[] = [];
    for (let v = 0; v < req.count; v++) {
      const rng = makeRng(`${req.seed}:${v}`);
      const starts = Object.entries(st.startPitches);
      let pitch = Number(
        starts[
          sampleIndex(
            starts.map(([, c]) => c),
            rng,
          )
        ][0],
      );
      let step = 0;
      let t1 = -1;
      let t2 = -1;
      const notes: Note[] = [];
      while (step < total) {
        this.wb.distribution(melodyContexts(req.style, step % spb, t1, t2), dist);
        for (let tok = 0; tok < VOCAB; tok++) {
          const p = pitch + intervalOf(tok);
          if (p < st.low || p > st.high) dist[tok] = 0;
          else if (req.temperature !== 1) dist[tok] = Math.pow(dist[tok], 1 / req.temperature);
        }
        tiltGaps(dist, targetGap);
        const tok = sampleIndex(dist, rng);
        const gap = Math.min(gapOf(tok), total - step);
        const vel = Math.round(Math.max(30, Math.min(127, st.velocity + 8 * gaussian(rng))));
        notes.push({ pitch, velocity: vel, startTicks: step * TICKS_PER_STEP, durationTicks: Math.round(gap * TICKS_PER_STEP * 0.9), channel });
        step += gap;
        pitch += intervalOf(tok);
        [t2, t1] = [t1, tok];
      }
      out.push({ notes: sortNotes(notes), tempos: [{ ticks: 0, bpm: 120 }], meters: [{ ticks: 0, meter: st.meter }], totalTicks: total * TICKS_PER_STEP });
    }
    return out;
  }
}

/** Tilts token weights by exp(-theta * gap) so the expected gap equals `target` steps. */
function tiltGaps(dist: Float64Array, target: number): void {
  const expected = (theta: number) => {
    let z = 0;
    let e = 0;
    for (let t = 0; t < dist.length; t++) {
      const w = dist[t] * Math.exp(-theta * gapOf(t));
      z += w;
      e += w * gapOf(t);
    }
    return z > 0 ? e / z : target;
  };
  let lo = -3;
  let hi = 3;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (expected(mid) > target) lo = mid;
    else hi = mid;
  }
  const theta = (lo + hi) / 2;
  for (let t = 0; t < dist.length; t++) dist[t] *= Math.exp(-theta * gapOf(t));
}
