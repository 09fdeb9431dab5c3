import { InvalidValueError } from '../../src/errors';
import { parseBackendName, parseEngineChoice } from '../engine/auto';
import { startLiveModel } from '../live/live-model';
import type { DrumImpl } from '../models/load';
import { BridgeController } from '../osc/controller';
import { OscServer } from '../osc/server';
import { SuggestionStore } from '../storage/suggestions';

export interface ServeFlags {
  oscPort: string;
  replyPort?: string;
  modelImpl: string;
  engine: string;
  backend?: string;
  out: string;
  duration?: string;
}

function port(field: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1024 || n > 65535) throw new InvalidValueError(field, v, 'a UDP port from 1024 to 65535');
  return n;
}

/** Runs the OSC bridge until interrupted (or for `durationMs`). */
export async function runServe(flags: ServeFlags, durationMs?: number, say: (l: string) => void = (l) => console.error(l)): Promise<void> {
  const oscPort = port('osc-port', flags.oscPort);
  const replyPort = flags.replyPort === undefined ? undefined : port('reply-port', flags.replyPort);
  if (flags.modelImpl !== 'network' && flags.modelImpl !== 'baseline') throw new InvalidValueError('model-impl', flags.modelImpl, 'one of network, baseline');
  const engine = parseEngineChoice(flags.engine);
  const backend = flags.backend === undefined ? undefined : parseBackendName(flags.backend);
  const loaded = await startLiveModel({ impl: flags.modelImpl as DrumImpl, engine, backend, log: say });
  const model = loaded.model;
  const store = new SuggestionStore(flags.out);
  const controller = new BridgeController(model, store);
  const server = new OscServer((m, r) => controller.handle(m, r), { port: oscPort, replyPort, log: say });
  try {
    await server.open();
  } catch (err) {
    await loaded.close();
    throw err;
  }
  say(`tandem: OSC bridge on 127.0.0.1:${server.port} (${loaded.where}); replies to ${replyPort ? `port ${replyPort}` : 'the sender'}; suggestions saved in ${store.dir}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (durationMs) setTimeout(stop, durationMs);
  });
  await server.close();
  await loaded.close();
}
