/**
 * Inlet and outlet counts of the Max objects the device uses, so a patch line can be checked
 * without Max. Sources, per object:
 * - [K] Ableton's maxdevtools, maxdiff/known_objects.py (MIT): boxes as Max 8.6/9 saves them
 *   when created without arguments (counts and outlet types).
 * - [R] the object's Cycling '74 reference page, for how arguments change the counts
 *   (route, prepend, pack, unpack, trigger, pipe) and for node.script, which [K] does not list
 *   (1 inlet; 2 outlets: messages from `maxApi.outlet`, and the process status).
 * - js: 1 inlet and 1 outlet unless the script sets `inlets`/`outlets` ([R] js); the checker
 *   reads those assignments from the script itself.
 * - live.miditool.in / live.miditool.out (Live 12 MIDI Tools only): [R] and Ableton-saved tools.
 *   live.miditool.in has 1 inlet and, in Max 8.6.0-8.6.2, 2 outlets (notes dict, context dict;
 *   a tool saved by Max 8.6.2 has `numoutlets` 2); from Max 8.6.3 a third (notifications such as
 *   `pitch_range`, outside any apply cycle). live.miditool.out has 1 inlet and no outlet.
 *   See shared/notes/max-for-live.md (its object table and "Live 12 MIDI Tools").
 */

/** A Max version as the patcher's `appversion` holds it. */
export interface MaxVersion {
  major: number;
  minor: number;
  revision: number;
}

/** Outlets of live.miditool.in in Max `v`: 2 before 8.6.3, 3 from 8.6.3 on. */
export function miditoolInOutlets(v: MaxVersion): 2 | 3 {
  const n = v.major * 10_000 + v.minor * 100 + v.revision;
  return n >= 80_603 ? 3 : 2;
}

/** The Max version the builder writes into `appversion` (Live 12.0 ships Max 8.6.0). */
export const BUILD_MAX_VERSION: MaxVersion = Object.freeze({ major: 8, minor: 6, revision: 0 });

/** Inlets, outlets and outlet types of one box. */
export interface ObjectIo {
  inlets: number;
  outlets: number;
  outlettype: string[];
}

const io = (inlets: number, outlettype: string[]): ObjectIo => ({ inlets, outlets: outlettype.length, outlettype });
const untyped = (n: number): string[] => Array.from({ length: n }, () => '');

/** Text objects (maxclass "newobj"), by class name; `args` are the words after the name (attributes removed). */
export const NEWOBJ_IO: Readonly<Record<string, (args: string[]) => ObjectIo>> = Object.freeze({
  // [K] route 2/2 without arguments; [R] one outlet per argument plus the unmatched outlet.
  route: (args) => io(2, untyped(Math.max(1, args.length) + 1)),
  // [K] prepend 1/1.
  prepend: () => io(1, ['']),
  // [K] pack 2/1; [R] one inlet per argument.
  pack: (args) => io(Math.max(2, args.length), ['']),
  // [K] unpack 1/2; [R] one outlet per argument.
  unpack: (args) => io(1, args.length ? args.map((a) => (a.includes('.') ? 'float' : a === 's' ? '' : 'int')) : ['int', 'int']),
  // [K] t 1/2; [R] one outlet per argument.
  t: (args) => io(1, untyped(Math.max(2, args.length))),
  trigger: (args) => io(1, untyped(Math.max(2, args.length))),
  // [K] pipe 2/1; [R] each initial value makes an inlet and an outlet, the last argument is the delay (its own inlet).
  pipe: (args) => (args.length <= 1 ? io(2, ['']) : io(args.length, untyped(args.length - 1))),
  // [R] expr: one inlet per highest $iN/$fN/$sN argument, one outlet.
  expr: (args) =>
    io(
      Math.max(
        1,
        ...(args
          .join(' ')
          .match(/\$[ifs](\d+)/g)
          ?.map((m) => Number(m.slice(2))) ?? [1]),
      ),
      [''],
    ),
  // [K] gate 2/1; [R] gate: the argument is the number of outlets (left inlet: which one is open, 0 = none; right: the message).
  gate: (args) => io(2, untyped(Math.max(1, Number(args[0]) || 1))),
  // [K] makenote 3/2 (pitch, velocity, duration in; pitch, velocity out).
  makenote: () => io(3, ['float', 'float']),
  // [K] midiformat 7/2, midiout 1/0, midiin 1/1.
  midiformat: () => io(7, ['int', '']),
  midiout: () => io(1, []),
  midiin: () => io(1, ['int']),
  // [K] transport 2/9: bars, beats, units, resolution, tempo, time signature, state, ticks, clock sources.
  transport: () => io(2, ['int', 'int', 'float', 'float', 'float', '', 'int', 'float', '']),
  // [K] coll 1/4 (data, index, ... ; saved with embed 0, precision 6).
  coll: () => io(1, untyped(4)),
  // [K] zl.iter 2/2 (Max 8's named zl modes); [R] zl.iter: the argument is the size of each list it outputs.
  'zl.iter': () => io(2, ['', '']),
  // [K] metro 2/1, deferlow 1/1, live.thisdevice 1/3 (bang when the device is ready, ...).
  metro: () => io(2, ['bang']),
  deferlow: () => io(1, ['']),
  'live.thisdevice': () => io(1, ['bang', 'int', 'int']),
  // [R] node.script: messages from maxApi.outlet, then the Node process' status.
  'node.script': () => io(1, ['', '']),
  // [K] js 1/1 by default; the script's `outlets = N` is checked against the box.
  js: () => io(1, ['']),
  // [R] live.miditool.out: 1 inlet (a notes dictionary), no outlet.
  'live.miditool.out': () => io(1, []),
});

/** UI objects (their own maxclass), from [K]. Note live.toggle and live.button have ONE outlet. */
export const UI_IO: Readonly<Record<string, ObjectIo>> = Object.freeze({
  'live.dial': io(1, ['', 'float']),
  'live.numbox': io(1, ['', 'float']),
  'live.menu': io(1, ['', '', 'float']),
  'live.tab': io(1, ['', '', 'float']),
  'live.toggle': io(1, ['']),
  'live.button': io(1, ['']),
  'live.text': io(1, ['', '']),
  'live.comment': io(1, []),
  comment: io(1, []),
  message: io(2, ['']),
  panel: io(1, []),
});

/** Splits an object box's text into class name and arguments, dropping `@attribute value` pairs. */
export function parseObjectText(text: string): { name: string; args: string[] } {
  const words = text.trim().split(/\s+/);
  const name = words[0] ?? '';
  const args: string[] = [];
  for (let i = 1; i < words.length; i++) {
    if (words[i].startsWith('@')) {
      i++; // skip the attribute's value (every attribute the device uses takes one)
      continue;
    }
    args.push(words[i]);
  }
  return { name, args };
}

/**
 * What the table says a box must have, or undefined for a class the table does not know
 * (the checker reports those, so nothing unknown reaches a device unreviewed).
 */
export function expectedIo(box: { maxclass: string; text?: string }, maxVersion: MaxVersion = BUILD_MAX_VERSION): ObjectIo | undefined {
  if (box.maxclass !== 'newobj') return UI_IO[box.maxclass];
  const { name, args } = parseObjectText(box.text ?? '');
  if (name === 'live.miditool.in') return io(1, untyped(miditoolInOutlets(maxVersion)));
  const f = NEWOBJ_IO[name];
  return f ? f(args) : undefined;
}
