import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { InvalidValueError } from '../../src/errors';
import { readMidiFile } from '../../src/midi-file/read';
import { writeMidiFile } from '../../src/midi-file/write';
import { parseDrumRequest, type DrumRequest } from '../../src/models/request';
import { quantizeDrums, gridToSequence, onsetsPerBar, drawGrid, type DrumGrid } from '../../src/tokens/drum-grid';
import { CLASS_LABELS } from '../../src/music/drum-map';
import { DRUM_CHANNEL } from '../../src/music/sequence';
import { TICKS_PER_STEP } from '../../src/time/units';
import { DRUM_NET_DIR, loadDrumNgram, loadMelodyNgram, hasDrumNet, type DrumImpl } from '../models/load';
import { createEngine, parseBackendName, parseEngineChoice } from '../engine/auto';
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
  model: string;
  engine: string;
  backend?: string;
  ms: number;
  request: Omit<DrumRequest, 'primer'> & { primerBars: number; bpm: number };
  onsetsPerBar: number[];
  note?: string;
}

export const MODELS = ['drums', 'melody', 'bass'] as const;

function checkChoice(field: string, value: string, allowed: readonly string[]): string {
  if (!allowed.includes(value)) throw new InvalidValueError(field, value, `one of ${allowed.join(', ')}`);
  return value;
}

/** Largest primer file read (the largest .mid in the datasets is 152 KB). */
export const PRIMER_MAX_BYTES = 4 << 20;

/** Reads a primer .mid into a drum grid (whole bars of 4/4). */
export function readPrimer(path: string): DrumGrid {
  return primerGrid(readPrimerBytes(path), path);
}

function readPrimerBytes(path: string): Buffer {
  if (!existsSync(path)) throw new InvalidValueError('primer', path, 'a path to an existing .mid file');
  return readInputFile(path, { what: 'primer', maxBytes: PRIMER_MAX_BYTES });
}

function primerGrid(bytes: Uint8Array, path: string): DrumGrid {
  const { sequence } = readMidiFile(bytes, path);
  const drums = sequence.notes.filter((n) => n.channel === DRUM_CHANNEL);
  const notes = drums.length ? drums : sequence.notes;
  if (notes.length === 0) throw new InvalidValueError('primer', path, 'a .mid file with drum notes (channel 10)');
  // The file's length (not its last hit) says how many bars it holds.
  return quantizeDrums(notes, Math.max(1, Math.round(sequence.totalTicks / TICKS_PER_STEP))).grid;
}

/** A folder-mode file name stem that carries every setting that changes the notes. */
export function settingsStem(model: string, req: DrumRequest, bpm: number, primer?: Uint8Array): string {
  const p = primer ? `-p${createHash('sha256').update(primer).digest('hex').slice(0, 8)}` : '';
  return `${model}-${req.genre ?? 'any'}-d${req.density}-t${req.temperature}-b${req.bars}-f${req.fillEvery}-${bpm}bpm${p}-s${req.seed}`;
}

