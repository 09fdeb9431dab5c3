import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { writeMidiFile } from '../../src/midi-file/write';
import type { Sequence } from '../../src/music/sequence';
import { makeFolders, writeFileAtomic, writeFileAtomicAsync, type AsyncWriteFs, type WriteFs } from '../fs/atomic-write';
import { errnoCode, FileAccessError } from '../fs/errors';

/** What was asked for, saved next to each suggestion so it can be made again. */
export interface SuggestionMeta {
  model: string;
  genre?: string;
  density: number;
  temperature: number;
  seed: number;
  bars: number;
  bpm: number;
  /** Song position (ticks) the suggestion was made for, in a live session. */
  atTicks?: number;
  [key: string]: unknown;
}

/** A suggestion just saved: what {@link SuggestionStore.onSave} listeners get. */
export interface SavedSuggestion {
  /** Absolute path of the .mid. */
  file: string;
  /** Its name in the session folder. */
  name: string;
  /** The session folder's name (under the store's root). */
  session: string;
  sequence: Sequence;
  meta: SuggestionMeta;
  savedAt: string;
}

export interface SuggestionStoreOptions {
  /** Where "cannot save" warnings go (default stderr). */
  log?: (line: string) => void;
  /** Clock for spacing the warnings, in ms (default performance.now). */
  now?: () => number;
  /** Shortest time between two "cannot save" warnings, in ms (default 60,000). */
  warnEveryMs?: number;
  /** File-system calls of save() and markKept() (tests inject a full disk here). */
  fs?: WriteFs;
  /** File-system calls of keep()'s writes, which never block this thread (default node:fs/promises; tests inject a slow or full disk). */
  asyncFs?: AsyncWriteFs;
}

/** Most attempts at a free session folder name (`<name>`, `<name>-2`, ...). */
const MAX_SESSION_SUFFIX = 1000;

/**
 * Saves every suggestion as a .mid file and a line in the session log (session.jsonl) before it
 * is played or written anywhere, so nothing is lost if the process dies. Each write is atomic (a
 * temporary name, fsync, rename): a file in the folder is whole or absent, never empty or cut.
 * The session folder is created exclusively: two sessions never share one.
 */
export class SuggestionStore {
  readonly dir: string;
  private count = 0;
  private readonly logLines: string[] = [];
  private readonly opts: SuggestionStoreOptions;
  private failed = 0;
  private lastWarnAt = -Infinity;
  /** The last reason a save failed, while saving fails. */
  lastError: FileAccessError | undefined;
  private readonly listeners = new Set<(s: SavedSuggestion) => void>();
  /** keep() writes, one after another. */
  private queue: Promise<void> = Promise.resolve();
  /** keep() writes asked for and not finished. */
  private writing = 0;

