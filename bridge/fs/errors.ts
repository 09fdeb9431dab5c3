import { TandemError } from '../../src/errors';

/** What an errno means, in words a user can act on. */
const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  ENAMETOOLONG: 'the name is too long for the file system',
  ELOOP: 'too many symbolic links in the path',
  EEXIST: 'it already exists',
  EIO: 'input/output error on the device',
  EMFILE: 'too many open files',
  ENXIO: 'no reader or device at the other end',
  EFBIG: 'the file is too large for the file system',
};

/** errno code of a Node file-system error, if it has one. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** "no space left on the device (ENOSPC)" for a Node error; its message for anything else. */
export function reasonOf(err: unknown): string {
  const code = errnoCode(err);
  if (code) return REASONS[code] ? `${REASONS[code]} (${code})` : `${code}: ${(err as Error).message}`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * A file could not be read or written. The message is one line naming the path and the reason.
 * `badInput` marks the user's mistake (a folder given as a file, a FIFO, a file too large, a file that
 * exists without --force): the CLI exits 2 for those and 1 for failures of the system (full disk,
 * permission denied).
 */
export class FileAccessError extends TandemError {
  constructor(
    readonly path: string,
    readonly action: 'read' | 'write',
    readonly reason: string,
    readonly badInput: boolean,
    readonly code?: string,
  ) {
    super(`cannot ${action} ${path}: ${reason}`);
  }

  override get exitCode(): number {
    return this.badInput ? 2 : 1;
  }

  /** Wraps a Node error raised while reading or writing `path`. */
  static from(err: unknown, path: string, action: 'read' | 'write'): FileAccessError {
    if (err instanceof FileAccessError) return err;
    const code = errnoCode(err);
    // A missing input, a folder given as a file, a name too long: the user's to fix (exit 2).
    const bad = code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR' || code === 'ENAMETOOLONG' || code === 'ELOOP';
    return new FileAccessError(path, action, reasonOf(err), action === 'read' ? bad : false, code);
  }
}