export async function runGenerate(flags: GenerateFlags): Promise<GenerateResult> {
  checkChoice('model', flags.model, MODELS);
  if (flags.preset && flags.model !== 'drums') throw new InvalidValueError('preset', flags.preset, 'used with --model drums only');
  const impl = checkChoice('model-impl', flags.modelImpl, ['network', 'baseline']) as DrumImpl;
  const engineChoice = parseEngineChoice(flags.engine);
  const backend = flags.backend === undefined ? undefined : parseBackendName(flags.backend);
  const preset = flags.preset ? loadPreset(flags.preset) : undefined;
  const bpm = Number(flags.bpm);
  if (!Number.isFinite(bpm) || bpm < 20 || bpm > 300) throw new InvalidValueError('bpm', flags.bpm, 'a tempo from 20 to 300');
  const req = parseDrumRequest({
    genre: flags.model === 'drums' ? (flags.genre ?? preset?.genre ?? 'rock') : undefined,
    density: flags.density ?? preset?.density,
    bars: flags.bars ?? preset?.bars,
    temperature: flags.temperature ?? preset?.temperature,
    seed: flags.seed,
    count: flags.count,
    fillEvery: flags.fillEvery ?? preset?.fillEvery,
  });
  if (flags.model !== 'drums') return runMelody(flags, req, bpm);
  const primerBytes = flags.primer ? readPrimerBytes(flags.primer) : undefined;
  if (primerBytes) req.primer = primerGrid(primerBytes, flags.primer!);
  const useNet = impl === 'network' && hasDrumNet();
  // Checked before the model runs: nothing is replaced without --force, the primer never.
  const files = planOutputs({ out: flags.out, count: req.count, stem: settingsStem(useNet ? 'drums-gru' : 'drums-ngram', req, bpm, primerBytes), force: flags.force ?? false, primer: flags.primer });
  // The network runs in an engine (Chromium when a browser is found, else in-process); the
  // n-gram is plain JS and runs here.
  let model = 'drums-ngram';
  let engineLabel = 'node';
  let backendUsed: string | undefined;
  let note: string | undefined;
  let grids: DrumGrid[];
  let ms: number;
  if (useNet) {
    const engine = await createEngine(engineChoice, { id: 'drums-gru', dir: DRUM_NET_DIR }, { backend });
    try {
      const t0 = performance.now();
      grids = await engine.generate(req);
      ms = performance.now() - t0;
      const info = engine.info();
      model = 'drums-gru';
      engineLabel = info.running;
      backendUsed = info.backend;
      note = info.fallbackReason;
    } finally {
      await engine.close();
    }
  } else {
    if (impl === 'network') note = `no trained drum network in ${DRUM_NET_DIR}; using the n-gram baseline`;
    const ngram = loadDrumNgram();
    const t0 = performance.now();
    grids = await ngram.generate(req);
    ms = performance.now() - t0;
  }
  let notes = 0;
  grids.forEach((g, i) => {
    const seq = gridToSequence(g, { bpm });
    notes += seq.notes.length;
    writeFileAtomic(files[i], writeMidiFile(seq, { format: 1, name: `Tandem ${req.genre ?? 'any'} d${req.density} #${req.seed}.${i + 1}`, channelNames: { [DRUM_CHANNEL]: 'Drums' } }), { replace: flags.force, mkdir: true });
  });
  const { primer, ...plain } = req;
  return {
    files,
    notes,
    model,
    engine: engineLabel,
    backend: backendUsed,
    ms: Math.round(ms * 10) / 10,
    request: { ...plain, primerBars: primer ? Math.floor(primer.steps / 16) : 0, bpm },
    onsetsPerBar: grids.map((g) => {
      const o = onsetsPerBar(g);
      return Math.round((o.reduce((a, b) => a + b, 0) / o.length) * 10) / 10;
    }),
    note,
    ...{ grids },
  } as GenerateResult & { grids: DrumGrid[] };
}

export function describeGrid(g: DrumGrid, bars = 2): string {
  const shown: DrumGrid = { steps: Math.min(g.steps, bars * 16), velocity: g.velocity.subarray(0, bars * 16 * 9), offset: g.offset.subarray(0, bars * 16 * 9) };
  return drawGrid(shown, CLASS_LABELS);
}

/** Melody and bass lines come from the n-gram baseline (no melody network yet). */
function runMelody(flags: GenerateFlags, req: DrumRequest, bpm: number): GenerateResult {
  const role = flags.model as 'melody' | 'bass';
  if (flags.primer) throw new InvalidValueError('primer', flags.primer, 'used with --model drums only (melody primers are not supported yet)');
  if (req.fillEvery) throw new InvalidValueError('fill-every', req.fillEvery, '0 for --model melody/bass (fills are a drum feature)');
  const model = loadMelodyNgram(role);
  const style = flags.genre ?? (role === 'bass' ? 'pop' : 'reel');
  if (!model.styles.includes(style)) throw new InvalidValueError('genre', style, `one of ${model.styles.join(', ')} for --model ${role}`);
  const files = planOutputs({ out: flags.out, count: req.count, stem: settingsStem(model.id, { ...req, genre: style as never }, bpm), force: flags.force ?? false });
  const t0 = performance.now();
  const seqs = model.generate({ style, density: req.density, bars: req.bars, temperature: req.temperature, seed: req.seed, count: req.count });
  const ms = performance.now() - t0;
  let notes = 0;
  seqs.forEach((seq, i) => {
    seq.tempos = [{ ticks: 0, bpm }];
    notes += seq.notes.length;
    writeFileAtomic(files[i], writeMidiFile(seq, { format: 1, name: `Tandem ${role} ${style} d${req.density} #${req.seed}.${i + 1}`, channelNames: { [seq.notes[0]?.channel ?? 0]: role === 'bass' ? 'Bass' : 'Melody' } }), { replace: flags.force, mkdir: true });
  });
  const { primer, ...plain } = req;
  void primer;
  return {
    files,
    notes,
    model: model.id,
    engine: 'node',
    ms: Math.round(ms * 10) / 10,
    request: { ...plain, genre: style as never, primerBars: 0, bpm },
    onsetsPerBar: seqs.map((s) => Math.round((s.notes.length / req.bars) * 10) / 10),
    note: flags.modelImpl === 'network' ? `no ${role} network yet; using the n-gram baseline` : undefined,
    ...{ grids: [], sequences: seqs },
  } as GenerateResult & { grids: DrumGrid[] };
}
