import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { InvalidValueError } from '../../src/errors';
import { readMidiFile } from '../../src/midi-file/read';
import { writeMidiFile } from '../../src/midi-file/write';
import { checkTempo } from '../../src/models/controls';
import { modelSpec, parseRequest } from '../../src/models/registry';
import type { ModelSpec, PartRequest } from '../../src/models/spec';
import type { Sequence } from '../../src/music/sequence';
import { barsToTicks } from '../../src/time/units';
import type { DrumImpl } from '../models/load';
import { chooseImpl } from '../models/load';
import { startPart } from '../models/start-part';
import { parseBackendName, parseEngineChoice } from '../engine/auto';
import { loadPreset } from '../presets';
import { writeFileAtomic } from '../fs/atomic-write';
import { readInputFile } from '../fs/read-input';
import { planOutputs } from './output-files';

/** Flags of `tandem generate` as commander hands them over (strings until checked). */
export interface GenerateFlags {
  model: string;
  modelImpl: string;
  genre?: string;
  density?: string;
  bars?: string;
  temperature?: string;
  seed?: string;
  count?: string;
  fillEvery?: string;
  key?: string;
  chords?: string;
  bpm: string;
  out: string;
  primer?: string;
  preset?: string;
  backend?: string;
  engine?: string;
  json?: boolean;
  quiet?: boolean;
  /** Replace existing files of the same names. */
  force?: boolean;
}

export interface GenerateResult {
  files: string[];
  notes: number;
  /** Implementation that ran ('drums-gru', 'melody-ngram'). */
  model: string;
  engine: string;
  backend?: string;
  /** Where it ran and, for `--engine auto`, why there ("drums-gru in this process (no GPU here: ...)"). */
  where: string;
  ms: number;
  request: Omit<PartRequest, 'primer' | 'style'> & { model: string; genre: string; primerBars: number; bpm: number };
  /** Notes (drums: hits) per bar, per file. */
  onsetsPerBar: number[];
  note?: string;
  /** The sequences written (not printed by --json). */
  sequences: Sequence[];
}

function checkChoice(field: string, value: string, allowed: readonly string[]): string {
  if (!allowed.includes(value)) throw new InvalidValueError(field, value, `one of ${allowed.join(', ')}`);
  return value;
}

/** Largest primer file read (the largest .mid in the datasets is 152 KB). */
export const PRIMER_MAX_BYTES = 4 << 20;

function readPrimerBytes(path: string): Buffer {
  if (!existsSync(path)) throw new InvalidValueError('primer', path, 'a path to an existing .mid file');
  return readInputFile(path, { what: 'primer', maxBytes: PRIMER_MAX_BYTES });
}

/**
 * Reads a primer .mid for a model: its notes on the model's MIDI channel (all notes when none
 * are), moved onto that channel, whole bars of 4/4 by the file's length.
 */
export function readPrimer(path: string, spec: ModelSpec): Sequence {
  return primerSequence(readPrimerBytes(path), path, spec);
}

function primerSequence(bytes: Uint8Array, path: string, spec: ModelSpec): Sequence {
  const { sequence } = readMidiFile(bytes, path);
  const own = sequence.notes.filter((n) => n.channel === spec.channel);
  const notes = (own.length ? own : sequence.notes).map((n) => ({ ...n, channel: spec.channel }));
  if (notes.length === 0) throw new InvalidValueError('primer', path, `a .mid file with notes (${spec.name}: channel ${spec.channel + 1})`);
  // The file's length (not its last note) says how many bars it holds.
  const bars = Math.max(1, Math.round(sequence.totalTicks / barsToTicks(1)));
  return { notes, tempos: sequence.tempos, meters: sequence.meters, totalTicks: bars * barsToTicks(1) };
}

