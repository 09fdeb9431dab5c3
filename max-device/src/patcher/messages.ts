/**
 * The messages each Max object of the device accepts, so a message box that feeds an object can
 * be checked without Max (issue 11: `flush` into makenote). Sources, per object: its Cycling '74
 * reference page (docs.cycling74.com/max8/refpages/<object>, the "Messages" section) and, for
 * node.script, the Node for Max guides (docs.cycling74.com/max8/vignettes/08_n4m_lifecycle and
 * the max-api reference). See shared/notes/max-for-live.md.
 *
 * Two kinds of objects matter here:
 * - data objects (makenote, pipe, metro, midiformat, ...) take a fixed set of selectors; a
 *   symbol they do not know is an error or, worse, read as a list (makenote: "anything: same as
 *   list"), so it plays a bogus note instead of doing what was meant;
 * - routing objects (route, prepend, trigger, pack, deferlow, ...) pass any message on.
 */

/** What an object's left inlet accepts. */
export interface MessageSpec {
  /** Selectors with their own meaning (`int`, `float`, `list`, `bang` stand for numbers, lists, bangs). */
  selectors: readonly string[];
  /** True when any other message is accepted and passed on (route, prepend, trigger, ...). */
  passesAnything?: boolean;
  /** Inlets other than the left one that take a message box's symbols (a message box's right inlet: `set` without sending). */
  anyInlets?: readonly number[];
  /** The page the selectors come from. */
  source: string;
}

const ref = (o: string) => `https://docs.cycling74.com/max8/refpages/${o}`;
const NUMBERS = ['bang', 'int', 'float', 'list'] as const;
const ROUTING = (o: string): MessageSpec => ({ selectors: [...NUMBERS], passesAnything: true, source: ref(o) });

/** Text objects (maxclass "newobj"), by class name. */
export const NEWOBJ_MESSAGES: Readonly<Record<string, MessageSpec>> = Object.freeze({
  // "stop: causes makenote to send out immediate note-offs for all pitches it currently holds";
  // "anything: performs the same function as list". There is no flush.
  makenote: { selectors: ['int', 'float', 'list', 'clear', 'clock', 'stop'], source: ref('makenote') },
  // clear: forget scheduled output; flush: output it all now; stop: stop all output. delaytime:
  // its attribute, set by a message of its name; a Max time value ("delaytime 60 ticks": "the
  // delaytime attribute argument should be used when specifying time in any other time unit
  // besides milliseconds or notevalues"; tempo-relative delays run only while the transport runs).
  pipe: { selectors: [...NUMBERS, 'clear', 'flush', 'stop', 'delaytime'], source: ref('pipe') },
  // int in the left inlet: 0 closes, N opens outlet N; the right inlet passes any message through the open outlet.
  gate: { selectors: ['int', 'float'], anyInlets: [1], source: ref('gate') },
  // int/float: output the entry stored at that index (nothing when there is none); list: store the
  // rest of the list at its first number (also Max Basic Tutorial 18); clear: empty it. (coll takes
  // many more; only these are used and listed.)
  coll: { selectors: ['bang', 'int', 'float', 'list', 'clear'], source: ref('coll') },
  // list: output it in lists of the argument's size, one after another.
  'zl.iter': { selectors: ['bang', 'int', 'float', 'list', 'zlclear'], source: ref('zl.iter') },
  // int: non-zero starts, 0 stops; stop; bang starts.
  metro: { selectors: ['bang', 'int', 'float', 'stop', 'clock'], source: ref('metro') },
  // bang reports the position; the rest sets or queries Max's (in Live: Live's) transport.
  transport: { selectors: ['bang', 'int', 'float', 'list'], source: ref('transport') },
  expr: { selectors: ['bang', 'int', 'float', 'list'], source: ref('expr') },
  midiformat: { selectors: ['int', 'float', 'list'], source: ref('midiformat') },
  midiout: { selectors: ['int', 'list'], source: ref('midiout') },
  midiin: { selectors: ['bang'], source: ref('midiin') },
  unpack: { selectors: ['list', 'int', 'float'], passesAnything: true, source: ref('unpack') },
  pack: { selectors: [...NUMBERS, 'set'], source: ref('pack') },
  route: ROUTING('route'),
  prepend: ROUTING('prepend'),
  t: ROUTING('trigger'),
  trigger: ROUTING('trigger'),
  deferlow: ROUTING('deferlow'),
  'live.thisdevice': { selectors: ['bang'], source: ref('live.thisdevice') },
  // bang starts (or continues) an apply cycle.
  'live.miditool.in': { selectors: ['bang'], source: ref('live.miditool.in') },
  // `dictionary <name>`: the notes ({notes: [...]}) for the clip.
  'live.miditool.out': { selectors: ['dictionary'], source: ref('live.miditool.out') },
  // node.script: any message, if the script registered a handler for it (check.ts reads the bundle).
  'node.script': { selectors: [], passesAnything: true, source: 'https://docs.cycling74.com/nodeformax/api/module-max-api.html' },
  // js: a message runs the script's function of that name, else its anything() (check.ts reads the script).
  js: { selectors: ['bang', 'int', 'float', 'list'], passesAnything: true, source: ref('js') },
});

/** UI objects, by maxclass. */
export const UI_MESSAGES: Readonly<Record<string, MessageSpec>> = Object.freeze({
  // A message box sends its contents on bang (or with $1 replaced); set/append/prepend change the text; the right inlet sets it.
  message: { selectors: [...NUMBERS, 'set', 'append', 'prepend'], passesAnything: true, anyInlets: [1], source: ref('message') },
  comment: { selectors: ['set', 'append', 'prepend'], source: ref('comment') },
  'live.comment': { selectors: ['set', 'append', 'prepend'], source: ref('live.comment') },
  'live.text': { selectors: ['bang', 'int', 'float', 'set'], source: ref('live.text') },
  'live.toggle': { selectors: ['bang', 'int', 'float', 'set'], source: ref('live.toggle') },
  'live.dial': { selectors: ['bang', 'int', 'float', 'set'], source: ref('live.dial') },
  'live.menu': { selectors: ['bang', 'int', 'float', 'set'], source: ref('live.menu') },
});

/** The message table entry for a box, or undefined when there is none. */
export function messageSpec(box: { maxclass: string; text?: string }): MessageSpec | undefined {
  if (box.maxclass !== 'newobj') return UI_MESSAGES[box.maxclass];
  const name =
    String(box.text ?? '')
      .trim()
      .split(/\s+/)[0] ?? '';
  return NEWOBJ_MESSAGES[name];
}

/**
 * The messages a message box sends, one per comma-separated part, as selectors: a part that
 * starts with a number is `int`/`float` (`list` when more follow), `$1` is left unknown
 * (undefined), anything else is its first word. A part starting with `;` sends to named
 * receivers and is returned as `;`.
 */
export function messageBoxSelectors(text: string): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (const part of text.split(/(?<!\\),/)) {
    const words = part.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    const w = words[0];
    if (w.startsWith(';')) out.push(';');
    else if (/^\$/.test(w)) out.push(undefined);
    else if (/^-?\d+$/.test(w)) out.push(words.length > 1 ? 'list' : 'int');
    else if (/^-?(\d+\.\d*|\.\d+)(e-?\d+)?$/.test(w)) out.push(words.length > 1 ? 'list' : 'float');
    else out.push(w);
  }
  return out;
}
