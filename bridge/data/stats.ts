import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { quantile } from '../../src/conditioning/density';
import { onsetsPerBar } from '../../src/tokens/drum-grid';
import { TandemError } from '../../src/errors';
import { stepsPerBar } from '../../src/time/units';
import type { DrumCorpus, MelodyCorpus } from './corpus-types';
import { trackGrid } from './drum-corpus';
import { cacheDir } from './paths';

export interface GroupStats {
  group: string;
  tracks: number;
  bars: number;
  /** Distribution of events per bar (drums: onsets; melody: notes): p10, p50, p90, mean. */
  perBar: { p10: number; p50: number; p90: number; mean: number };
}

export interface CorpusStats {
  corpus: string;
  tracks: number;
  skipped: number;
  skippedReasons: Record<string, number>;
  splits: Record<string, number>;
  groups: GroupStats[];
}

function summarise(group: string, tracks: number, perBar: number[]): GroupStats {
  const r = (x: number) => Math.round(x * 10) / 10;
  const mean = perBar.reduce((a, b) => a + b, 0) / Math.max(1, perBar.length);
  return {
    group,
    tracks,
    bars: perBar.length,
    perBar: { p10: r(quantile(perBar, 0.1)), p50: r(quantile(perBar, 0.5)), p90: r(quantile(perBar, 0.9)), mean: r(mean) },
  };
}

function reasons(skipped: Array<{ reason: string }>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of skipped) {
    const key = s.reason
      .replace(/^.*?: /, '')
      .replace(/[0-9]+/g, 'N')
      .slice(0, 60);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

function countBy<T>(xs: T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
}

export function corpusStats(cache = cacheDir()): CorpusStats[] {
  const out: CorpusStats[] = [];
  const drumsFile = join(cache, 'drums.json');
  const melodyFile = join(cache, 'melody.json');
  if (!existsSync(drumsFile) && !existsSync(melodyFile)) throw new TandemError(`no corpora in ${cache}: run tandem data build first`);
  if (existsSync(drumsFile)) {
    const c = JSON.parse(readFileSync(drumsFile, 'utf8')) as DrumCorpus;
    const byGenre = new Map<string, number[]>();
    const counts = new Map<string, number>();
    for (const t of c.tracks) {
      const ons = onsetsPerBar(trackGrid(t));
      byGenre.set(t.genre, [...(byGenre.get(t.genre) ?? []), ...ons]);
      counts.set(t.genre, (counts.get(t.genre) ?? 0) + 1);
    }
    const groups = [...byGenre].sort((a, b) => b[1].length - a[1].length).map(([g, v]) => summarise(g, counts.get(g)!, v));
    out.push({
      corpus: 'drums (Groove MIDI)',
      tracks: c.tracks.length,
      skipped: c.skipped.length,
      skippedReasons: reasons(c.skipped),
      splits: countBy(c.tracks, (t) => t.split),
      groups: [
        summarise(
          'all',
          c.tracks.length,
          c.tracks.flatMap((t) => onsetsPerBar(trackGrid(t))),
        ),
        ...groups,
      ],
    });
  }
  if (existsSync(melodyFile)) {
    const c = JSON.parse(readFileSync(melodyFile, 'utf8')) as MelodyCorpus;
    const byKey = new Map<string, { tracks: number; perBar: number[] }>();
    for (const t of c.tracks) {
      const per = stepsPerBar(t.meter);
      const bars = Math.max(1, Math.ceil(t.steps / per));
      const counts = new Array<number>(bars).fill(0);
      for (const [, start] of t.notes) counts[Math.min(bars - 1, Math.floor(start / per))]++;
      const key = `${t.corpus}/${t.role}/${t.style}`;
      const e = byKey.get(key) ?? { tracks: 0, perBar: [] };
      e.tracks++;
      e.perBar.push(...counts);
      byKey.set(key, e);
    }
    out.push({
      corpus: 'melody (Nottingham, POP909, JSB)',
      tracks: c.tracks.length,
      skipped: c.skipped.length,
      skippedReasons: reasons(c.skipped),
      splits: countBy(c.tracks, (t) => t.split),
      groups: [...byKey].sort((a, b) => a[0].localeCompare(b[0])).map(([k, v]) => summarise(k, v.tracks, v.perBar)),
    });
  }
  return out;
}

export function formatStats(stats: CorpusStats[]): string {
  const lines: string[] = [];
  for (const s of stats) {
    lines.push(
      `${s.corpus}: ${s.tracks} tracks (${Object.entries(s.splits)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}), ${s.skipped} files skipped`,
    );
    for (const [r, n] of Object.entries(s.skippedReasons)) lines.push(`  skipped ${n} x ${r}`);
    lines.push(`  ${'group'.padEnd(28)} ${'tracks'.padStart(6)} ${'bars'.padStart(7)}   per bar: p10   p50   p90  mean`);
    for (const g of s.groups) {
      const p = g.perBar;
      lines.push(
        `  ${g.group.padEnd(28)} ${String(g.tracks).padStart(6)} ${String(g.bars).padStart(7)}   ${[p.p10, p.p50, p.p90, p.mean].map((x) => String(x).padStart(5)).join(' ')}`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
