import { InvalidValueError } from '../../src/errors';
import { checkTempo } from '../../src/models/controls';
import { modelSpec } from '../../src/models/registry';
import { LIVE_DEFAULTS, LiveSession, sharedMeter } from '../live/session';
import { startPart } from '../models/start-part';
import { SessionController } from '../session/controller';
import { DEFAULT_CLOCK_PORT, DEFAULT_OUT_PORT, openInput } from '../midi/easymidi-ports';
import { OutputThread } from '../live/output-thread';
import { MidiUnavailableError, type MidiInput } from '../midi/port';
import type { DrumImpl } from '../models/load';
import { parseBackendName, parseEngineChoice } from '../engine/auto';
import { SuggestionStore } from '../storage/suggestions';
import { readProgressions } from '../live/harmony';
import { progressionText } from '../../src/music/chords';
import { parsePartStyles, parseParts } from './parts';
import type { ControlName } from '../../src/models/controls';
import { DEFAULT_PANEL_PORT, parsePanelPort } from '../panel/port';
import { panelMeter } from '../panel/protocol';
import type { PanelHost } from '../panel/front-end';
import { startPanel } from '../panel/start';

export interface PlayFlags {
  clock: string;
  bpm: string;
  port?: string;
  clockPort?: string;
  barsAhead: string;
  duration?: string;
  model: string;
  /** Several parts at once ("drums,bass"); overrides model. */
  parts?: string;
  genre?: string;
  density?: string;
  temperature?: string;
  fillEvery?: string;
  key?: string;
  chords?: string;
  seed?: string;
  modelImpl: string;
  engine: string;
  backend?: string;
  latency: string;
  out: string;
  /** Serve the web panel (`--panel`) on `panelPort` (default 7355; 0 = any free port). */
  panel?: boolean;
  panelPort?: string;
}

/** Longest --duration: Node's timers hold at most 2^31-1 ms (a longer delay fires at once). */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/** "30s", "2m", "500ms" or plain seconds -> ms (at most {@link MAX_DURATION_MS}, about 24.8 days). */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw new InvalidValueError('duration', text, 'a length like 30s, 2m or 500ms');
  const n = Number(m[1]);
  const ms = m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
  if (!(ms <= MAX_DURATION_MS)) throw new InvalidValueError('duration', text, 'at most 35791m (about 24 days); leave --duration out to run until stopped');
  return ms;
}

function int(field: string, v: string, lo: number, hi: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new InvalidValueError(field, v, `a whole number from ${lo} to ${hi}`);
  return n;
}

/** What tests replace: the MIDI output (an output thread relaying to an in-memory port). */
export interface PlayDeps {
  openOutput?: () => Promise<OutputThread>;
  /** Stops the session like Ctrl-C does (tests, the screenshots script). */
  stop?: AbortSignal;
}

