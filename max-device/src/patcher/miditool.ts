import { GENERATE_PARAMETERS, HUMANIZE_PARAMETERS, type ToolRole } from '../miditool/parameters';
import type { ParamSpec } from '../parameters';
import { type BoxRef, MIDI_TOOL_FACE, PatchBuilder } from './builder';
import type { Patcher, Rect } from './types';

/** Script files the MIDI Tools name; the build writes them next to the .amxd files. */
export const TOOL_SCRIPTS = Object.freeze({ client: 'tandem-tool-client.js', answerer: 'tandem-miditool.js' });

/** A control on a tool's face: its parameter, Live class and where it sits. */
interface FaceControl {
  spec: ParamSpec;
  maxclass: 'live.dial' | 'live.menu' | 'live.numbox';
  face: Rect;
  label?: { text: string; face: Rect };
}

const [W] = MIDI_TOOL_FACE;

/** Generate's face (152 x 147): Model and Genre menus, three dials, Seed and Bars, the status line. */
const GENERATE_FACE: FaceControl[] = [
  { spec: GENERATE_PARAMETERS.model, maxclass: 'live.menu', face: [4, 4, 56, 15] },
  { spec: GENERATE_PARAMETERS.genre, maxclass: 'live.menu', face: [64, 4, 84, 15] },
  { spec: GENERATE_PARAMETERS.density, maxclass: 'live.dial', face: [4, 22, 46, 46] },
  { spec: GENERATE_PARAMETERS.temperature, maxclass: 'live.dial', face: [53, 22, 46, 46] },
  { spec: GENERATE_PARAMETERS.fill, maxclass: 'live.dial', face: [102, 22, 46, 46] },
  { spec: GENERATE_PARAMETERS.seed, maxclass: 'live.numbox', face: [30, 72, 40, 15], label: { text: 'Seed', face: [4, 72, 26, 15] } },
  { spec: GENERATE_PARAMETERS.bars, maxclass: 'live.numbox', face: [108, 72, 40, 15], label: { text: 'Bars', face: [80, 72, 28, 15] } },
];

/** Humanize's face: Genre menu, Amount dial, Seed, the status line. */
const HUMANIZE_FACE: FaceControl[] = [
  { spec: HUMANIZE_PARAMETERS.genre, maxclass: 'live.menu', face: [44, 4, 104, 15], label: { text: 'Genre', face: [4, 4, 40, 15] } },
  { spec: HUMANIZE_PARAMETERS.amount, maxclass: 'live.dial', face: [4, 22, 46, 46] },
  { spec: HUMANIZE_PARAMETERS.seed, maxclass: 'live.numbox', face: [108, 38, 40, 15], label: { text: 'Seed', face: [80, 38, 28, 15] } },
];

/** Where the status line sits on a tool's face. */
export const TOOL_STATUS_FACE: Rect = [4, 92, W - 8, 51];

/**
 * A Tandem MIDI Tool as a patch (Generate: Note Generator `nagg`; Humanize: Note Transformation
 * `natt`). The apply cycle stays synchronous:
 *
 * - live.miditool.in (context -> inlet 1, then notes -> inlet 0) -> `js tandem-miditool.js` ->
 *   live.miditool.out. The js answers every cycle at once from the answers it holds (a dict the
 *   client fills); nothing asynchronous lies between in and out.
 * - js outlet 2 -> `prepend request` -> node.script: what to make, in the background.
 * - node.script -> `route apply status`: apply -> live.miditool.in (a new cycle finds the
 *   answer); status -> the status line. node.script never reaches live.miditool.out.
 * - Controls -> `prepend <name>` -> js (kept; once loaded, a change bangs live.miditool.in).
 * - live.thisdevice -> `loaded` -> js; node.script's lifecycle failures -> the status line.
 */
