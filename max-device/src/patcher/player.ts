import { SLOTS, STEP_TICKS } from '../client/player';
import type { BoxRef, PatchBuilder } from './builder';

/** Outlets of the device's router of node.script's messages (`route status ready pat clip play`). */
export const ROUTER = Object.freeze({ status: 0, ready: 1, pat: 2, clip: 3, play: 4 });
/** The router's text, from ROUTER. */
export const ROUTER_TEXT = `route ${Object.keys(ROUTER).join(' ')}`;

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
 * - `zl.iter 4` splits the entry into notes. Each note waits its offset inside the step in a
 *   `pipe` whose delay is set in transport ticks (`delaytime <off> ticks`: pipe reference, "the
 *   delay interval can be either fixed or tempo-relative"; the delaytime attribute takes any Max
 *   time value, Time Value Syntax: "Tempo-relative units vary according to the current tempo"),
 *   so a tempo change inside the 16th moves the note with the transport, not with the tempo read
 *   on the grid line. Its length is carried in ticks and turned into ms for makenote with the
 *   tempo read when the note leaves the pipe.
 * - Stop and Follow are the patch's own (no round trip through node.script): a note leaving the
 *   pipe passes a `gate` that is open only while Live plays (`transport` read at that moment) and
 *   Follow is on; `stop` (returned) clears the pipe and sends makenote's note-offs at once.
 *
 * Returns the inlets the device wires: `stop` (any message: clear the pipe, release held notes)
 * and `follow` (Follow's 0/1: closes or opens the gate).
 */
export function buildPlayer(
  p: PatchBuilder,
  router: BoxRef,
  col: (c: number) => number,
  row: (r: number) => number,
): { stop: BoxRef; follow: BoxRef; makenote: BoxRef } {
  // Laid out below the rest of the patch, left to right in the order things happen.
  const x = (c: number) => col(0) + c * 130;
  const y = (r: number) => row(r + 14);
  // Writing: `pat <slot> ...` -> the slot's coll (a list stores at its first number; clear empties it).
  const writeTo = p.obj(`route ${[...Array(SLOTS).keys()].join(' ')}`, [x(0), y(12)]);
  p.connect(router, ROUTER.pat, writeTo, 0);
  const colls = [...Array(SLOTS).keys()].map((k) => p.obj('coll', [x(k), y(15)], { saved_object_attributes: { embed: 0, precision: 6 } }));
  colls.forEach((c, k) => p.connect(writeTo, k, c, 0));

  // What to read: `play switch new newSteps old oldSteps` into the cold inlets of the two exprs.
  const state = p.obj('unpack 0. 0 0 0 0', [x(3), y(12)]);
  p.connect(router, ROUTER.play, state, 0);
  const slotOf = p.obj(`expr ${SWITCHED} * $i3 + (1 - ${SWITCHED}) * $i5`, [x(1), y(14)]);
  const stepOf = p.obj(`expr ${SWITCHED} * ${stepIn('$i4')} + (1 - ${SWITCHED}) * ${stepIn('$i6')}`, [x(3), y(14)]);
  p.connect(state, 0, slotOf, 1);
  p.connect(state, 0, stepOf, 1);
  p.connect(state, 1, slotOf, 2);
  p.connect(state, 2, stepOf, 3);
  p.connect(state, 3, slotOf, 4);
  p.connect(state, 4, stepOf, 5);

  // Every 16th while Live plays: the position -> the slot and step to read.
  const metro = p.obj('metro 16n @quantize 16n @active 1', [x(0), y(10)]);
  const positionNow = p.obj('transport', [x(1), y(11)]);
  const fan = p.obj('t f f', [x(1), y(13)]);
  const where = p.obj('pack 0 0', [x(1), y(15) - 18]);
  const readFrom = p.obj(`route ${[...Array(SLOTS).keys()].join(' ')}`, [x(1), y(16)]);
  p.connect(metro, 0, positionNow, 0);
  p.connect(positionNow, 7, fan, 0);
  p.connect(fan, 1, stepOf, 0);
  p.connect(stepOf, 0, where, 1);
  p.connect(fan, 0, slotOf, 0);
  p.connect(slotOf, 0, where, 0);
  p.connect(where, 0, readFrom, 0);
  colls.forEach((c, k) => p.connect(readFrom, k, c, 0));

  // Each note of the step: pitch velocity durTicks offTicks. unpack fires right to left: the
  // offset sets the pipe's delay in ticks first, then length, velocity and (hot) pitch go in.
  const notes = p.obj('zl.iter 4', [x(0), y(17)]);
  colls.forEach((c) => p.connect(c, 0, notes, 0));
  const note = p.obj('unpack 0 0 0. 0.', [x(0), y(18)]);
  const delayTicks = p.message('delaytime $1 ticks', [x(3), y(19) - 18]);
  const pipe = p.obj('pipe 0 0 0 0', [x(0), y(19)]);
  p.connect(notes, 0, note, 0);
  p.connect(note, 3, delayTicks, 0);
  p.connect(delayTicks, 0, pipe, 0);
  for (let i = 2; i >= 0; i--) p.connect(note, i, pipe, i);

  // Leaving the pipe (right to left: length, velocity, pitch): the length first reads the
  // transport now (whether Live plays -> the gate; the tempo -> ms a tick), then becomes ms.
  const lengthFan = p.obj('t f b', [x(2), y(20)]);
  const now = p.obj('transport', [x(3), y(21)]);
  const open = p.obj('expr $i1 * $i2', [x(3), y(22)]); // playing (hot) x Follow (cold)
  const gate = p.obj('gate 1', [x(0), y(23)]);
  const msPerTick = p.obj(`expr ${MS_PER_TICK_AT_1_BPM}. / ($f1 + ($f1 < 1.))`, [x(4), y(22)]);
  const lengthMs = p.obj('expr $f1 * $f2', [x(2), y(23)]);
  const makenote = p.obj('makenote 100 100', [x(0), y(24)]);
  p.connect(pipe, 2, lengthFan, 0);
  p.connect(lengthFan, 1, now, 0);
  p.connect(now, 6, open, 0);
  p.connect(now, 4, msPerTick, 0);
  p.connect(open, 0, gate, 0);
  p.connect(msPerTick, 0, lengthMs, 1);
  p.connect(lengthFan, 0, lengthMs, 0);
  p.connect(lengthMs, 0, makenote, 2);
  p.connect(pipe, 1, makenote, 1);
  p.connect(pipe, 0, gate, 1);
  p.connect(gate, 0, makenote, 0);

  // Stop: forget notes waiting in the pipe, then note-offs for the sounding ones (makenote's
  // `stop`: "immediate note-offs for all pitches it currently holds"; it has no `flush`).
  const stopFan = p.obj('t b b', [x(4), y(17)]);
  const clear = p.message('clear', [x(4), y(18)]);
  const release = p.message('stop', [x(4), y(19)]);
  p.connect(stopFan, 1, clear, 0);
  p.connect(clear, 0, pipe, 0);
  p.connect(stopFan, 0, release, 0);
  p.connect(release, 0, makenote, 0);

  // Follow: its value is the gate's cold factor; turned off (0), it also stops what sounds.
  const follow = p.obj('t i i', [x(5), y(17)]);
  const followOff = p.obj('route 0', [x(5), y(18)]);
  p.connect(follow, 1, open, 1);
  p.connect(follow, 0, followOff, 0);
  p.connect(followOff, 0, stopFan, 0);

  return { stop: stopFan, follow, makenote };
}
