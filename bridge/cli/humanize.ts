import { InvalidValueError, TandemError } from '../../src/errors';
import { readMidiFile } from '../../src/midi-file/read';
import { writeMidiFile } from '../../src/midi-file/write';
import { GrooveRnn } from '../../src/models/drums/groove-rnn';
import { parseHumanizeOptions, type HumanizeOptions } from '../../src/models/drums/humanize';
import { DRUM_CHANNEL, sortNotes, type Sequence } from '../../src/music/sequence';
import { initNodeTf } from '../engine/node-tf';
import { writeFileAtomic } from '../fs/atomic-write';
import { readInputFile } from '../fs/read-input';
import { clipGrid, humanizeSequence, type HumanizedClip } from '../models/humanize';
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
  const drums = clipGrid(sequence).drums.length;
  if (!drums) throw new InvalidValueError('clip', input, 'a .mid file with drum notes on channel 10 (General MIDI drum pitches)');
  const art = readDrumNetArtifacts();
  if (!art) throw new TandemError(`humanize needs the trained drum network in ${DRUM_NET_DIR}`);
  await initNodeTf('wasm');
  const model = GrooveRnn.load(art);
  const t0 = performance.now();
  let out: HumanizedClip;
  try {
    out = humanizeSequence(sequence, options, model);
  } finally {
    model.dispose();
  }
  const ms = performance.now() - t0;
  const seq: Sequence = { ...sequence, notes: sortNotes(out.notes) };
  seq.totalTicks = Math.max(sequence.totalTicks, ...seq.notes.map((n) => n.startTicks + n.durationTicks));
  writeFileAtomic(
    file,
    writeMidiFile(seq, { format: 1, name: `Tandem humanized ${options.genre ?? 'any'} #${options.seed}`, channelNames: { [DRUM_CHANNEL]: 'Drums' } }),
    { replace: flags.force ?? false },
  );
  return { file, notes: out.humanized, untouched: out.untouched, quantized: out.quantized, options, ms: Math.round(ms * 10) / 10 };
}
