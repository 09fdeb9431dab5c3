import { normaliseDensity, runningAverage, type DensityRange } from '../../conditioning/density';
import { DRUM_GENRES, isDrumGenre, type DrumGenre } from '../../conditioning/genres';
import { InvalidValueError } from '../../errors';
import { NUM_DRUM_CLASSES } from '../../music/drum-map';
import { onsetsPerBar, type DrumGrid } from '../../tokens/drum-grid';
import { LIMITS } from '../request';
import { DENSITY_WINDOW_BARS, DRUM_STEPS_PER_BAR } from './spec';

const C = NUM_DRUM_CLASSES;

/**
 * Humanize (as Magenta Studio's Groove): a quantized drum clip keeps every hit, the network
 * gives each a velocity and a micro-timing offset as a drummer of the genre would play it.
 */
export interface HumanizeOptions {
  /** Genre whose playing to imitate; undefined = any genre. */
  genre?: DrumGenre;
  /** 0 = the input unchanged, 1 = the network's velocity and timing; in between, blended. */
  amount: number;
  /** Same clip + options + seed = same result. */
  seed: number;
}

export const HUMANIZE_DEFAULTS: Readonly<Omit<HumanizeOptions, 'genre'>> = Object.freeze({ amount: 1, seed: 0 });

/** Checks humanize options from outside (CLI flags, OSC arguments), naming the field and what is allowed on error. */
export function parseHumanizeOptions(raw: { genre?: unknown; amount?: unknown; seed?: unknown }): HumanizeOptions {
  const num = (field: string, v: unknown, fallback: number, allowed: string, ok: (n: number) => boolean): number => {
    if (v === undefined) return fallback;
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n) || !ok(n)) throw new InvalidValueError(field, v, allowed);
    return n;
  };
  let genre: DrumGenre | undefined;
  if (raw.genre !== undefined && raw.genre !== 'any') {
    const g = String(raw.genre).toLowerCase();
    if (!isDrumGenre(g)) throw new InvalidValueError('genre', raw.genre, `one of ${DRUM_GENRES.join(', ')} (or any)`);
    genre = g;
  }
  return {
    genre,
    amount: num('amount', raw.amount, HUMANIZE_DEFAULTS.amount, 'between 0 and 1', (n) => n >= 0 && n <= 1),
    seed: num('seed', raw.seed, HUMANIZE_DEFAULTS.seed, 'a whole number from 0 to 2^32-1', (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff),
  };
}

/** Bars a clip of `steps` 16ths occupies; errors when it is empty or longer than a request may be. */
export function humanizeBars(grid: DrumGrid): number {
  const bars = Math.ceil(grid.steps / DRUM_STEPS_PER_BAR);
  if (bars < 1 || !grid.velocity.some((v) => v > 0)) throw new InvalidValueError('clip', `${grid.steps} steps`, 'a drum clip with at least one hit');
  if (bars > LIMITS.maxBars) throw new InvalidValueError('clip', `${bars} bars`, `at most ${LIMITS.maxBars} bars`);
  return bars;
}

/** The clip's own density per bar, as the network was trained to read it (running average, normalised). */
export function clipDensity(grid: DrumGrid, range: DensityRange): number[] {
  return runningAverage(onsetsPerBar(grid), DENSITY_WINDOW_BARS).map((d) => normaliseDensity(d, range));
}

/**
 * The humanized clip: exactly the input's hits, each with `amount` of the way from its input
 * velocity and offset to the generated ones (velocity rounded, 1-127; offset within +-0.5 step).
 */
export function blendHumanized(input: DrumGrid, generated: DrumGrid, amount: number): DrumGrid {
  const out: DrumGrid = { steps: input.steps, velocity: new Uint8Array(input.velocity.length), offset: new Float32Array(input.offset.length) };
  for (let i = 0; i < input.velocity.length; i++) {
    const v = input.velocity[i];
    if (!v) continue;
    const gv = generated.velocity[i] || v; // a forced hit always has a generated velocity; keep the input's if not
    out.velocity[i] = Math.max(1, Math.min(127, Math.round(v + amount * (gv - v))));
    out.offset[i] = Math.max(-0.5, Math.min(0.5, input.offset[i] + amount * (generated.offset[i] - input.offset[i])));
  }
  return out;
}

/** Hits in a grid (for checks: humanizing keeps the count). */
export const hitCount = (g: DrumGrid): number => g.velocity.reduce((a, v) => a + (v > 0 ? 1 : 0), 0);

/** Steps of a clip cut or padded to whole bars. */
export function wholeBars(grid: DrumGrid, bars: number): DrumGrid {
  const steps = bars * DRUM_STEPS_PER_BAR;
  const velocity = new Uint8Array(steps * C);
  const offset = new Float32Array(steps * C);
  velocity.set(grid.velocity.subarray(0, steps * C));
  offset.set(grid.offset.subarray(0, steps * C));
  return { steps, velocity, offset };
}
