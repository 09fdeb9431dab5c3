import * as nodeFs from 'node:fs';
import * as nodeFsPromises from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, resolve } from 'node:path';
import { errnoCode, FileAccessError } from './errors';

/**
 * The file-system calls the writer makes. Tests pass a wrapper that fails some of them (ENOSPC
 * half-way through a write, EROFS on open) to check that nothing half-written is left behind.
 */
export type WriteFs = Pick<
  typeof nodeFs,
  'openSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'linkSync' | 'renameSync' | 'unlinkSync' | 'lstatSync' | 'statSync' | 'mkdirSync'
>;

export interface AtomicWriteOptions {
  /** Replace an existing regular file (the CLI's --force). Default false: an existing file is an error. */
  replace?: boolean;
  /** Create the missing folders above the file. Default false. */
  mkdir?: boolean;
  /** File-system calls to use (default node:fs). */
  fs?: WriteFs;
}

/** Prefix of the temporary files the writer leaves only while it works (and a sweep may remove). */
export const TEMP_PREFIX = '.tandem-';

/**
 * Writes `data` to `path` so that readers (and a crash, or a full disk) see either nothing, the old
 * file or the whole new file, never part of one:
 * the bytes go to a temporary name in the same folder (created exclusively, so a planted file or link
 * there is never followed), are flushed with fsync, and are then put in place with link() (which
 * fails when `path` exists: nothing is replaced) or, with `replace`, rename(). A symbolic link at
 * `path` is refused, never written through. On any failure the temporary file is removed and a
 * {@link FileAccessError} says, in one line, which path and why.
 * @returns the absolute path written.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): string {
  const fs = opts.fs ?? nodeFs;
  const file = resolve(path);
  const dir = dirname(file);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (opts.mkdir) {
    try {
      makeFolders(dir, fs);
    } catch (err) {
      throw FileAccessError.from(err, file, 'write');
    }
  }
  checkTarget(fs, file, opts.replace ?? false);
  const tmp = tempName(dir);
  let fd: number | undefined;
  let created = false;
  try {
    fd = fs.openSync(tmp, 'wx', 0o644);
    created = true;
    let at = 0;
    while (at < bytes.length) at += fs.writeSync(fd, bytes, at, bytes.length - at);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    if (opts.replace) fs.renameSync(tmp, file);
    else linkInPlace(fs, tmp, file);
    created = false;
  } catch (err) {
    if (fd !== undefined) tryQuietly(() => fs.closeSync(fd!));
    if (created) tryQuietly(() => fs.unlinkSync(tmp));
    throw FileAccessError.from(err, file, 'write');
  }
  syncFolder(dir);
  return file;
}

/** An open file of {@link AsyncWriteFs} (node:fs/promises' FileHandle has these). */
export interface AsyncFileHandle {
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The file-system calls the asynchronous writer makes (node:fs/promises; tests inject a slow or full disk). */
export interface AsyncWriteFs {
  open(path: string, flags: string, mode?: number): Promise<AsyncFileHandle>;
  link(existing: string, path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  lstat(path: string): Promise<nodeFs.Stats>;
}

export interface AsyncAtomicWriteOptions {
  /** Replace an existing regular file. Default false: an existing file is an error. */
  replace?: boolean;
  /** File-system calls to use (default node:fs/promises). */
  fs?: AsyncWriteFs;
}

/**
 * {@link writeFileAtomic} without blocking the calling thread: the same steps (temporary name created
 * exclusively, fsync, link or rename, fsync of the folder), each an asynchronous call that Node runs
 * on its I/O threads, so a slow disk (an fsync can take tens of ms, seconds on a busy or network disk)
 * never holds up the event loop, and with it a live session's scheduler. The folder must exist.
 * Rejects with a {@link FileAccessError} naming the path and the reason; nothing half-written is left.
 * @returns the absolute path written.
 */
export async function writeFileAtomicAsync(path: string, data: string | Uint8Array, opts: AsyncAtomicWriteOptions = {}): Promise<string> {
  const fs = opts.fs ?? nodeFsPromises;
  const file = resolve(path);
  const dir = dirname(file);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const replace = opts.replace ?? false;
  let st: nodeFs.Stats | undefined;
  try {
    st = await fs.lstat(file);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw FileAccessError.from(err, file, 'write');
  }
  const problem = st && targetProblem(st, file, replace);
  if (problem) throw problem;
  const tmp = tempName(dir);
  let handle: AsyncFileHandle | undefined;
  let created = false;
  try {
    handle = await fs.open(tmp, 'wx', 0o644);
    created = true;
    let at = 0;
    while (at < bytes.length) at += (await handle.write(bytes, at, bytes.length - at)).bytesWritten;
    await handle.sync();
    await handle.close();
    handle = undefined;
    if (replace) await fs.rename(tmp, file);
    else await linkInPlaceAsync(fs, tmp, file);
    created = false;
  } catch (err) {
    if (handle) await handle.close().catch(() => undefined);
    if (created) await fs.unlink(tmp).catch(() => undefined);
    throw FileAccessError.from(err, file, 'write');
  }
  // Makes the rename itself durable (best effort: some systems cannot open a folder).
  const folder = await fs.open(dir, 'r').catch(() => undefined);
  if (folder)
    await folder
      .sync()
      .catch(() => undefined)
      .finally(() => folder.close().catch(() => undefined));
  return file;
}

/** A fresh temporary name in `dir` (the writer creates it exclusively). */
function tempName(dir: string): string {
  return resolve(dir, `${TEMP_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/** linkInPlace, asynchronously. */
async function linkInPlaceAsync(fs: AsyncWriteFs, tmp: string, file: string): Promise<void> {
  try {
    await fs.link(tmp, file);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'EEXIST') {
      await fs.unlink(tmp).catch(() => undefined);
      throw exists(file);
    }
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
    const st = await fs.lstat(file).catch((e: unknown) => (errnoCode(e) === 'ENOENT' ? undefined : Promise.reject(e)));
    const problem = st && targetProblem(st, file, false);
    if (problem) throw problem;
    await fs.rename(tmp, file);
    return;
  }
  await fs.unlink(tmp);
}

/**
 * `mkdir -p`, one folder at a time. Node's own `mkdirSync(dir, { recursive: true })` loops forever
 * where mkdir answers ENOENT for a folder whose parent exists (under /proc, for one); this fails.
 * Throws the Node error (ENOTDIR when a part of the path is a file).
 */
export function makeFolders(dir: string, fs: Pick<WriteFs, 'statSync' | 'mkdirSync'> = nodeFs): void {
  const missing: string[] = [];
  for (let cur = resolve(dir); ;) {
    let st: nodeFs.Stats;
    try {
      st = fs.statSync(cur);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
      missing.push(cur);
      const up = dirname(cur);
      if (up === cur) break;
      cur = up;
      continue;
    }
    if (!st.isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a folder, '${cur}'`), { code: 'ENOTDIR', path: cur });
    break;
  }
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d);
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err;
    }
  }
}

