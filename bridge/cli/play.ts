import { InvalidValueError } from '../../src/errors';
import { checkTempo } from '../../src/models/controls';
import { modelSpec } from '../../src/models/registry';
import { LiveSession } from '../live/session';
import { startPart } from '../models/start-part';
import { SessionController } from '../session/controller';
import { DEFAULT_CLOCK_PORT, DEFAULT_OUT_PORT, openInput } from '../midi/easymidi-ports';
import { OutputThread } from '../live/output-thread';
import { MidiUnavailableError, type MidiInput } from '../midi/port';
import type { DrumImpl } from '../models/load';
import { parseBackendName, parseEngineChoice } from '../engine/auto';
import { SuggestionStore } from '../storage/suggestions';

export interface PlayFlags {
  clock: string;
  bpm: string;
  port?: string;
  clockPort?: string;
  barsAhead: string;
  duration?: string;
  model: string;
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

/** Runs a live session until --duration passes or the process is interrupted. Resolves with a summary. */
export async function runPlay(flags: PlayFlags, say: (line: string) => void = (l) => console.error(l)): Promise<{ phrases: number; repeats: number; dir: string; ports: string[]; unsaved: number; saveError?: string }> {
  if (flags.clock !== 'internal' && flags.clock !== 'midi') throw new InvalidValueError('clock', flags.clock, 'one of internal, midi');
  const bpm = checkTempo(flags.bpm);
  const barsAhead = int('bars-ahead', flags.barsAhead, 1, 16);
  const latencyMs = Number(flags.latency);
  if (!Number.isFinite(latencyMs) || Math.abs(latencyMs) > 500) throw new InvalidValueError('latency', flags.latency, 'milliseconds from -500 to 500');
  const durationMs = flags.duration ? parseDuration(flags.duration) : undefined;
  const spec = modelSpec(flags.model);
  // Checked before anything starts; defaults from the control table (via the controller).
  const session = new SessionController({}, { model: spec.name, style: flags.genre, density: flags.density, temperature: flags.temperature, fillEvery: flags.fillEvery, key: flags.key, chords: flags.chords, seed: flags.seed });
  if (flags.fillEvery !== undefined && !spec.controls.includes('fillEvery')) throw new InvalidValueError('fill-every', flags.fillEvery, `left out: ${spec.name} has no fill-every control`);
  for (const k of ['key', 'chords'] as const) if (flags[k] !== undefined && !spec.controls.includes(k)) throw new InvalidValueError(k, flags[k], `left out: ${spec.name} has no ${k} control`);
  if (flags.modelImpl !== 'network' && flags.modelImpl !== 'baseline') throw new InvalidValueError('model-impl', flags.modelImpl, 'one of network, baseline');

  const engine = parseEngineChoice(flags.engine);
  const backend = flags.backend === undefined ? undefined : parseBackendName(flags.backend);

  // The session folder first: a folder that cannot be made fails before a model starts.
  const store = new SuggestionStore(flags.out, undefined, { log: say });
  // The model runs in Chromium or a worker thread, never on the main thread (see start-part.ts).
  const loaded = await startPart(spec, { impl: flags.modelImpl as DrumImpl, engine, backend, mode: 'live', log: say });
  if (loaded.note) say(`tandem: ${loaded.note}`);
  let output: OutputThread | undefined;
  let input: MidiInput | undefined;
  const ports: string[] = [];
  try {
    // The port lives in a thread of its own, which sends each note at its time (see output-worker.ts).
    output = await OutputThread.start(flags.port ? { kind: 'easymidi', name: flags.port, virtual: false } : { kind: 'easymidi', name: DEFAULT_OUT_PORT, virtual: true });
    ports.push(`out: ${output.name}`);
    const p = output.priority;
    say(`tandem: MIDI out "${output.name}" from its own thread, ${p.kind === 'fifo' ? `real-time priority ${p.priority}` : p.kind === 'nice' ? `nice ${p.nice}` : `default priority (${p.why}; timing may suffer on a busy machine)`}`);
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
  const live = new LiveSession({ model: loaded.model, store, session, dispatcher: output, input, log: say }, {}, { clock, bpm, barsAhead, latencyMs });
  const s = session.settings;
  say(`tandem: playing ${session.style} ${spec.name} (${loaded.where}) density ${s.density}, seed ${s.seed} (+1 a phrase), ${clock === 'midi' ? `following the MIDI clock on "${input!.name}"` : `internal clock at ${bpm} BPM`}; suggestions saved in ${store.dir}${durationMs ? `; stopping after ${durationMs / 1000} s` : '; Ctrl-C stops'}`);

  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err?: unknown) => {
      if (done) return;
      done = true;
      live.stop(); // note-offs and All Notes Off go out before the ports close
      input?.close();
      for (const sig of ['SIGINT', 'SIGTERM'] as const) process.off(sig, onSignal);
      process.off('uncaughtException', onError);
      if (timer) clearTimeout(timer);
      // The output thread sends what stop() queued (the panic), then closes its port.
      void Promise.allSettled([output?.close(), loaded.close()]).then(() => {
        if (err) reject(err);
        else resolve({ phrases: live.stats.phrases, repeats: live.stats.repeats, dir: store.dir, ports, unsaved: store.unsaved, saveError: store.lastError?.message });
      });
    };
    const onSignal = () => finish();
    const onError = (err: Error) => finish(err);
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, onSignal);
    process.on('uncaughtException', onError);
    const timer = durationMs ? setTimeout(() => finish(), durationMs) : undefined;
    live.start().catch(finish);
  });
}
