import { DRUM_GENRES, isDrumGenre, type DrumGenre } from '../conditioning/genres';
import { InvalidValueError } from '../errors';
import type { DrumGrid } from '../tokens/drum-grid';

/** What a caller asks a drum model for. Plain data: it crosses into the Chromium page as is. */
export interface DrumRequest {
  /** One of the 18 Groove MIDI genres; undefined = any genre. */
  genre?: DrumGenre;
  /** 0 = sparsest, 1 = busiest (mapped onto the corpus' onsets-per-bar range). */
  density: number;
  /** Length in bars of 4/4 (including primer bars). */
  bars: number;
  /** Sampling temperature; 1 = as learned, lower = safer, higher = wilder. */
  temperature: number;
  /** Same request + seed = same notes. */
  seed: number;
  /** Variations to generate in one pass. */
  count: number;
  /** Every Nth bar is a fill (0 = no fills). */
  fillEvery: number;
  /** Bars to continue from (kept as they are at the start of each result). */
  primer?: DrumGrid;
}

export const DRUM_REQUEST_DEFAULTS = Object.freeze({ density: 0.5, bars: 8, temperature: 1.0, seed: 0, count: 1, fillEvery: 0 });

export const LIMITS = Object.freeze({ maxBars: 64, maxCount: 64, minTemperature: 0.05, maxTemperature: 3 });

function num(field: string, v: unknown, allowed: string, ok: (n: number) => boolean): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || !ok(n)) throw new InvalidValueError(field, v, allowed);
  return n;
}

/** Checks a drum request from outside (CLI, OSC, page message); names the field and what is allowed on error. */
export function parseDrumRequest(raw: Record<string, unknown>): DrumRequest {
  const r = { ...DRUM_REQUEST_DEFAULTS, ...Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)) } as Record<string, unknown>;
  let genre: DrumGenre | undefined;
  if (r.genre !== undefined && r.genre !== 'any') {
    const g = String(r.genre).toLowerCase();
    if (!isDrumGenre(g)) throw new InvalidValueError('genre', r.genre, `one of ${DRUM_GENRES.join(', ')} (or any)`);
    genre = g;
  }
  return {
    genre,
    density: num('density', r.density, 'between 0 and 1', (n) => n >= 0 && n <= 1),
    bars: num('bars', r.bars, `a whole number from 1 to ${LIMITS.maxBars}`, (n) => Number.isInteger(n) && n >= 1 && n <= LIMITS.maxBars),
    temperature: num(
      'temperature',
      r.temperature,
      `between ${LIMITS.minTemperature} and ${LIMITS.maxTemperature}`,
      (n) => n >= LIMITS.minTemperature && n <= LIMITS.maxTemperature,
    ),
    seed: num('seed', r.seed, 'a whole number from 0 to 2^32-1', (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff),
    count: num('count', r.count, `a whole number from 1 to ${LIMITS.maxCount}`, (n) => Number.isInteger(n) && n >= 1 && n <= LIMITS.maxCount),
    fillEvery: num('fill-every', r.fillEvery, 'a whole number from 0 (no fills) to 64', (n) => Number.isInteger(n) && n >= 0 && n <= 64),
    primer: r.primer as DrumGrid | undefined,
  };
}

/** Whether bar `bar` (0-based) is a fill bar under `fillEvery`. */
export const isFillBar = (bar: number, fillEvery: number): boolean => fillEvery > 0 && (bar + 1) % fillEvery === 0;