  constructor(root = 'tandem-out', session = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19), opts: SuggestionStoreOptions = {}) {
    this.opts = opts;
    const base = resolve(root);
    try {
      makeFolders(base);
    } catch (err) {
      throw FileAccessError.from(err, base, 'write');
    }
    this.dir = createExclusive(base, session);
  }

  /**
   * Writes the .mid file and the log line (synchronously, each atomically); returns the file path.
   * Throws a {@link FileAccessError} (one line: path and reason) when the disk refuses. For a live
   * session use {@link keep}, which never blocks the thread; do not mix the two in one store while
   * keep() writes are under way (the log is rewritten whole by each).
   */
  save(seq: Sequence, meta: SuggestionMeta): string {
    const entry = this.nextEntry(seq, meta);
    const file = writeFileAtomic(entry.file, entry.bytes, { fs: this.opts.fs });
    writeFileAtomic(this.logFile, this.logWith(entry.line), { replace: true, fs: this.opts.fs });
    return this.recordSaved(entry, file);
  }

  /** The next suggestion's name, bytes and log line. */
  private nextEntry(
    seq: Sequence,
    meta: SuggestionMeta,
  ): { name: string; file: string; bytes: Uint8Array; line: string; seq: Sequence; meta: SuggestionMeta; savedAt: string } {
    this.count++;
    const name = `${String(this.count).padStart(4, '0')}-${meta.model}-${meta.genre ?? 'any'}-d${meta.density}-s${meta.seed}.mid`;
    const bytes = writeMidiFile(seq, { format: 1, name: `Tandem ${meta.genre ?? ''} d${meta.density} #${meta.seed}` });
    const savedAt = new Date().toISOString();
    return { name, file: join(this.dir, name), bytes, line: JSON.stringify({ file: name, savedAt, ...meta }), seq, meta, savedAt };
  }

  private get logFile(): string {
    return join(this.dir, 'session.jsonl');
  }

  /** The whole log with `line` added (it is rewritten by rename, so never left with half a line). */
  private logWith(line?: string): string {
    return [...this.logLines, ...(line === undefined ? [] : [line])].join('\n') + '\n';
  }

  /** Records a suggestion whose .mid and log line are on disk, and tells the listeners. */
  private recordSaved(entry: ReturnType<SuggestionStore['nextEntry']>, file: string): string {
    this.logLines.push(entry.line);
    const saved: SavedSuggestion = { file, name: entry.name, session: basename(this.dir), sequence: entry.seq, meta: entry.meta, savedAt: entry.savedAt };
    for (const l of this.listeners) {
      // A listener's failure is its own (logged once here): the suggestion is saved either way.
      try {
        l(saved);
      } catch (err) {
        this.say(`tandem: after saving ${entry.name}: ${(err as Error).message}`);
      }
    }
    return file;
  }

  /** Calls `listener` after each suggestion is saved (the web panel draws them); returns the unsubscribe. */
  onSave(listener: (s: SavedSuggestion) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Marks a saved suggestion as kept in the session log (its line gains `"kept": true` and
   * `keptAt`); the log is rewritten atomically like on save. Returns false when no line names it.
   */
  markKept(name: string): boolean {
    const i = this.logLines.findIndex((l) => (JSON.parse(l) as { file?: unknown }).file === name);
    if (i < 0) return false;
    const lines = [...this.logLines];
    lines[i] = JSON.stringify({ ...(JSON.parse(lines[i]) as object), kept: true, keptAt: new Date().toISOString() });
    if (this.writing === 0) {
      writeFileAtomic(this.logFile, lines.join('\n') + '\n', { replace: true, fs: this.opts.fs });
      this.logLines.splice(0, this.logLines.length, ...lines);
      return true;
    }
    // keep() writes are under way: the log is rewritten after them, in turn (a failure is said like theirs).
    this.logLines.splice(0, this.logLines.length, ...lines);
    this.queue = this.queue.then(() =>
      this.write(this.logFile, this.logWith(), true).then(
        () => undefined,
        (err: unknown) => this.say(`tandem: cannot mark ${name} kept: ${(err as Error).message}`),
      ),
    );
    return true;
  }

  /**
   * Saves like {@link save}, without blocking this thread and without ever rejecting: a live
   * session awaits it before it queues the phrase (a suggestion is on disk before it is played),
   * and the scheduler and the clock run on while the disk works (two fsyncs, 3-82 ms measured here,
   * seconds on a slow disk). Saves happen one after another, in the order asked. When the disk is
   * full the session plays on from memory: the first failure is reported at once, later ones at most
   * once a minute (with how many were not saved). Resolves to the file, or undefined when it could
   * not be saved.
   */
  keep(seq: Sequence, meta: SuggestionMeta): Promise<string | undefined> {
    this.writing++;
    const job = this.queue.then(async () => {
      try {
        const entry = this.nextEntry(seq, meta);
        const file = await this.write(entry.file, entry.bytes, false);
        await this.write(this.logFile, this.logWith(entry.line), true);
        if (this.lastError) {
          this.say(`tandem: saving suggestions in ${this.dir} works again (${this.failed} were not saved)`);
          this.lastError = undefined;
        }
        return this.recordSaved(entry, file);
      } catch (err) {
        this.failedToKeep(err);
        return undefined;
      } finally {
        this.writing--;
      }
    });
    this.queue = job.then(() => undefined);
    return job;
  }

  /** Resolves when every keep() asked so far is written (or has failed). */
  flush(): Promise<void> {
    return this.queue;
  }

  /** One atomic write for keep(), off the event loop. */
  private write(path: string, data: string | Uint8Array, replace: boolean): Promise<string> {
    return writeFileAtomicAsync(path, data, { replace, fs: this.opts.asyncFs });
  }

  private failedToKeep(err: unknown): void {
    const e = err instanceof FileAccessError ? err : FileAccessError.from(err, this.dir, 'write');
    this.failed++;
    this.lastError = e;
    const now = (this.opts.now ?? (() => performance.now()))();
    if (now - this.lastWarnAt >= (this.opts.warnEveryMs ?? 60_000)) {
      this.lastWarnAt = now;
      this.say(`tandem: cannot save suggestions: ${e.message}; playing on from memory (${this.failed} not saved so far)`);
    }
  }

  /** Suggestions saved so far. */
  get saved(): number {
    return this.logLines.length;
  }

  /** Suggestions that {@link keep} could not save. */
  get unsaved(): number {
    return this.failed;
  }

  private say(line: string): void {
    (this.opts.log ?? ((l) => console.error(l)))(line);
  }
}

/** Creates `root/name`, or `root/name-2`, ... : the first that did not exist (mkdir fails on EEXIST). */
function createExclusive(root: string, name: string): string {
  for (let i = 1; i <= MAX_SESSION_SUFFIX; i++) {
    const dir = join(root, i === 1 ? name : `${name}-${i}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw FileAccessError.from(err, dir, 'write');
    }
  }
  throw new FileAccessError(join(root, name), 'write', `${MAX_SESSION_SUFFIX} session folders of that name exist already`, false);
}
