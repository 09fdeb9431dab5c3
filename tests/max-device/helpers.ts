import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drumHumanizer } from '../../bridge/models/humanize';
import { loadPart } from '../../bridge/models/load';
import { SessionController } from '../../bridge/session/controller';
import { modelSpec } from '../../src/models/registry';
import type { PartModel } from '../../src/models/spec';
import { BridgeController } from '../../bridge/osc/controller';
import { OscServer } from '../../bridge/osc/server';
import { SuggestionStore } from '../../bridge/storage/suggestions';
import { until } from '../helpers/wait';

/** A real OSC bridge in this process (n-gram models, suggestions saved in a temp folder), as `tandem serve` wires it. */
export async function startBridge(): Promise<{ server: OscServer; controller: BridgeController; store: SuggestionStore }> {
  const store = new SuggestionStore(mkdtempSync(join(tmpdir(), 'tandem-device-bridge-')), 's');
  const parts = new Map<string, PartModel>();
  const part = async (m: string) => parts.get(m) ?? parts.set(m, (await loadPart(modelSpec(m), 'baseline')).model).get(m)!;
  const controller = new BridgeController(new SessionController({ part, store, humanizer: drumHumanizer() }));
  const server = new OscServer((m, r) => controller.handle(m, r), { port: 0, log: () => {} });
  await server.open();
  return { server, controller, store };
}

/** A UDP port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * The device tests' argument order for the one `until` (tests/helpers/wait.ts): waits until `f`
 * returns a value (not undefined/null/false), polling every 5 ms; throws naming `what` after `ms`.
 */
export const waitFor = <T>(f: () => T | undefined | false, ms = 5000, what = 'condition'): Promise<T> => until(what, f, ms, 5);
