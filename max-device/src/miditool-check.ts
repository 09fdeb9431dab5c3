import type { DeviceType } from './amxd';
import { parseObjectText } from './patcher/objects';
import type { Box, Patcher } from './patcher/types';

/**
 * Objects whose output leaves later than their input arrived, so a notes dictionary passing them
 * reaches live.miditool.out outside the apply cycle ("Received a Note dictionary asynchronously",
 * Live's status bar). node.script and jweb run in other processes (Cycling '74's MIDI Tools
 * guide: node.script is not suitable on this path); defer/deferlow move a message to the low-
 * priority queue; delay, pipe, qlim and speedlim hold it for a time (their reference pages).
 */
export const ASYNC_OBJECTS: readonly string[] = Object.freeze(['node.script', 'jweb', 'defer', 'deferlow', 'delay', 'del', 'pipe', 'qlim', 'speedlim']);

const classOf = (b: Box): string => (b.maxclass === 'newobj' ? parseObjectText(String(b.text ?? '')).name : b.maxclass);
const label = (b: Box): string => `${b.id} (${b.maxclass === 'newobj' ? b.text : b.maxclass})`;

/**
 * The MIDI Tool rules of a patcher:
 * - live.miditool.in/out only in a Note Generator (`nagg`) or Note Transformation (`natt`), and
 *   there exactly one of each ("can only be used in an AMXD with the Note Generator or Note
 *   Transformation type");
 * - a path of patch cords from live.miditool.in's notes or context outlet to live.miditool.out;
 * - no asynchronous object (ASYNC_OBJECTS) on any path into live.miditool.out that does not pass
 *   through live.miditool.in again (a bang into live.miditool.in starts or continues a cycle, so
 *   the path to out starts anew there: that is how an answer from node.script re-applies);
 * - nothing from live.miditool.in's third outlet (Max 8.6.3+: notifications outside any apply
 *   cycle) reaches live.miditool.out.
 */
export function miditoolProblems(p: Patcher, type: DeviceType): string[] {
  const boxes = new Map(p.boxes.map(({ box }) => [box.id, box]));
  const ins = [...boxes.values()].filter((b) => classOf(b) === 'live.miditool.in');
  const outs = [...boxes.values()].filter((b) => classOf(b) === 'live.miditool.out');
  const isTool = type === 'nagg' || type === 'natt';
  if (!isTool)
    return [...ins, ...outs].map((b) => `${label(b)} works only in a MIDI Tool (Note Generator nagg or Note Transformation natt), not in a ${type} device`);
  const problems: string[] = [];
  if (ins.length !== 1 || outs.length !== 1)
    return [`a MIDI Tool needs exactly one live.miditool.in and one live.miditool.out; this one has ${ins.length} and ${outs.length}`];
  const [toolIn] = ins;
  const [toolOut] = outs;

  const forward = new Map<string, { to: string; outlet: number }[]>();
  const backward = new Map<string, string[]>();
  for (const { patchline: l } of p.lines) {
    forward.set(l.source[0], [...(forward.get(l.source[0]) ?? []), { to: l.destination[0], outlet: l.source[1] }]);
    backward.set(l.destination[0], [...(backward.get(l.destination[0]) ?? []), l.source[0]]);
  }
  // Boxes that reach live.miditool.out without passing through live.miditool.in, and the next box toward it.
  const toOut = new Map<string, string | undefined>([[toolOut.id, undefined]]);
  const queue = [toolOut.id];
  while (queue.length) {
    const id = queue.shift()!;
    for (const from of backward.get(id) ?? []) {
      if (toOut.has(from) || from === toolIn.id) continue;
      toOut.set(from, id);
      queue.push(from);
    }
  }
  const pathFrom = (id: string): string => {
    const names: string[] = [];
    for (let at: string | undefined = id; at !== undefined; at = toOut.get(at)) names.push(label(boxes.get(at)!));
    return names.join(' -> ');
  };
  for (const id of toOut.keys()) {
    const b = boxes.get(id)!;
    if (ASYNC_OBJECTS.includes(classOf(b)))
      problems.push(
        `${pathFrom(id)}: ${classOf(b)} is asynchronous, so its notes would reach live.miditool.out outside the apply cycle ("Received a Note dictionary asynchronously"); answer from a dict filled earlier and bang live.miditool.in instead`,
      );
  }
  const firstHops = forward.get(toolIn.id) ?? [];
  const reached = firstHops.filter((h) => h.outlet <= 1 && (toOut.has(h.to) || h.to === toolOut.id));
  if (reached.length === 0)
    problems.push(
      `no patch cords lead from ${label(toolIn)}'s notes or context outlet to ${label(toolOut)}: every apply cycle would end with "Did not receive a Note dictionary in time"`,
    );
  for (const h of firstHops)
    if (h.outlet >= 2 && toOut.has(h.to))
      problems.push(`${label(toolIn)}'s outlet ${h.outlet} (notifications, outside any apply cycle) leads to ${label(toolOut)} through ${pathFrom(h.to)}`);
  return problems;
}
