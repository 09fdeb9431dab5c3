import { InvalidValueError } from '../../src/errors';
import { parseDuration } from './play';
import { parseBackendName, parseEngineChoice } from '../engine/auto';
import { DEFAULT_MODEL } from '../../src/models/registry';
import type { DrumImpl } from '../models/load';
import { BridgeController } from '../osc/controller';
import { PartPool } from '../session/part-pool';
import { WorkerPartModel } from '../live/worker-part';
import { SessionController } from '../session/controller';
import { drumHumanizer } from '../models/humanize';
import { OscServer } from '../osc/server';
import { SuggestionStore } from '../storage/suggestions';
import { DEFAULT_PANEL_PORT, parsePanelPort } from '../panel/port';
import type { PanelHost } from '../panel/front-end';
import { startPanel } from '../panel/start';
import { MODEL_NAMES, modelSpec } from '../../src/models/registry';
import { COMMON_TIME } from '../../src/models/spec';
import { panelMeter } from '../panel/protocol';
import { PPQ } from '../../src/time/units';

export interface ServeFlags {
  oscPort: string;
  replyPort?: string;
  modelImpl: string;
  engine: string;
  backend?: string;
  out: string;
  duration?: string;
  /** Exit when no OSC message has arrived for this long ("20s"); what the device passes, so a bridge nobody uses goes away. */
  lease?: string;
  /** Serve the web panel (`--panel`) on `panelPort` (default 7355; 0 = any free port). */
  panel?: boolean;
  panelPort?: string;
}

/** `--lease`: "20s", "1m", "500ms" -> ms. */
export function parseLease(text: string): number {
  try {
    return parseDuration(text);
  } catch (err) {
    if (err instanceof InvalidValueError) throw new InvalidValueError('lease', text, 'a length like 20s, 1m or 500ms');
    throw err;
  }
}

/**
 * Once the process that started us is gone, its end of our stdout/stderr pipes is closed and
 * each log line would raise EPIPE: from then on the bridge logs nowhere (it keeps serving the
 * other devices, and the lease ends it when none is left).
 */
let pipeBroken: boolean | undefined;
function quietOnBrokenPipe(): () => boolean {
  if (pipeBroken === undefined) {
    pipeBroken = false;
    for (const stream of [process.stdout, process.stderr]) {
      stream.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') throw err;
        pipeBroken = true;
      });
    }
  }
  return () => pipeBroken === true;
}

function port(field: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1024 || n > 65535) throw new InvalidValueError(field, v, 'a UDP port from 1024 to 65535');
  return n;
}

