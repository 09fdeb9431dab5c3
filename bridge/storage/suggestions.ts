import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeMidiFile } from '../../src/midi-file/write';
import type { Sequence } from '../../src/music/sequence';

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

/**
 * Saves every suggestion as a .mid file and a line in the session log (session.jsonl) before it
 * is played or written anywhere, so nothing is lost if the process dies.
 */
export class SuggestionStore {
  readonly dir: string;
  private count = 0;

  constructor(root = 'tandem-out', session = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)) {
    this.dir = resolve(root, session);
    mkdirSync(this.dir, { recursive: true });
  }

  /** Writes the file and the log line synchronously; returns the file path. */
  save(seq: Sequence, meta: SuggestionMeta): string {
    this.count++;
    const name = `${String(this.count).padStart(4, '0')}-${meta.model}-${meta.genre ?? 'any'}-d${meta.density}-s${meta.seed}.mid`;
    const file = join(this.dir, name);
    writeFileSync(file, writeMidiFile(seq, { format: 1, name: `Tandem ${meta.genre ?? ''} d${meta.density} #${meta.seed}` }));
    appendFileSync(join(this.dir, 'session.jsonl'), JSON.stringify({ file: name, savedAt: new Date().toISOString(), ...meta }) + '\n');
    return file;
  }

  get saved(): number {
    return this.count;
  }
}
