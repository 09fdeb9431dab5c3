import { lstatSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidValueError } from '../../src/errors';
import { readMidiFile } from '../../src/midi-file/read';
import { MODEL_SPECS } from '../../src/models/registry';
import type { Sequence } from '../../src/music/sequence';
import { readInputFile } from '../fs/read-input';
import { listSessions, markKeptInLog, readSessionLog, type SessionLogLine } from '../storage/session-log';
import type { SavedSuggestion, SuggestionStore } from '../storage/suggestions';
import { panelMeter, REF_PATTERN, type PanelItem, type PanelMeter, type PanelNote } from './protocol';

export interface PanelHistoryOptions {
  /** Past session folders read at start, newest first (default 20). */
  maxSessions: number;
  /** Suggestions listed at most (default 400; the oldest drop out). */
  maxItems: number;
  log: (line: string) => void;
}

export const HISTORY_DEFAULTS: Readonly<Omit<PanelHistoryOptions, 'log'>> = Object.freeze({ maxSessions: 20, maxItems: 400 });

/** Largest .mid the panel reads or serves (bytes). */
export const MAX_MID_BYTES = 2 * 1024 * 1024;

/** The registry name of the part an implementation id belongs to ('drums-gru' -> 'drums'). */
export function partOfImpl(impl: string): string {
  return MODEL_SPECS.find((s) => s.implementations.some((i) => i.id === impl))?.name ?? impl.split('-')[0];
}

/** The meter a sequence starts in (4/4 when it names none). */
export function meterOf(seq: Sequence): PanelMeter {
  const m = seq.meters[0]?.meter;
  return m ? panelMeter(m.numerator, m.denominator) : panelMeter(4, 4);
}

/** Notes of a sequence as the page gets them. */
export function toPanelNotes(seq: Sequence): PanelNote[] {
  return seq.notes.map((n) => [n.pitch, n.velocity, n.startTicks, n.durationTicks, n.channel]);
}

/**
 * The suggestions the panel lists: those of the recent session folders under the output root (read
 * once at start, so they survive a restart) and those this run saves. A reference names a folder and
 * a file that are in this index: nothing else under the root (or outside it) can be read or marked.
 */
export class PanelHistory {
  private readonly items = new Map<string, PanelItem>();
  private readonly root: string;
  private readonly opts: PanelHistoryOptions;

  constructor(
    private readonly store: SuggestionStore,
    opts: Partial<PanelHistoryOptions> = {},
  ) {
    this.opts = { ...HISTORY_DEFAULTS, log: (l) => console.error(l), ...opts };
    this.root = dirname(store.dir);
    const current = basename(store.dir);
    const sessions = listSessions(this.root)
      .filter((s) => s !== current)
      .slice(0, this.opts.maxSessions);
    // Oldest first into the map, so the newest are last (list() reverses).
    for (const session of sessions.reverse()) {
      try {
        const { lines, skipped } = readSessionLog(join(this.root, session));
        if (skipped) this.opts.log(`tandem: panel: ${skipped} unreadable line(s) in ${join(this.root, session, 'session.jsonl')} left out`);
        for (const line of lines) this.put(fromLogLine(session, line, false));
      } catch (err) {
        this.opts.log(`tandem: panel: history of ${session} left out (${(err as Error).message})`);
      }
    }
  }

  /** Newest first; notes only for the newest `withNotes` of this run (the page asks for others when opened). */
  list(withNotes = 16): PanelItem[] {
    let left = withNotes;
    return [...this.items.values()].reverse().map((it) => {
      if (it.live && left-- > 0) return it;
      const { notes: _n, totalTicks: _t, ...rest } = it;
      return rest;
    });
  }

  /** Adds a suggestion this run saved (with its notes). */
  add(s: SavedSuggestion): PanelItem {
    const item: PanelItem = {
      ...fromLogLine(s.session, { file: s.name, savedAt: s.savedAt, ...s.meta }, true),
      notes: toPanelNotes(s.sequence),
      totalTicks: s.sequence.totalTicks,
      meter: meterOf(s.sequence),
    };
    this.put(item);
    return item;
  }

  /** The item a reference names, or InvalidValueError. */
  get(ref: string): PanelItem {
    const item = REF_PATTERN.test(ref) ? this.items.get(ref) : undefined;
    if (!item) throw new InvalidValueError('suggestion', ref, 'one listed in the panel (a "<session>/<file>.mid" of this output folder)');
    return item;
  }

  /** Absolute path of a listed suggestion's .mid (a regular file, not a link). */
  path(ref: string): string {
    const item = this.get(ref);
    const file = resolve(this.root, item.session, item.file);
    const st = lstatSync(file, { throwIfNoEntry: false });
    if (!st?.isFile()) throw new InvalidValueError('suggestion', ref, 'a saved .mid that is still there (it was moved or removed)');
    return file;
  }

  /** The .mid's bytes (at most MAX_MID_BYTES). */
  bytes(ref: string): Buffer {
    return readInputFile(this.path(ref), { what: 'suggestion', maxBytes: MAX_MID_BYTES });
  }

  /** The notes of a listed suggestion, read from its .mid (kept in memory once read). */
  notes(ref: string): { notes: PanelNote[]; totalTicks: number; meter: PanelMeter } {
    const item = this.get(ref);
    if (!item.notes) {
      const seq = readMidiFile(this.bytes(ref), ref).sequence;
      item.notes = toPanelNotes(seq);
      item.totalTicks = seq.totalTicks;
      item.meter = meterOf(seq);
    }
    return { notes: item.notes, totalTicks: item.totalTicks ?? 0, meter: item.meter ?? panelMeter(4, 4) };
  }

  /** Marks a suggestion kept in its session's log (the running store's, or a past folder's). */
  keep(ref: string): void {
    const item = this.get(ref);
    const ok = item.session === basename(this.store.dir) ? this.store.markKept(item.file) : markKeptInLog(join(this.root, item.session), item.file);
    if (!ok) throw new InvalidValueError('suggestion', ref, 'one whose session log still lists it');
    item.kept = true;
  }

  private put(item: PanelItem): void {
    this.items.delete(item.ref);
    this.items.set(item.ref, item);
    while (this.items.size > this.opts.maxItems) this.items.delete(this.items.keys().next().value as string);
  }
}

function fromLogLine(session: string, l: SessionLogLine, live: boolean): PanelItem {
  const num = (v: unknown, d = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  const impl = typeof l.model === 'string' ? l.model : '?';
  return {
    ref: `${session}/${l.file}`,
    session,
    file: l.file,
    part: partOfImpl(impl),
    impl,
    style: typeof l.genre === 'string' ? l.genre : 'any',
    density: num(l.density),
    seed: num(l.seed, -1),
    bars: num(l.bars),
    bpm: num(l.bpm, 120),
    atTicks: typeof l.atTicks === 'number' ? l.atTicks : undefined,
    savedAt: typeof l.savedAt === 'string' ? l.savedAt : '',
    kept: l.kept === true,
    live,
  };
}
