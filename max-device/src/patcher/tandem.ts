import { type EnumParam, PARAMETERS, type ParamName } from '../parameters';
import { type BoxRef, PatchBuilder } from './builder';
import { buildPlayer, ROUTER, ROUTER_TEXT } from './player';
import type { Patcher } from './types';

/** Ticks per beat of Max's `transport` (its resolution; fixed at 480). */

/** Script files the patcher names; the build writes them next to the .amxd. */
export const SCRIPTS = Object.freeze({
  client: 'tandem-client.js',
  clipWriter: 'tandem-clip-writer.js',
  liveReader: 'tandem-live-reader.js',
  /** The js scripts' shared helpers, loaded with `require('tandem-live-common')` (Max's JS Require Guide). */
  liveCommon: 'tandem-live-common.js',
});

/** Device width in pixels (the height is Live's 169). */
export const DEVICE_WIDTH = 372;

/** node.script's lifecycle events, in the order its right outlet's `route` lists them. */
export const LIFECYCLE = Object.freeze(['start', 'loadstart', 'loadend', 'stop', 'terminated', 'restarting', 'restarted'] as const);

/** What the status line says on a lifecycle event (no commas or semicolons: they split a message box). */
export const LIFECYCLE_STATUS: Readonly<Partial<Record<(typeof LIFECYCLE)[number], { text: string; onlyOnError: boolean }>>> = Object.freeze({
  start: { text: `error: Node for Max could not start ${SCRIPTS.client} - see the Max window`, onlyOnError: true },
  loadstart: { text: `error: Node for Max could not load ${SCRIPTS.client} - see the Max window`, onlyOnError: true },
  loadend: { text: `error: ${SCRIPTS.client} failed while loading (a missing file or a syntax error) - see the Max window`, onlyOnError: true },
  terminated: { text: 'the Tandem script stopped - see the Max window. Delete and re-add the device to start it again', onlyOnError: false },
  restarting: { text: 'restarting the Tandem script…', onlyOnError: false },
});

/**
 * Where Write clip goes: the Session (a clip slot) or the Arrangement (at the playhead's bar).
 * Sent to the js clip writer (`target 0|1`), not to node.script. Kept here, not in
 * parameters.ts, until the device's controls come from the model registry (issue 12/17).
 */
export const WRITE_TO: EnumParam = Object.freeze({
  longname: 'Write to',
  shortname: 'Write to',
  message: 'target',
  type: 'enum',
  items: Object.freeze(['Session', 'Arrangement']),
  initial: 0,
});

/** How often the patcher reports Live's transport to the client (ms): the client's lookahead loop period. */
export const TRANSPORT_POLL_MS = 20;

/**
 * The Tandem device, as a patch:
 *
 * - Controls (Live parameters) -> `prepend <name>` -> node.script. Each message is also kept in a
 *   message box (right inlet: set without sending); when the client says `ready`, those boxes
 *   are banged so a freshly started client learns the values Live restored before it ran.
 * - `metro 20` (from load) -> `transport` -> `pack tempo ticks state` -> `gate` -> `prepend
 *   transport` -> node.script (Max's transport follows Live's inside a device; 480 ticks per
 *   beat). The gate opens when the client says `ready` (node.script drops what arrives before
 *   its script runs) and closes when node.script's lifecycle outlet reports stop, terminated or
 *   restarting. The same poll's state 0 (Live stopped) stops the player in the patch.
 * - node.script's messages -> `route status ready pat clip play`: status -> `prepend set` ->
 *   the status text; pat and play -> the player (patcher/player.ts: the patch plays the stored
 *   pattern from Live's transport, every 16th) -> `makenote` -> `midiformat` -> `midiout`;
 *   clip -> the js clip writer. Stop and Follow off silence the player in the patch itself.
 * - node.script's lifecycle outlet -> `route start loadstart loadend stop terminated ...`:
 *   failures and restarts are shown on the status line.
 * - `live.thisdevice` -> `deferlow` -> the clip writer's and the Live reader's bang (Live API usable from then on).
 * - Continue -> `readclip` -> the Live reader (js): the notes of this track's clip ->
 *   `route status primer scale meter`: `primer begin|notes|end`, the Set's `scale` and time
 *   signature (`meter`) -> node.script; status -> the status line. `ready` -> `resend` -> the
 *   reader sends the scale and meter again (the first ones may reach node.script before it runs).
 * - `midiin` -> `midiout`: MIDI arriving on the track passes through.
 */