/** A folder-mode file name stem that carries every setting that changes the notes. */
export function settingsStem(impl: string, req: PartRequest, bpm: number, primer?: Uint8Array): string {
  const hash = (x: string | Uint8Array) => createHash('sha256').update(x).digest('hex').slice(0, 8);
  const p = primer ? `-p${hash(primer)}` : '';
  const key = req.key ? `-k${req.key.replace(/[^A-Za-z0-9#]+/g, '')}` : '';
  const chords = req.chords ? `-c${hash(req.chords)}` : '';
  return `${impl}-${req.style ?? 'any'}-d${req.density}-t${req.temperature}-b${req.bars}-f${req.fillEvery}${key}${chords}-${bpm}bpm${p}-s${req.seed}`;
}

export async function runGenerate(flags: GenerateFlags): Promise<GenerateResult> {
  const spec = modelSpec(flags.model);
  const impl = checkChoice('model-impl', flags.modelImpl, ['network', 'baseline']) as DrumImpl;
  const engineChoice = parseEngineChoice(flags.engine);
  const backend = flags.backend === undefined ? undefined : parseBackendName(flags.backend);
  const preset = flags.preset ? loadPreset(flags.preset) : undefined;
  if (preset && preset.model !== spec.name)
    throw new InvalidValueError(
      'preset',
      flags.preset,
      `a preset for the ${spec.name} model (${flags.preset} is for ${preset.model}): add --model ${preset.model}`,
    );
  const bpm = checkTempo(flags.bpm);
  const req = parseRequest(spec.name, {
    style: flags.genre ?? preset?.genre,
    density: flags.density ?? preset?.density,
    bars: flags.bars ?? preset?.bars,
    temperature: flags.temperature ?? preset?.temperature,
    seed: flags.seed,
    count: flags.count,
    fillEvery: flags.fillEvery ?? preset?.fillEvery,
    key: flags.key,
    chords: flags.chords,
  });
  const primerBytes = flags.primer ? readPrimerBytes(flags.primer) : undefined;
  if (primerBytes) req.primer = primerSequence(primerBytes, flags.primer!, spec);
  // Checked before the model runs: nothing is replaced without --force, the primer never.
  const files = planOutputs({
    out: flags.out,
    count: req.count,
    stem: settingsStem(chooseImpl(spec, impl).impl.id, req, bpm, primerBytes),
    force: flags.force ?? false,
    primer: flags.primer,
  });
  const primerBars = req.primer ? Math.round(req.primer.totalTicks / barsToTicks(1)) : 0;
  if (primerBars >= req.bars) throw new InvalidValueError('primer', `${primerBars} bars`, `shorter than the requested length (${req.bars} bars): raise --bars`);
  // Networks the engine runs go there (Chromium when a browser is found); the rest run here.
  const started = await startPart(spec, { impl, engine: engineChoice, backend, mode: 'batch', count: req.count });
  let sequences: Sequence[];
  let ms: number;
  try {
    const t0 = performance.now();
    sequences = await started.model.generate(req);
    ms = performance.now() - t0;
  } finally {
    await started.close();
  }
  const style = req.style ?? 'any';
  let notes = 0;
  sequences.forEach((seq, i) => {
    seq.tempos = [{ ticks: 0, bpm }];
    notes += seq.notes.length;
    writeFileAtomic(
      files[i],
      writeMidiFile(seq, {
        format: 1,
        name: `Tandem ${spec.name} ${style} d${req.density} #${req.seed}.${i + 1}`,
        channelNames: { [spec.channel]: spec.trackName },
      }),
      { replace: flags.force, mkdir: true },
    );
  });
  const { primer, style: _style, ...plain } = req;
  void primer;
  void _style;
  return {
    files,
    notes,
    model: started.id,
    engine: started.engine,
    backend: started.backend,
    where: started.where,
    ms: Math.round(ms * 10) / 10,
    request: { model: spec.name, genre: style, ...plain, primerBars, bpm },
    onsetsPerBar: sequences.map((s) => Math.round((s.notes.length / req.bars) * 10) / 10),
    note: started.note,
    sequences,
  };
}