/** Puts the finished temporary file at `file` without replacing anything there. */
function linkInPlace(fs: WriteFs, tmp: string, file: string): void {
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'EEXIST') {
      tryQuietly(() => fs.unlinkSync(tmp));
      throw exists(file);
    }
    // File systems without hard links (some FAT and network mounts): checked just above, rename.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
    checkTarget(fs, file, false);
    fs.renameSync(tmp, file);
    return;
  }
  fs.unlinkSync(tmp);
}

/** Refuses a link at `file`, anything that is not a regular file, and an existing file unless `replace`. */
function checkTarget(fs: WriteFs, file: string, replace: boolean): void {
  let st: nodeFs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return;
    throw FileAccessError.from(err, file, 'write');
  }
  const problem = targetProblem(st, file, replace);
  if (problem) throw problem;
}

/** Why what is at `file` (its lstat) must not be written, or undefined when it may. */
function targetProblem(st: nodeFs.Stats, file: string, replace: boolean): FileAccessError | undefined {
  if (st.isSymbolicLink())
    return new FileAccessError(file, 'write', 'it is a symbolic link; Tandem does not write through links (remove it or choose another name)', true);
  if (st.isDirectory()) return new FileAccessError(file, 'write', 'it is a folder, not a file', true);
  if (!st.isFile()) return new FileAccessError(file, 'write', 'it is not a regular file', true);
  if (!replace) return exists(file);
  return undefined;
}

function exists(file: string): FileAccessError {
  return new FileAccessError(file, 'write', `${basename(file)} already exists (use --force to replace it)`, true, 'EEXIST');
}

/** Makes the rename itself durable (best effort: some systems cannot open a folder). */
function syncFolder(dir: string): void {
  tryQuietly(() => {
    const fd = nodeFs.openSync(dir, 'r');
    try {
      nodeFs.fsyncSync(fd);
    } finally {
      nodeFs.closeSync(fd);
    }
  });
}

function tryQuietly(fn: () => void): void {
  try {
    fn();
  } catch {
    // cleanup after an error that is already being reported
  }
}
