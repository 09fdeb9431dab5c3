import { InvalidValueError } from '../../src/errors';

/** The panel's port when none is given. Apart from server.ts, so the CLI reads it without loading the server. */
export const DEFAULT_PANEL_PORT = 7355;

/** Checks a `--panel-port` value (0 = any free port). */
export function parsePanelPort(v: string): number {
  const n = /^\d{1,5}$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n) || !(n === 0 || (n >= 1024 && n <= 65535)))
    throw new InvalidValueError('panel-port', v, 'a TCP port from 1024 to 65535 (0 for any free one)');
  return n;
}
