import * as nodeFs from 'node:fs';
import { resolve } from 'node:path';
import { FileAccessError } from './errors';

export type ReadFs = Pick<typeof nodeFs, 'openSync' | 'fstatSync' | 'readSync' | 'closeSync'>;

export interface ReadInputOptions {
  /** What the file is for, in the user's words ("primer", "preset"): named in errors. */
  what: string;
  /** Largest size accepted, in bytes. */
  maxBytes: number;
  fs?: ReadFs;
}

// O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer, so the
// type check below can refuse it. It changes nothing for a regular file.
const OPEN_FLAGS = nodeFs.constants.O_RDONLY | (nodeFs.constants.O_NONBLOCK ?? 0);

/**
 * Reads a file the user named (a primer, a preset): only a regular file (a folder, FIFO, socket or
 * device is refused without waiting on it), at most `maxBytes`. Errors are one-line
 * {@link FileAccessError}s naming the path and the reason.
 */
export function readInputFile(path: string, opts: ReadInputOptions): Buffer {
  const fs = opts.fs ?? nodeFs;
  const file = resolve(path);
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (err) {
    throw FileAccessError.from(err, path, 'read');
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw new FileAccessError(path, 'read', `it is a folder; the ${opts.what} must be a file`, true);
    if (!st.isFile()) throw new FileAccessError(path, 'read', `it is not a regular file (a FIFO, socket or device); the ${opts.what} must be a file`, true);
    if (st.size > opts.maxBytes) throw tooLarge(path, opts, st.size);
    // Read up to one byte past the limit: a file that grows while we read is caught too.
    const buf = Buffer.alloc(Math.min(opts.maxBytes + 1, Math.max(st.size, 0) + 1));
    let got = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
      if (got > opts.maxBytes) throw tooLarge(path, opts, got);
      if (got === buf.length) break;
    }
    return buf.subarray(0, got);
  } catch (err) {
    throw FileAccessError.from(err, path, 'read');
  } finally {
    fs.closeSync(fd);
  }
}

function tooLarge(path: string, opts: ReadInputOptions, size: number): FileAccessError {
  return new FileAccessError(path, 'read', `it is ${formatBytes(size)}; a ${opts.what} may be at most ${formatBytes(opts.maxBytes)}`, true, 'EFBIG');
}

function formatBytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} bytes`;
}
