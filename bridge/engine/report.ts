import type { EngineInfo } from './engine';

/** One line of the backend table `tandem doctor` shows. */
export interface BackendRow {
  backend: string;
  /** 'chosen', 'ok', or 'failed: <reason>'. */
  status: string;
  /** Max abs difference against the reference outputs, e.g. '8.6e-6', or '-'. */
  parity: string;
  /** ms per generated bar for 1 and for 16 variations, or '-'. */
  msPerBar: string;
  msPerBar16: string;
  /** Why a figure is missing although the backend works, or ''. */
  note: string;
}

const ms = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(1));

/** The engine's backend report as table rows (all text). */
export function backendRows(info: EngineInfo): BackendRow[] {
  return info.backends.map((b) => ({
    backend: b.backend,
    status: b.chosen ? 'chosen' : b.ok ? 'ok' : `failed: ${b.reason ?? 'unknown'}`,
    parity: b.parityError === undefined ? '-' : b.parityError === 0 ? '0' : b.parityError.toExponential(1),
    msPerBar: ms(b.msPerBar),
    msPerBar16: ms(b.msPerBar16),
    note: b.note ?? '',
  }));
}

/**
 * The backend table as aligned text, headed by where the engine runs, e.g.
 * `engine chromium (Chrome/150.0.7871.100)`, then one row per backend tried.
 */
export function formatBackendTable(info: EngineInfo): string {
  const where = info.running === 'node' && info.kind === 'chromium' ? `node (fallback: ${info.fallbackReason})` : info.running;
  const browser = info.browser?.version ? ` (${info.browser.version})` : '';
  const source =
    info.probe === 'cached' ? ', backends from the last full probe (the chosen one re-measured)' : info.probe === 'forced' ? ', backend forced' : '';
  const head = ['backend', 'status', 'parity error', 'ms/bar x1', 'ms/bar x16'];
  // A failure's reason is long: it goes after the columns, in brackets.
  const rows = backendRows(info).map((r) => {
    const failed = r.status.startsWith('failed: ');
    return { cells: [r.backend, failed ? 'failed' : r.status, r.parity, r.msPerBar, r.msPerBar16], why: failed ? r.status.slice('failed: '.length) : r.note };
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r.cells[i].length)));
  const line = (cells: string[], why = '') => (cells.map((c, i) => c.padEnd(widths[i])).join('  ') + (why ? `  (${why})` : '')).trimEnd();
  const body = rows.map((r) => line(r.cells, r.why));
  return [`engine ${where}${browser}${source}`, line(head), ...body].join('\n');
}
