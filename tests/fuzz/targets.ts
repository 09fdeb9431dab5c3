import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runGenerate, type GenerateFlags } from '../../bridge/cli/generate';
import { errnoCode } from '../../bridge/fs/errors';
import { TEMP_PREFIX } from '../../bridge/fs/atomic-write';
import { loadPreset, PRESETS_DIR } from '../../bridge/presets';
import { readMidiFile } from '../../src/midi-file/read';
import { TandemError } from '../../src/errors';
import { makeRng } from '../../src/random';
import { mutateMidi, mutatePreset } from './mutate';

/**
 * What one fuzz case came to, as a user at the CLI would see it:
 * ok: a valid groove was written; refused: one clear line (a TandemError, or a file-system error
 * naming its path), as the CLI prints it; crash: anything the CLI would print as a stack trace;
 * hang: slower than `hangMs`; lost: the run said ok but a file is missing, unreadable or a
 * temporary file was left behind.
 */
export type Outcome = 'ok' | 'refused' | 'crash' | 'hang' | 'lost';
export const OUTCOMES: readonly Outcome[] = ['ok', 'refused', 'crash', 'hang', 'lost'];

export interface CaseResult {
  outcome: Outcome;
  kind: string;
  detail: string;
  ms: number;
}

export interface FuzzSummary {
  counts: Record<Outcome, number>;
  bad: CaseResult[];
}

const BASE: GenerateFlags = { model: 'drums', modelImpl: 'baseline', bpm: '120', out: '', bars: '16', json: true, quiet: true };

/** A line the CLI would print for this error, or undefined when it would print a stack trace. */
function clearLine(err: unknown): string | undefined {
  if (err instanceof TandemError) return err.message;
  const e = err as NodeJS.ErrnoException;
  if (errnoCode(err) && typeof e.path === 'string') return `cannot ${e.syscall} ${e.path}`;
  return undefined;
}

async function runCase(kind: string, flags: GenerateFlags, hangMs: number): Promise<CaseResult> {
  const t0 = performance.now();
  let outcome: Outcome;
  let detail = '';
  try {
    const res = await runGenerate(flags);
    outcome = 'ok';
    for (const f of res.files) {
      try {
        if (readMidiFile(readFileSync(f), f).sequence.totalTicks <= 0) throw new Error('empty groove');
      } catch (err) {
        outcome = 'lost';
        detail = `${f}: ${(err as Error).message}`;
      }
    }
  } catch (err) {
    const line = clearLine(err);
    // One line, and one that says something: "undefined" or "NaN" in it is a bug too.
    if (line !== undefined && !line.includes('\n') && !/\bundefined\b|\bNaN\b/.test(line)) {
      outcome = 'refused';
      detail = line;
    } else {
      outcome = 'crash';
      detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    }
  }
  const leftovers = readdirSync(dirname(flags.out)).filter((n) => n.startsWith(TEMP_PREFIX));
  if (leftovers.length) {
    outcome = 'lost';
    detail = `temporary files left: ${leftovers.join(', ')}`;
  }
  const ms = performance.now() - t0;
  if (ms > hangMs && outcome !== 'crash') {
    outcome = 'hang';
    detail = `${Math.round(ms)} ms`;
  }
  return { outcome, kind, detail, ms };
}

function summarize(results: CaseResult[]): FuzzSummary {
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const r of results) counts[r.outcome]++;
  return { counts, bad: results.filter((r) => r.outcome === 'crash' || r.outcome === 'hang' || r.outcome === 'lost') };
}

/** Small real drum files from the Groove MIDI dataset, in a fixed order (the mutation sources). */
export function primerSources(datasets: string, max = 24): Uint8Array[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (found.length >= max) return;
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (name.endsWith('.mid') && st.size < 16_000) found.push(p);
    }
  };
  walk(join(datasets, 'groove-midi'));
  return found.map((f) => readFileSync(f));
}

/** `count` mutated primers (seeded) through `generate --primer`. */
export async function fuzzPrimers(opts: {
  sources: Uint8Array[];
  count: number;
  seed: number;
  dir: string;
  hangMs?: number;
  onCase?: (i: number, r: CaseResult) => void;
}): Promise<FuzzSummary> {
  const rng = makeRng(`primers-${opts.seed}`);
  const results: CaseResult[] = [];
  for (let i = 0; i < opts.count; i++) {
    const src = opts.sources[Math.floor(rng() * opts.sources.length)];
    const other = opts.sources[Math.floor(rng() * opts.sources.length)];
    const { bytes, kind } = mutateMidi(src, rng, other);
    const primer = join(opts.dir, `primer-${i}.mid`);
    writeFileSync(primer, bytes);
    const r = await runCase(kind, { ...BASE, primer, seed: String(i), out: join(opts.dir, `out-${i}.mid`) }, opts.hangMs ?? 10_000);
    results.push(r);
    opts.onCase?.(i, r);
  }
  return summarize(results);
}

/** `count` mutated presets (seeded) through `generate --preset`. */
export async function fuzzPresets(opts: {
  count: number;
  seed: number;
  dir: string;
  hangMs?: number;
  onCase?: (i: number, r: CaseResult) => void;
}): Promise<FuzzSummary> {
  const rng = makeRng(`presets-${opts.seed}`);
  const texts = readdirSync(PRESETS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readFileSync(join(PRESETS_DIR, f), 'utf8'));
  const results: CaseResult[] = [];
  for (let i = 0; i < opts.count; i++) {
    const { text, kind } = mutatePreset(texts[Math.floor(rng() * texts.length)], rng);
    const preset = join(opts.dir, `preset-${i}.json`);
    writeFileSync(preset, text);
    const r = await runCase(kind, { ...BASE, preset, bars: '2', seed: String(i), out: join(opts.dir, `preset-out-${i}.mid`) }, opts.hangMs ?? 10_000);
    // a preset that loads must be a valid one: the checks hold for what it returns
    if (r.outcome === 'ok') {
      try {
        const p = loadPreset(preset);
        if (Object.keys(p).length !== 8 || Object.getPrototypeOf(p) !== Object.prototype) throw new Error(`odd preset object: ${JSON.stringify(p)}`);
      } catch (err) {
        r.outcome = 'crash';
        r.detail = (err as Error).message;
      }
    }
    results.push(r);
    opts.onCase?.(i, r);
  }
  return summarize(results);
}
