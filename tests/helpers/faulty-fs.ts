import * as fs from 'node:fs';
import type { AsyncWriteFs, WriteFs } from '../../bridge/fs/atomic-write';

/** A Node-style errno error, as the real fs raises it. */
export function errno(code: string, syscall: string, path?: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: injected, ${syscall}${path ? ` '${path}'` : ''}`) as NodeJS.ErrnoException;
  e.code = code;
  e.syscall = syscall;
  if (path) e.path = path;
  return e;
}

/**
 * The real file system with a full disk from byte `freeBytes` on: writes go through (really, to
 * disk) until the budget is spent, then the rest of that write fails with ENOSPC, as a nearly full
 * disk does: the file that was being written is left truncated unless the writer cleans up.
 */
export function fullDisk(freeBytes: number): WriteFs & { writes: number } {
  let left = freeBytes;
  const f = {
    ...fs,
    writes: 0,
    writeSync: ((fd: number, buf: Uint8Array, offset?: number, length?: number) => {
      f.writes++;
      if (left <= 0) throw errno('ENOSPC', 'write');
      const from = offset ?? 0;
      const n = Math.min(length ?? buf.length - from, left);
      left -= n;
      return fs.writeSync(fd, buf, from, n);
    }) as typeof fs.writeSync,
  };
  return f;
}

/** The real file system where opening a file for writing fails with `code` (EROFS, EACCES, ...). */
export function refusingOpen(code: string): WriteFs {
  return {
    ...fs,
    openSync: ((path: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode) => {
      if (flags !== undefined && flags !== 'r') throw errno(code, 'open', String(path));
      return fs.openSync(path, flags ?? 'r', mode);
    }) as typeof fs.openSync,
  };
}

/**
 * `fs` (a WriteFs, maybe faulty) behind the asynchronous writer's interface: each call runs at once
 * on this thread and settles in a microtask, so under fake timers a keep() finishes within the same
 * fake moment (real asynchronous I/O finishes in real time while fake time races ahead).
 */
export function asyncOf(fs: WriteFs): AsyncWriteFs {
  const run = <T>(f: () => T): Promise<T> => new Promise((resolve) => resolve(f()));
  return {
    open: (path, flags, mode) =>
      run(() => {
        const fd = fs.openSync(path, flags, mode);
        return {
          write: (buf: Uint8Array, offset: number, length: number) => run(() => ({ bytesWritten: fs.writeSync(fd, buf, offset, length) })),
          sync: () => run(() => fs.fsyncSync(fd)),
          close: () => run(() => fs.closeSync(fd)),
        };
      }),
    link: (a, b) => run(() => fs.linkSync(a, b)),
    rename: (a, b) => run(() => fs.renameSync(a, b)),
    unlink: (p) => run(() => fs.unlinkSync(p)),
    lstat: (p) => run(() => fs.lstatSync(p)),
  };
}
