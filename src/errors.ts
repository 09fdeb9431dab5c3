/** Base of every error Tandem raises on purpose: it carries a message a user can act on. */
export class TandemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }

  /** The CLI's exit code for this error: 1 = failed while working; bad input classes say 2. */
  get exitCode(): number {
    return 1;
  }
}

/** A .mid file that cannot be read: broken bytes, SMPTE timing, or no notes where notes are needed. */
export class MidiFileError extends TandemError {
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`${source}: ${reason}`);
  }

  override get exitCode(): number {
    return 2;
  }
}

/** A value from outside (flag, message, preset, request) that is not allowed. */
export class InvalidValueError extends TandemError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`${field} must be ${allowed}, got ${showValue(value)}`);
  }

  override get exitCode(): number {
    return 2;
  }
}

/** A value as a user typed it: numbers bare, other text quoted. */
function showValue(value: unknown): string {
  if (typeof value === 'string') return value.trim() !== '' && Number.isFinite(Number(value)) ? value : JSON.stringify(value);
  return String(value);
}
