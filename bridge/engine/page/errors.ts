/**
 * Errors crossing from the Chromium page to Node, by class: the page flattens an error into a
 * PageError (plain data), Node rebuilds the same class from its name and fields. A class not in
 * this table arrives as a TandemError (deliberate) or a PageScriptError (a crash of the page's code).
 * Imported by both sides, so it must stay free of Node and DOM APIs.
 */
import { InvalidValueError, TandemError } from '../../../src/errors';
import { BackendUnavailableError, PageScriptError } from '../engine';
import type { PageError } from './protocol';

/** The page's side: any thrown value as plain data. */
export function toPageError(err: unknown): PageError {
  const e = err instanceof Error ? err : new Error(String(err));
  const out: PageError = { name: e.name, message: e.message, tandem: e instanceof TandemError };
  if (e instanceof InvalidValueError) Object.assign(out, { kind: 'InvalidValueError', field: e.field, value: e.value, allowed: e.allowed });
  if (e instanceof BackendUnavailableError) Object.assign(out, { kind: 'BackendUnavailableError', backend: e.backend, reason: e.reason });
  return out;
}

/** Node's side: the error the page threw, as its own class where the table knows it. */
export function fromPageError(e: PageError): Error {
  switch (e.kind) {
    case 'InvalidValueError':
      return new InvalidValueError(e.field ?? '', e.value, e.allowed ?? '');
    case 'BackendUnavailableError':
      return new BackendUnavailableError(e.backend ?? 'any', e.reason ?? e.message);
    case undefined:
      break;
    default: {
      const never: never = e.kind;
      return new PageScriptError(String(never), e.message);
    }
  }
  // Other deliberate errors (a model that does not fit the code) would fail again after a relaunch.
  if (e.tandem) return new TandemError(e.message);
  return new PageScriptError(e.name, e.message);
}
