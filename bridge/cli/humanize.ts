import { InvalidValueError, TandemError } from '../../src/errors';
import { readMidiFile } from '../../src/midi-file/read';
import { writeMidiFile } from '../../src/midi-file/write';
import { GrooveRnn } from '../../src/models/drums/groove-rnn';
import { hitCount, parseHumanizeOptions, type HumanizeOptions } from '../../src/models/drums/humanize';
import { drumClassOfPitch, NUM_DRUM_CLASSES } from '../../src/music/drum-map';
import { DRUM_CHANNEL, sortNotes, type Note, type Sequence } from '../../src/music/sequence';
import { emptyGrid, type DrumGrid } from '../../src/tokens/drum-grid';
import { TICKS_PER_STEP } from '../../src/time/units';
import { initNodeTf } from '../engine/node-tf';
import { writeFileAtomic } from '../fs/atomic-write';
import { readInputFile } from '../fs/read-input';
import { DRUM_NET_DIR, readDrumNetArtifacts } from '../models/load';
import { planOutputs } from './output-files';
import { UsageError } from './errors';

/** Flags of `tandem humanize` as commander hands them over (strings until checked). */
export interface HumanizeFlags {
  out?: string;
  amount?: string;
  genre?: string;
  seed?: string;
  force?: boolean;
  json?: boolean;
}

export interface HumanizeResult {
  file: string;
  /** Drum notes humanized (same count in as out). */
  notes: number;
  /** Notes passed through unchanged: other channels, and drum pitches outside the 9 classes. */
  untouched: number;
  /** Drum notes that were off the 16th grid and were quantized first. */
  quantized: number;
  options: HumanizeOptions;
  ms: number;
}

/** Largest input clip read, in bytes. */
export const HUMANIZE_MAX_BYTES = 4 << 20;
/** A drum note further than this from a 16th (in steps) counts as not quantized. */
const GRID_TOLERANCE = 0.02;

/** The clip's drum notes on the 16th grid: which ones, at which step and class, and the grid they make. */
export function clipGrid(seq: Sequence): { grid: DrumGrid; drums: Array<{ note: Note; step: number; cls: number }>; quantized: number; untouched: Note[] } {
  const drums: Array<{ note: Note; step: number; cls: number }> = [];
  const untouched: Note[] = [];
  let quantized = 0;
  for (const n of seq.notes) {
    const cls = n.channel === DRUM_CHANNEL ? drumClassOfPitch(n.pitch) : undefined;
    if (cls === undefined) {
      untouched.push(n);
      continue;
    }
    const exact = n.startTicks / TICKS_PER_STEP;
    const step = Math.round(exact);
    if (Math.abs(exact - step) > GRID_TOLERANCE) quantized++;
    drums.push({ note: n, step, cls });
  }
  const steps = Math.max(1, Math.round(seq.totalTicks / TICKS_PER_STEP), ...drums.map((d) => d.step + 1));
  const grid = emptyGrid(steps);
  for (const d of drums) {
    const i = d.step * NUM_DRUM_CLASSES + d.cls;
    const v = Math.max(1, Math.min(127, d.note.velocity));
    if (v <= grid.velocity[i]) continue;
    grid.velocity[i] = v;
    grid.offset[i] = Math.max(-0.5, Math.min(0.5, d.note.startTicks / TICKS_PER_STEP - d.step)); // --amount blends from here
  }
  return { grid, drums, quantized, untouched };
}

/**
 * `tandem humanize in.mid --out out.mid`: every drum note of the clip stays (pitch, 16th step,
 * length); each gets the velocity and micro-timing the drum network samples for it. Other
 * channels and unknown drum pitches pass through unchanged. Nothing is replaced without --force.
 */
export async function runHumanize(input: string, flags: HumanizeFlags): Promise<HumanizeResult> {
  const options = parseHumanizeOptions({ genre: flags.genre, amount: flags.amount, seed: flags.seed });
  if (!flags.out) throw new UsageError('humanize needs --out FILE.mid (where the humanized clip goes)');
  if (!flags.out.toLowerCase().endsWith('.mid')) throw new InvalidValueError('out', flags.out, 'a .mid file name');
  const bytes = readInputFile(input, { what: 'clip', maxBytes: HUMANIZE_MAX_BYTES });
  const [file] = planOutputs({ out: flags.out, count: 1, stem: 'humanized', force: flags.force ?? false, primer: input });
  const { sequence } = readMidiFile(bytes, input);
  const { grid, drums, quantized, untouched } = clipGrid(sequence);
  if (!drums.length) throw new InvalidValueError('clip', input, 'a .mid file with drum notes on channel 10 (General MIDI drum pitches)');
  const art = readDrumNetArtifacts();
  if (!art) throw new TandemError(`humanize needs the trained drum network in ${DRUM_NET_DIR}`);
  await initNodeTf('wasm');
  const model = GrooveRnn.load(art);
  const t0 = performance.now();
  let out: DrumGrid;
  try {
    out = model.humanize(grid, options);
  } finally {
    model.dispose();
  }
  const ms = performance.now() - t0;
  if (hitCount(out) !== hitCount(grid)) throw new TandemError(`humanize changed the number of hits (${hitCount(grid)} in, ${hitCount(out)} out)`);
  const notes = drums.map(({ note, step, cls }) => {
    const i = step * NUM_DRUM_CLASSES + cls;
    const startTicks = Math.max(0, Math.round((step + out.offset[i]) * TICKS_PER_STEP));
    return { ...note, startTicks, velocity: out.velocity[i] };
  });
  const seq: Sequence = { ...sequence, notes: sortNotes([...notes, ...untouched]) };
  seq.totalTicks = Math.max(sequence.totalTicks, ...seq.notes.map((n) => n.startTicks + n.durationTicks));
  writeFileAtomic(file, writeMidiFile(seq, { format: 1, name: `Tandem humanized ${options.genre ?? 'any'} #${options.seed}`, channelNames: { [DRUM_CHANNEL]: 'Drums' } }), { replace: flags.force ?? false });
  return { file, notes: notes.length, untouched: untouched.length, quantized, options, ms: Math.round(ms * 10) / 10 };
}
