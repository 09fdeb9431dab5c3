/**
 * Realism of generated drums against real playing, measured on 2-bar windows (issue 13): the
 * statistics that tell them apart, per genre, and the features a real-vs-generated discriminator
 * sees. Pure functions over grids; bench/eval.ts feeds them the validation split.
 */
import { NUM_DRUM_CLASSES } from '../src/music/drum-map';
import type { DrumGrid } from '../src/tokens/drum-grid';

const C = NUM_DRUM_CLASSES;
const BAR = 16;
/** Steps in a window: two bars of 16ths. */
const TOMS = [4, 5, 6];
const CRASH = 7;
/** Velocity below which a hit counts as a ghost note. */
const GHOST = 40;

/** Non-overlapping windows of `barsPerWindow` bars (2 by default) from the start of a grid; a last partial window is dropped. */
export function windows(g: DrumGrid, maxBars = Infinity, barsPerWindow = 2): DrumGrid[] {
  const out: DrumGrid[] = [];
  const n = barsPerWindow * BAR;
  const end = Math.min(g.steps, maxBars * BAR);
  for (let s = 0; s + n <= end; s += n) out.push({ steps: n, velocity: g.velocity.slice(s * C, (s + n) * C), offset: g.offset.slice(s * C, (s + n) * C) });
  return out;
}

/** The first `bars` bars of a grid. */
export function firstBars(g: DrumGrid, bars: number): DrumGrid {
  const n = Math.min(g.steps, bars * BAR);
  return { steps: n, velocity: g.velocity.slice(0, n * C), offset: g.offset.slice(0, n * C) };
}

/** Bars `from` onwards of a grid. */
export function barsFrom(g: DrumGrid, from: number): DrumGrid {
  const s = Math.min(g.steps, from * BAR);
  return { steps: g.steps - s, velocity: g.velocity.slice(s * C), offset: g.offset.slice(s * C) };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const std = (xs: readonly number[]) => {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
};

/** Per-window counts behind the table. */
interface WindowCounts {
  hits: number;
  off16: number;
  crash: number;
  toms: number;
  velocitySum: number;
}

function counts(w: DrumGrid): WindowCounts {
  const r = { hits: 0, off16: 0, crash: 0, toms: 0, velocitySum: 0 };
  for (let s = 0; s < w.steps; s++) {
    for (let c = 0; c < C; c++) {
      const v = w.velocity[s * C + c];
      if (!v) continue;
      r.hits++;
      r.velocitySum += v;
      if (s % 2 === 1) r.off16++; // the "e" and "a" of each beat
      if (c === CRASH) r.crash++;
      if (TOMS.includes(c)) r.toms++;
    }
  }
  return r;
}

/** The table of issue 13, over a set of 2-bar windows. Shares are of all hits in the windows. */
export interface RealismRow {
  windows: number;
  /** Share of hits on the off 16ths ("e" and "a"). */
  off16Share: number;
  /** Standard deviation between windows of the window's mean velocity (windows with hits). */
  velocityMeanSpread: number;
  crashShare: number;
  tomsShare: number;
  /** Standard deviation between windows of onsets per bar. */
  onsetsPerBarStd: number;
  /** Mean onsets per bar (context: the matched density). */
  onsetsPerBar: number;
}

export function realismRow(ws: readonly DrumGrid[], barsPerWindow = 2): RealismRow {
  const cs = ws.map(counts);
  const hits = cs.reduce((a, c) => a + c.hits, 0) || 1;
  const sum = (k: keyof WindowCounts) => cs.reduce((a, c) => a + c[k], 0);
  return {
    windows: ws.length,
    off16Share: sum('off16') / hits,
    velocityMeanSpread: std(cs.filter((c) => c.hits).map((c) => c.velocitySum / c.hits)),
    crashShare: sum('crash') / hits,
    tomsShare: sum('toms') / hits,
    onsetsPerBarStd: std(cs.map((c) => c.hits / barsPerWindow)),
    onsetsPerBar: mean(cs.map((c) => c.hits / barsPerWindow)),
  };
}

/** The rows the issue asks to bring within 10 % of real, with how to print them. */
export const TABLE_ROWS: ReadonlyArray<{ key: keyof RealismRow; label: string; digits: number }> = [
  { key: 'off16Share', label: 'share of hits on off 16ths', digits: 3 },
  { key: 'velocityMeanSpread', label: 'velocity-mean spread between windows', digits: 1 },
  { key: 'crashShare', label: 'crash share of hits', digits: 3 },
  { key: 'tomsShare', label: 'toms share of hits', digits: 3 },
  { key: 'onsetsPerBarStd', label: 'onsets per bar, std between windows', digits: 2 },
  { key: 'onsetsPerBar', label: 'onsets per bar, mean (context)', digits: 2 },
];

/** Relative difference of a generated figure from the real one (0.1 = 10 %). */
export const relativeGap = (generated: number, real: number): number => Math.abs(generated - real) / Math.max(Math.abs(real), 1e-9);

/**
 * What the discriminator sees of a 2-bar window: per class hit count, mean and std of velocity
 * and of timing offset; hits per 16th position (over both bars); and summary figures (off-16th,
 * ghost-note, crash and tom shares, mean and std of velocity and timing, onsets in each bar,
 * how much the two bars differ, distinct step patterns).
 */
export function windowFeatures(w: DrumGrid): number[] {
  const n = new Array<number>(C).fill(0);
  const vSum = new Array<number>(C).fill(0);
  const vSq = new Array<number>(C).fill(0);
  const oSum = new Array<number>(C).fill(0);
  const oSq = new Array<number>(C).fill(0);
  const perPos = new Array<number>(BAR).fill(0);
  const perBar = [0, 0];
  const vel: number[] = [];
  const off: number[] = [];
  let ghosts = 0;
  const patterns = new Set<number>();
  let barDiff = 0;
  for (let s = 0; s < w.steps; s++) {
    let p = 0;
    for (let c = 0; c < C; c++) {
      const v = w.velocity[s * C + c];
      if (s < BAR && v > 0 !== w.velocity[(s + BAR) * C + c] > 0) barDiff++;
      if (!v) continue;
      p |= 1 << c;
      const o = w.offset[s * C + c];
      n[c]++;
      vSum[c] += v;
      vSq[c] += v * v;
      oSum[c] += o;
      oSq[c] += o * o;
      perPos[s % BAR]++;
      perBar[Math.floor(s / BAR)]++;
      vel.push(v);
      off.push(o);
      if (v < GHOST) ghosts++;
    }
    patterns.add(p);
  }
  const f: number[] = [];
  for (let c = 0; c < C; c++) {
    const m = n[c] ? vSum[c] / n[c] : 0;
    const mo = n[c] ? oSum[c] / n[c] : 0;
    f.push(n[c], m, n[c] ? Math.sqrt(Math.max(0, vSq[c] / n[c] - m * m)) : 0, mo, n[c] ? Math.sqrt(Math.max(0, oSq[c] / n[c] - mo * mo)) : 0);
  }
  f.push(...perPos);
  const c = counts(w);
  const hits = Math.max(1, c.hits);
  f.push(c.off16 / hits, ghosts / hits, c.crash / hits, c.toms / hits, mean(vel), std(vel), mean(off), std(off), perBar[0], perBar[1], barDiff, patterns.size);
  return f;
}
