/** Prints the matched-condition realism part of `npm run eval` as plain-text tables. */
import type { RealismReport } from './eval-realism';
import { relativeGap, TABLE_ROWS, type RealismRow } from './realism';

const REAL_VS_REAL = 'real vs real (training)';
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

function line(cells: Array<string | number>, widths: number[]): void {
  console.log(cells.map((c, i) => String(c).padEnd(widths[i] ?? 16)).join(''));
}

const fmt = (row: RealismRow, key: keyof RealismRow, digits: number) => row[key].toFixed(digits);

/** Tables of issue 13: discriminator accuracy, the 2-bar-window table per genre (with each model's gap to real), the first bar. */
export function printRealism(reports: Record<string, RealismReport>, genre: Record<string, { top1: number }>): void {
  const names = Object.keys(reports).filter((n) => n !== REAL_VS_REAL);
  const w = [40, ...names.map(() => 30), 14];
  console.log(
    '\nMatched conditions (issue 13): generated grooves per validation performance, same genre, density, fill flag, length (discriminator: one each; tables: four each)',
  );
  line(['figure', ...names, 'real vs real'], w);
  line(
    ['discriminator accuracy (50 % = no tell)', ...names.map((n) => pct(reports[n].discriminator.accuracy)), pct(reports[REAL_VS_REAL].discriminator.accuracy)],
    w,
  );
  line(
    [
      '  per fold',
      ...names.map((n) => reports[n].discriminator.perFold.map((a) => (100 * a).toFixed(0)).join('/')),
      reports[REAL_VS_REAL].discriminator.perFold.map((a) => (100 * a).toFixed(0)).join('/'),
    ],
    w,
  );
  line(['  windows (real + other)', ...names.map((n) => reports[n].discriminator.windows), reports[REAL_VS_REAL].discriminator.windows], w);
  const real = genre.realValidation?.top1 as number | undefined;
  if (real) line(["genre top-1, share of real playing's", ...names.map((n) => (genre[n] ? (genre[n].top1 / real).toFixed(2) : '-')), '1.00'], w);

  for (const key of Object.keys(reports[names[0]].table)) {
    const realRow = reports[names[0]].table[key].real;
    console.log(`\n2-bar windows, ${key} (${realRow.windows} real windows): generated (gap to real)`);
    line(['figure', 'real', ...names], [40, 12, ...names.map(() => 30)]);
    for (const r of TABLE_ROWS) {
      const cells = names.map((n) => {
        const row = reports[n].table[key]?.other;
        return row ? `${fmt(row, r.key, r.digits)} (${(100 * relativeGap(row[r.key], realRow[r.key])).toFixed(0)} %)` : '-';
      });
      line([r.label, fmt(realRow, r.key, r.digits), ...cells], [40, 12, ...names.map(() => 30)]);
    }
  }

  console.log("\nFirst bar of an unprimed groove (1-bar windows): first bar / later bars, beside the real performances' first / later bars");
  line(['figure', 'real', ...names], [40, 18, ...names.map(() => 30)]);
  for (const r of TABLE_ROWS) {
    if (r.key === 'velocityMeanSpread' || r.key === 'onsetsPerBarStd') continue;
    const fb = reports[names[0]].firstBar;
    line(
      [
        r.label,
        `${fmt(fb.realFirst, r.key, r.digits)} / ${fmt(fb.realLater, r.key, r.digits)}`,
        ...names.map((n) => `${fmt(reports[n].firstBar.first, r.key, r.digits)} / ${fmt(reports[n].firstBar.later, r.key, r.digits)}`),
      ],
      [40, 18, ...names.map(() => 30)],
    );
  }
}