export function buildTandemPatcher(): Patcher {
  const p = new PatchBuilder();
  const P = PARAMETERS;
  const col = (c: number) => 20 + c * 170;
  const row = (r: number) => 20 + r * 36;

  // The client and its output router.
  const node = p.obj(`node.script ${SCRIPTS.client} @autostart 1`, [col(2), row(9)], { saved_object_attributes: { autostart: 1, defer: 0, watch: 0 } });
  const router = p.obj(ROUTER_TEXT, [col(2), row(10)]);
  p.connect(node, 0, router, 0);

  // Status text on the device face.
  const setStatus = p.obj('prepend set', [col(0), row(11)]);
  const status = p.comment('Starting Tandem…', [col(0), row(12)], [8, 132, DEVICE_WIDTH - 16, 30], { maxclass: 'comment', varname: 'status', linecount: 2 }); // comment takes `set <text>`
  p.connect(router, ROUTER.status, setStatus, 0);
  p.connect(setStatus, 0, status, 0);

  // Face: labels for the menus, then the controls.
  p.comment('Model', [col(0), row(0)], [8, 6, 60, 16]);
  p.comment('Genre', [col(1), row(0)], [76, 6, 60, 16]);
  const faces: Record<ParamName, [number, number, number, number]> = {
    model: [8, 22, 60, 16],
    genre: [76, 22, 104, 16],
    density: [8, 50, 48, 48],
    temperature: [62, 50, 48, 48],
    bars: [116, 50, 48, 48],
    fill: [170, 50, 48, 48],
    follow: [196, 22, 16, 16],
    generate: [232, 50, 64, 22],
    continue: [300, 50, 64, 22],
    write: [232, 78, 132, 22],
    key: [34, 106, 90, 16],
  };
  p.comment('Key', [col(4), row(0)], [8, 106, 26, 16]);
  p.comment('Follow transport', [col(3), row(0)], [214, 22, 110, 16]);

  const controls: Record<ParamName, BoxRef> = {
    model: p.param('live.menu', P.model, [col(0), row(1)], faces.model),
    genre: p.param('live.menu', P.genre, [col(1), row(1)], faces.genre),
    density: p.param('live.dial', P.density, [col(2), row(1)], faces.density, { showname: 1, shownumber: 1 }),
    temperature: p.param('live.dial', P.temperature, [col(3), row(1)], faces.temperature, { showname: 1, shownumber: 1 }),
    bars: p.param('live.dial', P.bars, [col(4), row(1)], faces.bars, { showname: 1, shownumber: 1 }),
    fill: p.param('live.dial', P.fill, [col(5), row(1)], faces.fill, { showname: 1, shownumber: 1 }),
    follow: p.param('live.toggle', P.follow, [col(6), row(1)], faces.follow),
    // live.text mode 0 = button: a click sends a bang out of its left outlet.
    // Buttons are Hidden parameters: a click adds no undo step and no automation lane.
    generate: p.param('live.text', P.generate, [col(6), row(3)], faces.generate, { mode: 0, text: 'Generate', texton: 'Generate' }, 'hidden'),
    write: p.param('live.text', P.write, [col(6), row(5)], faces.write, { mode: 0, text: 'Write clip', texton: 'Write clip' }, 'hidden'),
    continue: p.param('live.text', P.continue, [col(6), row(7)], faces.continue, { mode: 0, text: 'Continue', texton: 'Continue' }, 'hidden'),
    key: p.param('live.menu', P.key, [col(5), row(0)], faces.key),
  };

  // Value controls: prepend their name, send to the client, and keep the last message for `ready`.
  const valued: ParamName[] = ['model', 'genre', 'density', 'temperature', 'bars', 'fill', 'key', 'follow'];
  valued.forEach((name, i) => {
    const spec = P[name];
    const pre = p.obj(`prepend ${spec.message}`, [col(i % 6), row(4 + Math.floor(i / 6) * 2)]);
    const kept = p.message(`${spec.message} ${spec.initial}`, [col(i % 6), row(5 + Math.floor(i / 6) * 2)]);
    p.connect(controls[name], 0, pre, 0);
    p.connect(pre, 0, node, 0);
    p.connect(pre, 0, kept, 1);
    p.connect(kept, 0, node, 0);
    p.connect(router, ROUTER.ready, kept, 0);
  });
  // Buttons: a bang turns into the command message.
  for (const name of ['generate', 'write'] as const) {
    const cmd = p.message(P[name].message, [col(6), row(name === 'generate' ? 4 : 6)]);
    p.connect(controls[name], 0, cmd, 0);
    p.connect(cmd, 0, node, 0);
  }

  // Start-up: once Live's API is ready, tell the clip writer.
  const thisDevice = p.obj('live.thisdevice', [col(4), row(7)]);
  const defer = p.obj('deferlow', [col(4), row(8)]);
  p.connect(thisDevice, 0, defer, 0);

  // Transport: tempo (outlet 4), ticks (7) and state (6) fire right to left, so the tempo, into pack's hot inlet, comes last.
  // The poll runs from load (the patch's own Stop needs it, script or not); what goes to
  // node.script passes a gate opened when the client says `ready` (node.script drops messages
  // sent before its script runs) and closed when the script stops, ends or restarts (lifecycle).
  const metro = p.obj(`metro ${TRANSPORT_POLL_MS}`, [col(3), row(10)]);
  const transport = p.obj('transport', [col(3), row(11)]);
  const packT = p.obj('pack 0. 0. 0', [col(3), row(12)]);
  const toNode = p.obj('gate 1', [col(3), row(13)]);
  const preT = p.obj('prepend transport', [col(3), row(14)]);
  const on = p.message('1', [col(3), row(9)]);
  const onFan = p.obj('t i i', [col(4), row(9)]); // open the gate, then restart the poll: the client hears the transport at once
  p.connect(defer, 0, metro, 0);
  p.connect(router, ROUTER.ready, on, 0);
  p.connect(on, 0, onFan, 0);
  p.connect(onFan, 1, toNode, 0);
  p.connect(onFan, 0, metro, 0);
  p.connect(metro, 0, transport, 0);
  p.connect(transport, 4, packT, 0);
  p.connect(transport, 7, packT, 1);
  p.connect(transport, 6, packT, 2);
  p.connect(packT, 0, toNode, 1);
  p.connect(toNode, 0, preT, 0);
  p.connect(preT, 0, node, 0);

  // Clip writer (Live API) gets the bang after deferlow and the clip messages from the client.
  const writer = p.obj(`js ${SCRIPTS.clipWriter}`, [col(4), row(11)], { saved_object_attributes: { filename: SCRIPTS.clipWriter, parameter_enable: 0 } });
  p.connect(defer, 0, writer, 0);
  // Write to: Session or Arrangement, a setting saved with the set (Stored Only: not automatable).
  const writeTo = p.param('live.tab', WRITE_TO, [col(5), row(5)], [232, 106, 132, 18], { num_lines_presentation: 1 }, 'stored');
  const preTarget = p.obj(`prepend ${WRITE_TO.message}`, [col(5), row(6)]);
  p.connect(writeTo, 0, preTarget, 0);
  p.connect(preTarget, 0, writer, 0);
  p.connect(router, ROUTER.clip, writer, 0);
  p.connect(writer, 0, router, 0); // the writer answers `status ...`

  // Live reader (Live API): Continue reads this track's clip; the Set's scale is observed from load.
  const reader = p.obj(`js ${SCRIPTS.liveReader}`, [col(5), row(15)], { saved_object_attributes: { filename: SCRIPTS.liveReader, parameter_enable: 0 } });
  const readClip = p.message(P.continue.message, [col(6), row(8)]);
  p.connect(controls.continue, 0, readClip, 0);
  p.connect(readClip, 0, reader, 0);
  p.connect(defer, 0, reader, 0);
  const readerOut = p.obj('route status primer scale meter', [col(5), row(16)]);
  p.connect(reader, 0, readerOut, 0);
  p.connect(readerOut, 0, setStatus, 0);
  // The reader's first scale and meter may come before node.script runs (dropped there): the
  // client's `ready` asks for them again.
  const resend = p.message('resend', [col(6), row(15)]);
  p.connect(router, ROUTER.ready, resend, 0);
  p.connect(resend, 0, reader, 0);
  (['primer', 'scale', 'meter'] as const).forEach((what, i) => {
    const pre = p.obj(`prepend ${what}`, [col(5) + 90 * i, row(17)]);
    p.connect(readerOut, 1 + i, pre, 0);
    p.connect(pre, 0, node, 0);
  });

  // The player: the patch plays the pattern from Live's transport itself (issue 11.5), so
  // node.script's latency never moves a note. Node only stores patterns and says which to read.
  const player = buildPlayer(p, router, col, row);
  const packN = p.obj('pack 0 0', [col(0), row(35)]);
  const format = p.obj('midiformat', [col(0), row(36)]);
  const midiout = p.obj('midiout', [col(0), row(37)]);
  p.connect(player.makenote, 0, packN, 0);
  p.connect(player.makenote, 1, packN, 1);
  p.connect(packN, 0, format, 0);
  p.connect(format, 0, midiout, 0);

  // Stop and Follow in the patch itself (a stalled node.script must not keep a note sounding):
  // the transport poll's state 0 and Follow's 0 clear the pipe and release makenote's notes.
  const stopped = p.obj('route 0', [col(4), row(13)]);
  p.connect(transport, 6, stopped, 0);
  p.connect(stopped, 0, player.stop, 0);
  p.connect(controls.follow, 0, player.follow, 0);

  // node.script's lifecycle outlet (`<event> success|error dictionary <name>`, Node for Max's
  // "Script Lifecycle" guide): failures go to the status line, and the transport poll stops
  // whenever the script is not running.
  const life = p.obj(`route ${LIFECYCLE.join(' ')}`, [col(5), row(9)]);
  p.connect(node, 1, life, 0);
  const off = p.message('0', [col(5), row(14)]);
  p.connect(off, 0, toNode, 0);
  LIFECYCLE.forEach((event, i) => {
    const say = LIFECYCLE_STATUS[event];
    const stopsPoll = event === 'stop' || event === 'terminated' || event === 'restarting';
    if (!say && !stopsPoll) return;
    let from: BoxRef = life;
    let outlet = i;
    if (say?.onlyOnError) {
      const err = p.obj('route error', [col(5) + 20 * i, row(10)]);
      p.connect(life, i, err, 0);
      from = err;
      outlet = 0;
    }
    const bang = p.obj('t b', [col(5) + 20 * i, row(11)]);
    p.connect(from, outlet, bang, 0);
    if (say) {
      const text = p.message(`set ${say.text}`, [col(5) + 20 * i, row(12)]);
      p.connect(bang, 0, text, 0);
      p.connect(text, 0, status, 0);
    }
    if (stopsPoll) p.connect(bang, 0, off, 0);
  });

  // MIDI into the track passes through.
  const midiin = p.obj('midiin', [col(1), row(17)]);
  p.connect(midiin, 0, midiout, 0);

  return p.build({
    devicewidth: DEVICE_WIDTH,
    description:
      "Tandem: an AI co-player. Generates drum grooves, bass lines and melodies by genre and density through the Tandem bridge (or continues this track's clip), plays them in time and writes them into clips.",
    dependencies: [
      { name: SCRIPTS.client, type: 'TEXT' },
      { name: SCRIPTS.clipWriter, type: 'TEXT' },
      { name: SCRIPTS.liveReader, type: 'TEXT' },
      { name: SCRIPTS.liveCommon, type: 'TEXT' },
    ],
  });
}
