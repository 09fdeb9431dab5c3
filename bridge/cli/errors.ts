import { InvalidValueError, TandemError } from '../../src/errors';

/** Exit codes: 0 ok, 1 failure while working, 2 bad usage (flag, value, preset). */
export const EXIT = Object.freeze({ ok: 0, failure: 1, usage: 2 });

/** A bad command line: one clear line, exit code 2. */
export class UsageError extends TandemError {
  override get exitCode(): number {
    return EXIT.usage;
  }
}

/** Maps request field names to the flags users type. */
const FLAG_OF: Record<string, string> = { fillEvery: 'fill-every', 'fill-every': 'fill-every' };

/** The one line a user sees for an InvalidValueError raised while checking flags. */
export function flagMessage(err: InvalidValueError): string {
  return `--${FLAG_OF[err.field] ?? err.field} ${err.message.slice(err.field.length + 1)}`;
}