export function buildToolPatcher(role: ToolRole): Patcher {
  const p = new PatchBuilder();
  const col = (c: number) => 20 + c * 170;
  const row = (r: number) => 20 + r * 36;
  const controls = role === 'generate' ? GENERATE_FACE : HUMANIZE_FACE;

  const toolIn = p.obj('live.miditool.in', [col(0), row(4)]);
  const js = p.obj(
    `js ${TOOL_SCRIPTS.answerer} ${role}`,
    [col(0), row(6)],
    { saved_object_attributes: { filename: TOOL_SCRIPTS.answerer, parameter_enable: 0 } },
    { inlets: 2, outlets: 4 },
  );
  const toolOut = p.obj('live.miditool.out', [col(0), row(8)]);
  p.connect(toolIn, 1, js, 1);
  p.connect(toolIn, 0, js, 0);
  p.connect(js, 0, toolOut, 0);
  p.connect(js, 1, toolIn, 0);

  const status = p.comment(
    role === 'generate' ? 'Select bars in the clip, then Apply.' : 'Select notes (or none: the whole clip), then Apply.',
    [col(2), row(10)],
    TOOL_STATUS_FACE,
    { maxclass: 'comment', varname: 'status', linecount: 4 },
  );
  const jsSays = p.obj('prepend set', [col(1), row(8)]);
  p.connect(js, 3, jsSays, 0);
  p.connect(jsSays, 0, status, 0);

  const node = p.obj(`node.script ${TOOL_SCRIPTS.client} @autostart 1`, [col(2), row(8)], { saved_object_attributes: { autostart: 1, defer: 0, watch: 0 } });
  const ask = p.obj('prepend request', [col(1), row(7)]);
  p.connect(js, 2, ask, 0);
  p.connect(ask, 0, node, 0);
  const router = p.obj('route apply status', [col(2), row(9)]);
  p.connect(node, 0, router, 0);
  p.connect(router, 0, toolIn, 0);
  const nodeSays = p.obj('prepend set', [col(3), row(10)]);
  p.connect(router, 1, nodeSays, 0);
  p.connect(nodeSays, 0, status, 0);

  // node.script's lifecycle (`<event> success|error ...`): a failed load or an ended script is said.
  const life = p.obj('route loadend terminated', [col(3), row(9)]);
  p.connect(node, 1, life, 0);
  const failed = p.obj('route error', [col(3), row(10) + 4]);
  p.connect(life, 0, failed, 0);
  const sayFailed = p.message(`set error: ${TOOL_SCRIPTS.client} failed while loading - see the Max window`, [col(4), row(11)]);
  p.connect(failed, 0, sayFailed, 0);
  p.connect(sayFailed, 0, status, 0);
  const ended = p.obj('t b', [col(4), row(9)]);
  p.connect(life, 1, ended, 0);
  const sayEnded = p.message('set the Tandem script stopped - see the Max window', [col(4), row(10)]);
  p.connect(ended, 0, sayEnded, 0);
  p.connect(sayEnded, 0, status, 0);

  const thisDevice = p.obj('live.thisdevice', [col(1), row(4)]);
  const loaded = p.message('loaded', [col(1), row(5)]);
  p.connect(thisDevice, 0, loaded, 0);
  p.connect(loaded, 0, js, 0);

  controls.forEach((c, i) => {
    const box: BoxRef = p.param(
      c.maxclass,
      c.spec,
      [col(i % 4), row(Math.floor(i / 4))],
      c.face,
      c.maxclass === 'live.dial' ? { showname: 1, shownumber: 1 } : {},
      'stored',
    );
    if (c.label) p.comment(c.label.text, [col(i % 4) + 60, row(Math.floor(i / 4))], c.label.face);
    const pre = p.obj(`prepend ${c.spec.message}`, [col(i % 4), row(2 + Math.floor(i / 4))]);
    p.connect(box, 0, pre, 0);
    p.connect(pre, 0, js, 0);
  });

  return p.build({
    type: role === 'generate' ? 'nagg' : 'natt',
    devicewidth: 0,
    openrect: [0, 0, MIDI_TOOL_FACE[0], MIDI_TOOL_FACE[1]],
    description:
      role === 'generate'
        ? "Tandem Generate: fills the time selection with a groove (or a melody or bass line in the Set's scale) from the Tandem bridge."
        : "Tandem Humanize: keeps every note and gives drum notes a drummer's velocity and timing, learned by the Tandem drum network.",
    dependencies: [
      { name: TOOL_SCRIPTS.client, type: 'TEXT' },
      { name: TOOL_SCRIPTS.answerer, type: 'TEXT' },
    ],
  });
}