/** Runs a live session until --duration passes, the process is interrupted or `deps.stop` aborts. Resolves with a summary. */
export async function runPlay(
  flags: PlayFlags,
  say: (line: string) => void = (l) => console.error(l),
  deps: PlayDeps = {},
): Promise<{ phrases: number; repeats: number; dir: string; ports: string[]; unsaved: number; saveError?: string }> {
  if (flags.clock !== 'internal' && flags.clock !== 'midi') throw new InvalidValueError('clock', flags.clock, 'one of internal, midi');
  const bpm = checkTempo(flags.bpm);
  const barsAhead = int('bars-ahead', flags.barsAhead, 1, 16);
  const latencyMs = Number(flags.latency);
  if (!Number.isFinite(latencyMs) || Math.abs(latencyMs) > 500) throw new InvalidValueError('latency', flags.latency, 'milliseconds from -500 to 500');
  const durationMs = flags.duration ? parseDuration(flags.duration) : undefined;
  const panelPort = flags.panel ? parsePanelPort(flags.panelPort ?? String(DEFAULT_PANEL_PORT)) : undefined;
  const specs = flags.parts !== undefined ? parseParts(flags.parts) : [modelSpec(flags.model)];
  const spec = specs[0];
  const styles = specs.length > 1 ? parsePartStyles(flags.genre, specs) : flags.genre !== undefined ? { [spec.name]: flags.genre } : {};
  // Checked before anything starts; defaults from the control table (via the controller).
  const session = new SessionController(
    {},
    {
      model: spec.name,
      density: flags.density,
      temperature: flags.temperature,
      fillEvery: flags.fillEvery,
      key: flags.key,
      chords: flags.chords,
      seed: flags.seed,
    },
  );
  for (const p of specs) {
    if (styles[p.name] === undefined) continue;
    session.set('model', p.name);
    session.set('style', styles[p.name]);
  }
  session.set('model', spec.name);
  sharedMeter(
    specs.map((p) => p.name),
    session.settings.styles,
  ); // before any model starts
  const someTakes = (c: ControlName) => specs.some((p) => p.controls.includes(c));
  const names = specs.map((p) => p.name).join(' and ');
  if (flags.fillEvery !== undefined && !someTakes('fillEvery'))
    throw new InvalidValueError('fill-every', flags.fillEvery, `left out: ${names} ${specs.length > 1 ? 'have' : 'has'} no fill-every control`);
  for (const k of ['key', 'chords'] as const)
    if (flags[k] !== undefined && !someTakes(k))
      throw new InvalidValueError(k, flags[k], `left out: ${names} ${specs.length > 1 ? 'have' : 'has'} no ${k} control`);
  if (flags.modelImpl !== 'network' && flags.modelImpl !== 'baseline') throw new InvalidValueError('model-impl', flags.modelImpl, 'one of network, baseline');

  const engine = parseEngineChoice(flags.engine);
  const backend = flags.backend === undefined ? undefined : parseBackendName(flags.backend);

  // The session folder first: a folder that cannot be made fails before a model starts.
  const store = new SuggestionStore(flags.out, undefined, { log: say });
  // The model runs in Chromium or a worker thread, never on the main thread (see start-part.ts).
  const started = await Promise.allSettled(specs.map((p) => startPart(p, { impl: flags.modelImpl as DrumImpl, engine, backend, mode: 'live', log: say })));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  const models = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  if (failed) {
    await Promise.allSettled(models.map((m) => m.close()));
    throw failed.reason;
  }
  for (const m of models) if (m.note) say(`tandem: ${m.note}`);
  const loaded = { model: models[0].model, close: () => Promise.all(models.map((m) => m.close())) };
  let output: OutputThread | undefined;
  let input: MidiInput | undefined;
  const ports: string[] = [];
  try {
    // The port lives in a thread of its own, which sends each note at its time (see output-worker.ts).
    output = await (deps.openOutput?.() ??
      OutputThread.start(flags.port ? { kind: 'easymidi', name: flags.port, virtual: false } : { kind: 'easymidi', name: DEFAULT_OUT_PORT, virtual: true }));
    ports.push(`out: ${output.name}`);
    const p = output.priority;
    say(
      `tandem: MIDI out "${output.name}" from its own thread, ${p.kind === 'fifo' ? `real-time priority ${p.priority}` : p.kind === 'nice' ? `nice ${p.nice}` : `default priority (${p.why}; timing may suffer on a busy machine)`}`,
    );
  } catch (err) {
    if (!(err instanceof MidiUnavailableError)) throw err;
    say(`tandem: ${err.message}. Playing without MIDI output; every suggestion is still saved in ${store.dir}`);
  }
  let clock = flags.clock as 'internal' | 'midi';
  if (clock === 'midi') {
    try {
      input = flags.clockPort ? openInput(flags.clockPort, false) : openInput(DEFAULT_CLOCK_PORT, true);
      ports.push(`clock in: ${input.name}`);
    } catch (err) {
      if (!(err instanceof MidiUnavailableError)) throw err;
      say(`tandem: ${err.message}. No clock to follow: using the internal clock at ${bpm} BPM`);
      clock = 'internal';
    }
  }
  const harmonic = specs.some((p) => p.controls.includes('chords'));
  const parts = specs.map((p, i) => ({ name: p.name, model: models[i].model }));
  const live = new LiveSession(
    { model: loaded.model, parts, progressions: harmonic ? readProgressions() : undefined, store, session, dispatcher: output, input, log: say },
    {},
    { clock, bpm, barsAhead, latencyMs },
  );
  const panelHost: PanelHost = {
    mode: 'play',
    session,
    store,
    // The model menu picks which part's genre the controls set (each part keeps its own).
    models: specs.map((p) => p.name),
    parts: specs.map((p) => p.name),
    unused: { bars: `a live phrase is ${LIVE_DEFAULTS.phraseBars} bars (played ${barsAhead} bar(s) ahead)` },
    engine: () => specs.map((p, i) => `${specs.length > 1 ? `${p.name}: ` : ''}${models[i].now?.() ?? models[i].where}`).join('; '),
    transport: () => ({
      source: clock,
      bpm: live.clock.bpm,
      playing: live.clock.playing,
      ticks: Math.max(0, live.clock.ticksAt(performance.now())),
      follow: clock === 'midi',
      meter: panelMeter(live.meter.numerator, live.meter.denominator),
    }),
    // The live session sets it through the controller and applies it at the next phrase.
    set: (control, value) => (control === 'model' ? session.set('model', value) : live.setControls({ [control]: value })),
  };
  const panel =
    panelPort === undefined
      ? undefined
      : await startPanel(panelHost, panelPort, say, async () => {
          input?.close();
          await Promise.allSettled([output?.close(), loaded.close()]);
        });
  if (panel) say(`tandem: panel on ${panel.url} (open it in a browser on this machine)`);
  const s = session.settings;
  const what = specs.map((p, i) => `${s.styles[p.name]} ${p.name} (${models[i].where}${specs.length > 1 ? `, channel ${p.channel + 1}` : ''})`).join(' + ');
  const h = live.harmony;
  const over = h ? ` in ${h.key}${h.chords.length ? ` over ${h.drawn ? 'chords drawn from the style: ' : ''}${progressionText(h.chords)}` : ''}` : '';
  say(
    `tandem: playing ${what}${over}, density ${s.density}, seed ${s.seed} (+1 a phrase), ${clock === 'midi' ? `following the MIDI clock on "${input!.name}"` : `internal clock at ${bpm} BPM`}; suggestions saved in ${store.dir}${durationMs ? `; stopping after ${durationMs / 1000} s` : '; Ctrl-C stops'}`,
  );

  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err?: unknown) => {
      if (done) return;
      done = true;
      live.stop(); // note-offs and All Notes Off go out before the ports close
      input?.close();
      for (const sig of ['SIGINT', 'SIGTERM'] as const) process.off(sig, onSignal);
      process.off('uncaughtException', onError);
      deps.stop?.removeEventListener('abort', onSignal);
      if (timer) clearTimeout(timer);
      // The output thread sends what stop() queued (the panic), then closes its port.
      // Phrases still being saved are finished first, so the summary's unsaved count is final.
      void Promise.allSettled([output?.close(), loaded.close(), panel?.close(), store.flush()]).then(() => {
        if (err) reject(err);
        else
          resolve({
            phrases: live.stats.phrases,
            repeats: live.stats.repeats,
            dir: store.dir,
            ports,
            unsaved: store.unsaved,
            saveError: store.lastError?.message,
          });
      });
    };
    const onSignal = () => finish();
    const onError = (err: Error) => finish(err);
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, onSignal);
    process.on('uncaughtException', onError);
    deps.stop?.addEventListener('abort', onSignal);
    const timer = durationMs ? setTimeout(() => finish(), durationMs) : undefined;
    live.start().catch(finish);
  });
}