/** Runs the OSC bridge until interrupted, for `durationMs`, or until `signal` aborts. */
export async function runServe(
  flags: ServeFlags,
  durationMs?: number,
  say: (l: string) => void = (l) => console.error(l),
  signal?: AbortSignal,
): Promise<void> {
  const oscPort = port('osc-port', flags.oscPort);
  const replyPort = flags.replyPort === undefined ? undefined : port('reply-port', flags.replyPort);
  if (flags.modelImpl !== 'network' && flags.modelImpl !== 'baseline') throw new InvalidValueError('model-impl', flags.modelImpl, 'one of network, baseline');
  const engine = parseEngineChoice(flags.engine);
  const backend = flags.backend === undefined ? undefined : parseBackendName(flags.backend);
  const leaseMs = flags.lease === undefined ? undefined : parseLease(flags.lease);
  const panelPort = flags.panel ? parsePanelPort(flags.panelPort ?? String(DEFAULT_PANEL_PORT)) : undefined;
  const pipeBroken = leaseMs ? quietOnBrokenPipe() : () => false;
  const log = (line: string) => {
    if (!pipeBroken()) say(line);
  };
  // The session folder first: a folder that cannot be made fails before a model starts.
  const store = new SuggestionStore(flags.out);
  const pool = new PartPool({ impl: flags.modelImpl as DrumImpl, engine, backend }, log);
  // Where each started model runs, for the panel's engine line.
  const where = new Map<string, () => string>();
  const session = new SessionController({
    part: async (m) => {
      const started = await pool.start(m);
      where.set(m, () => started.now?.() ?? started.where);
      return started.model;
    },
    store,
    // Humanize (/tandem/humanize, the Tandem Humanize MIDI Tool) runs the drum network in this process, loaded on first use.
    humanizer: drumHumanizer(),
  });
  const controller = new BridgeController(session);
  let lastMessageAt = Date.now();
  const server = new OscServer(
    (m, r) => {
      lastMessageAt = Date.now();
      return controller.handle(m, r);
    },
    { port: oscPort, replyPort, log: say },
  );
  // The default model starts now, its worker thread loading on the other core while the port
  // opens (then Chromium behind it, with --engine auto); others on first use. A start that fails
  // is said once and tried again by the next request.
  const starting = pool.start(DEFAULT_MODEL);
  // The port opens at once, so /tandem/ping is answered from the first moment; requests that come
  // before the model is up wait for it (the session's timeout applies).
  try {
    await server.open();
  } catch (err) {
    await pool.close();
    throw err;
  }
  const panelHost: PanelHost = {
    mode: 'serve',
    session,
    store,
    models: MODEL_NAMES,
    engine: () => where.get(session.settings.model)?.() ?? `${session.settings.model} starts on its first suggestion`,
    transport: () => {
      // The host reports beats, not a meter: bars are counted in the current style's meter.
      const spec = modelSpec(session.settings.model);
      const m = spec.meter?.(session.style === 'any' ? undefined : session.style) ?? COMMON_TIME;
      return {
        source: 'host',
        bpm: session.transport.bpm,
        playing: session.transport.playing,
        ticks: Math.round(session.transport.beat * PPQ),
        follow: session.transport.follow,
        meter: panelMeter(m.numerator, m.denominator),
      };
    },
    generate: () => session.generate(),
  };
  const panel = panelPort === undefined ? undefined : await startPanel(panelHost, panelPort, say, () => server.close().then(() => pool.close()));
  say(
    `tandem: OSC bridge on 127.0.0.1:${server.port}; replies to ${replyPort ? `port ${replyPort}` : 'the sender'}; suggestions saved in ${store.dir}${panel ? `; panel on ${panel.url}` : ''}${leaseMs ? `; stops after ${leaseMs / 1000} s without a message` : ''}`,
  );
  // A model still loading when the bridge stops (a lease that ran out on a loaded machine) says nothing after "stopping".
  let stopping = false;
  starting.then(
    (first) => {
      where.set(DEFAULT_MODEL, () => first.now?.() ?? first.where);
      if (!stopping) log(`tandem: ${DEFAULT_MODEL}: ${first.where}`);
    },
    (err: Error) => {
      if (!stopping) log(`tandem: ${DEFAULT_MODEL} could not start (${err.message}); the next request tries again`);
    },
  );
  await new Promise<void>((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    const stop = () => {
      stopping = true;
      for (const t of timers) clearTimeout(t);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    signal?.addEventListener('abort', stop);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (durationMs) timers.push(setTimeout(stop, durationMs));
    if (leaseMs) {
      // The lease: every device pings every few seconds; when none has for leaseMs, nobody holds the bridge.
      const check = () => {
        // An open panel page holds the bridge as a pinging device does.
        if (panel?.connections) lastMessageAt = Date.now();
        const idle = Date.now() - lastMessageAt;
        if (idle >= leaseMs) {
          log(`tandem: no OSC message for ${Math.round(idle / 100) / 10} s (lease ${leaseMs / 1000} s); stopping`);
          return stop();
        }
        timers[1] = setTimeout(check, Math.min(leaseMs - idle + 5, Math.max(50, leaseMs / 4)));
      };
      timers[1] = setTimeout(check, leaseMs);
    }
  });
  await panel?.close();
  await server.close();
  await pool.close();
  WorkerPartModel.dropPrestarted();
}
