import { TandemError } from '../../src/errors';
import type { GrooveRnn } from '../../src/models/drums/groove-rnn';
import { hitCount, type HumanizeOptions } from '../../src/models/drums/humanize';
import { drumClassOfPitch, NUM_DRUM_CLASSES } from '../../src/music/drum-map';
import { DRUM_CHANNEL, type Note, type Sequence } from '../../src/music/sequence';
import { emptyGrid, type DrumGrid } from '../../src/tokens/drum-grid';
import { TICKS_PER_STEP } from '../../src/time/units';
import { DRUM_NET_DIR } from './artifacts';

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
    grid.offset[i] = Math.max(-0.5, Math.min(0.5, d.note.startTicks / TICKS_PER_STEP - d.step)); // amount blends from here
  }
  return { grid, drums, quantized, untouched };
}

/** What humanizing a clip gave: its notes in the input's order, and counts for the user. */
export interface HumanizedClip {
  /** Every input note, at the same index: drum notes with new velocity and start, the others as they were. */
  notes: Note[];
  /** Drum notes humanized. */
  humanized: number;
  /** Notes passed through unchanged: other channels, and drum pitches outside the 9 classes. */
  untouched: number;
  /** Drum notes that were off the 16th grid and were quantized first. */
  quantized: number;
}

/** The part of the drum network humanizing needs (tests may pass a stand-in). */
export type GridHumanizer = Pick<GrooveRnn, 'humanize'>;

/**
 * Humanizes a clip (as `tandem humanize` and `/tandem/humanize` do): every drum note keeps its
 * pitch, 16th step and length and gets the velocity and micro-timing the network samples for it;
 * other notes pass through. Notes come back in the input's order (a MIDI Tool maps them back by
 * index). Throws TandemError if the network changed the number of hits.
 */
export function humanizeSequence(seq: Sequence, options: HumanizeOptions, model: GridHumanizer): HumanizedClip {
  const { grid, drums, quantized, untouched } = clipGrid(seq);
  if (drums.length === 0) return { notes: seq.notes.map((n) => ({ ...n })), humanized: 0, untouched: untouched.length, quantized: 0 };
  const out = model.humanize(grid, options);
  if (hitCount(out) !== hitCount(grid)) throw new TandemError(`humanize changed the number of hits (${hitCount(grid)} in, ${hitCount(out)} out)`);
  const changed = new Map<Note, Note>();
  for (const { note, step, cls } of drums) {
    const i = step * NUM_DRUM_CLASSES + cls;
    changed.set(note, { ...note, startTicks: Math.max(0, Math.round((step + out.offset[i]) * TICKS_PER_STEP)), velocity: out.velocity[i] });
  }
  return { notes: seq.notes.map((n) => changed.get(n) ?? { ...n }), humanized: drums.length, untouched: untouched.length, quantized };
}

/**
 * The trained drum network for humanizing, loaded once on first use in this process (TF.js on
 * wasm, else cpu). Throws TandemError naming the folder when the network is not there. TF.js and
 * the network's code load with it too, not with this module: `serve` imports this, and its port
 * answers sooner without them (issue 15).
 */
export function drumHumanizer(dir = DRUM_NET_DIR): () => Promise<GridHumanizer> {
  let loading: Promise<GridHumanizer> | undefined;
  return () => {
    loading ??= (async () => {
      const [{ readDrumNetArtifacts }, { initNodeTf }, { GrooveRnn }] = await Promise.all([
        import('./load'),
        import('../engine/node-tf'),
        import('../../src/models/drums/groove-rnn'),
      ]);
      const art = readDrumNetArtifacts(dir);
      if (!art) throw new TandemError(`humanize needs the trained drum network in ${dir}`);
      await initNodeTf('wasm');
      return GrooveRnn.load(art);
    })();
    // A failed load is tried again on the next request (the folder may appear).
    loading.catch(() => (loading = undefined));
    return loading;
  };
}
