/**
 * Waiting in tests. `until` polls a condition and fails, naming what it waited for, when the time
 * is up: a test can never pass because a wait ran out. `sleep` is for waits that are the point of a
 * test (letting a lease expire, letting time pass on a clock), never for waiting on a result.
 */

/** A value that counts as "not yet": undefined, null or false. */
type NotYet = undefined | null | false;

/**
 * Polls `check` every `everyMs` until it returns something other than undefined/null/false and
 * returns that; rejects with "timed out after N ms waiting for <what>" after `ms` (default 5 s).
 */
export async function until<T>(what: string, check: () => T | NotYet | Promise<T | NotYet>, ms = 5000, everyMs = 10): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
