import { SLOTS, STEP_TICKS } from '../client/player';
import type { BoxRef, PatchBuilder } from './builder';

/** Milliseconds per transport tick at 1 BPM: 60 000 ms / 480 ticks. */
const MS_PER_TICK_AT_1_BPM = 60_000 / (STEP_TICKS * 4);

/** The step (16th) of song position $f1 in a loop of `steps` 16ths held in inlet `steps` ($iN; 0 reads as 1). */
const stepIn = (steps: string): string => {
  const len = `(${steps} + (${steps} < 1))`;
  const s = `floor($f1 / ${STEP_TICKS}. + 0.5)`;
  return `(${s} - floor(${s} / ${len}) * ${len})`;
};
/** 1 once song position $f1 reached the switch position $f2 (half a step early: ticks are floats). */
const SWITCHED = `($f1 > $f2 - ${STEP_TICKS / 2}.)`;

/**
 * The device's player, inside the patch (issue 11.5): Live's transport times every note, so the
 * time a message spends in node.script (0-80 ms, or a stall of seconds) never moves one.
 *
 * - Patterns live in three `coll`s (slots), one entry per 16th: `step pitch vel durTicks offTicks ...`.
 *   The client writes them (`pat <slot> clear`, `pat <slot> <step> ...`) through `route 0 1 2`
 *   before they are needed, and says what to read with `play <switchTicks> <new> <newSteps> <old> <oldSteps>`:
 *   from song position switchTicks the new slot, before it the old one; loops aligned to the song.
 * - `metro 16n @quantize 16n` runs only while Live's transport runs and fires on its 16th grid
 *   (metro reference: tempo-relative intervals and `quantize`; a quantized metro is in step with
 *   the transport). Each firing reads the song position (`transport`), computes the slot and
 *   step (`expr`, functions from the expr reference: floor; comparisons give 1 or 0) and asks
 *   that slot's coll for the step (`int` outputs the entry, nothing when there is none).
 * - `zl.iter 4` splits the entry into notes; each note waits its offset inside the step in a
 *   `pipe` (ms from the tempo read at that 16th: 125 / BPM ms a tick) and plays through makenote
 *   for its length.
 *
 * Returns the pipe and makenote (the client's `stop` clears the one and stops the other).
 */
export function buildPlayer(p: PatchBuilder, router: BoxRef, col: (c: number) => number, row: (r: number) => number): { pipe: BoxRef; makenote: BoxRef } {
  // Laid out below the rest of the patch, left to right in the order things happen.
  const x = (c: number) => col(0) + c * 130;
  const y = (r: number) => row(r + 14);
  // Writing: `pat <slot> ...` -> the slot's coll (a list stores at its first number; clear empties it).
  const writeTo = p.obj(`route ${[...Array(SLOTS).keys()].join(' ')}`, [x(0), y(12)]);
  p.connect(router, 2, writeTo, 0);
  const colls = [...Array(SLOTS).keys()].map((k) => p.obj('coll', [x(k), y(15)], { saved_object_attributes: { embed: 0, precision: 6 } }));
  colls.forEach((c, k) => p.connect(writeTo, k, c, 0));

  // What to read: `play switch new newSteps old oldSteps` into the cold inlets of the two exprs.
  const state = p.obj('unpack 0. 0 0 0 0', [x(3), y(12)]);
  p.connect(router, 5, state, 0);
  const slotOf = p.obj(`expr ${SWITCHED} * $i3 + (1 - ${SWITCHED}) * $i5`, [x(1), y(14)]);
  const stepOf = p.obj(`expr ${SWITCHED} * ${stepIn('$i4')} + (1 - ${SWITCHED}) * ${stepIn('$i6')}`, [x(3), y(14)]);
  p.connect(state, 0, slotOf, 1);
  p.connect(state, 0, stepOf, 1);
  p.connect(state, 1, slotOf, 2);
  p.connect(state, 2, stepOf, 3);
  p.connect(state, 3, slotOf, 4);
  p.connect(state, 4, stepOf, 5);

  // Every 16th while Live plays: first the tempo (ms a tick for this step's notes), then the position.
  const metro = p.obj('metro 16n @quantize 16n @active 1', [x(0), y(10)]);
  const order = p.obj('t b b', [x(0), y(11)]);
  const tempoNow = p.obj('transport', [x(4), y(11)]);
  const msPerTick = p.obj(`expr ${MS_PER_TICK_AT_1_BPM}. / ($f1 + ($f1 < 1.))`, [x(4), y(13)]);
  const positionNow = p.obj('transport', [x(1), y(11)]);
  const fan = p.obj('t f f', [x(1), y(13)]);
  const where = p.obj('pack 0 0', [x(1), y(15) - 18]);
  const readFrom = p.obj(`route ${[...Array(SLOTS).keys()].join(' ')}`, [x(1), y(16)]);
  p.connect(metro, 0, order, 0);
  p.connect(order, 1, tempoNow, 0);
  p.connect(tempoNow, 4, msPerTick, 0);
  p.connect(order, 0, positionNow, 0);
  p.connect(positionNow, 7, fan, 0);
  p.connect(fan, 1, stepOf, 0);
  p.connect(stepOf, 0, where, 1);
  p.connect(fan, 0, slotOf, 0);
  p.connect(slotOf, 0, where, 0);
  p.connect(where, 0, readFrom, 0);
  colls.forEach((c, k) => p.connect(readFrom, k, c, 0));

  // Each note of the step: pitch velocity durTicks offTicks; the offset and length become ms.
  const notes = p.obj('zl.iter 4', [x(0), y(17)]);
  colls.forEach((c) => p.connect(c, 0, notes, 0));
  const note = p.obj('unpack 0 0 0. 0.', [x(0), y(18)]);
  const delayMs = p.obj('expr $f1 * $f2', [x(2), y(19) - 18]);
  const lengthMs = p.obj('expr $f1 * $f2', [x(1), y(19) - 18]);
  const pipe = p.obj('pipe 0 0 0 0', [x(0), y(19)]);
  const makenote = p.obj('makenote 100 100', [x(0), y(20) - 18]);
  p.connect(notes, 0, note, 0);
  p.connect(msPerTick, 0, delayMs, 1);
  p.connect(msPerTick, 0, lengthMs, 1);
  p.connect(note, 3, delayMs, 0);
  p.connect(delayMs, 0, pipe, 3);
  p.connect(note, 2, lengthMs, 0);
  p.connect(lengthMs, 0, pipe, 2);
  p.connect(note, 1, pipe, 1);
  p.connect(note, 0, pipe, 0);
  for (let i = 0; i < 3; i++) p.connect(pipe, i, makenote, i);
  return { pipe, makenote };
}
