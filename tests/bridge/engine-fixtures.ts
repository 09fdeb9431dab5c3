/** Shared set-up of the engine tests: the drum model to load and the browser to launch. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DRUM_NET_DIR } from '../../bridge/models/load';
import { findBrowser } from '../../bridge/engine/find-browser';
import { pidAlive } from '../../bridge/engine/chromium-host';
import type { EngineModel, EngineRequest } from '../../bridge/engine/engine';
import { networkOf } from '../../bridge/engine/engine-parts';
import type { ControlName } from '../../src/models/controls';
import type { Sequence } from '../../src/music/sequence';
import { until } from '../helpers/wait';

/**
 * The drum network the engine tests load: $TANDEM_DRUM_MODEL_DIR when set (a scratch model),
 * else the committed models/drums. Fails loudly, never skips, when neither has a model.json.
 */
export function testDrumModel(): EngineModel {
  const dir = process.env.TANDEM_DRUM_MODEL_DIR ?? DRUM_NET_DIR;
  if (!existsSync(join(dir, 'model.json'))) {
    throw new Error(`engine tests need a drum network: ${join(dir, 'model.json')} is missing (commit models/drums or set TANDEM_DRUM_MODEL_DIR)`);
  }
  return { id: 'drums-gru', dir };
}

/**
 * The browser for the Chromium tests, or why there is none. With CI=true a missing browser is an
 * error (CI installs Debian's chromium), so those tests cannot silently skip there.
 */
export function testBrowser(): { path?: string; skip?: string } {
  const found = findBrowser();
  if (found.path) return { path: found.path };
  if (process.env.CI === 'true') throw new Error(`CI must run the Chromium engine tests: ${found.reason}`);
  return { skip: `skipped: ${found.reason}` };
}

/** Process ids whose process group is `pgid` (the browser and every process it started), Linux only. */
export function processGroup(pgid: number): number[] {
  if (process.platform !== 'linux') return pidAlive(pgid) ? [pgid] : [];
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the ")" closing the command name: state ppid pgrp ...
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** Waits until `check` holds; fails after `ms` naming `what` (tests/helpers/wait.ts), so it never returns false. */
export async function eventually(check: () => boolean, ms = 10_000, what = 'the condition'): Promise<true> {
  return until(what, () => check() || undefined, ms, 50).then(() => true);
}

/**
 * The committed network of a registry model as an engine loads it (drums: as testDrumModel).
 * Fails loudly, never skips, when its model.json is missing.
 */
export function testNetModel(name: string): EngineModel {
  if (name === 'drums') return testDrumModel();
  const { model } = networkOf(name);
  if (!existsSync(join(model.dir, 'model.json'))) throw new Error(`engine tests need the ${name} network: ${model.dir}/model.json is missing`);
  return model;
}

/** A checked request for a registry model's network, as the engine gets it (the request names its implementation). */
export function engineRequest(name: string, raw: Partial<Record<ControlName, unknown>> & { primer?: Sequence }): EngineRequest {
  return networkOf(name).request(raw);
}

/** A drum network request (style = genre). */
export const drumRequest = (raw: Partial<Record<ControlName, unknown>> & { primer?: Sequence }): EngineRequest => engineRequest('drums', raw);

/** Sequences as comparable plain data (every note, length, meters, markers, key). */
export const plain = (seqs: Sequence[]): Sequence[] => JSON.parse(JSON.stringify(seqs)) as Sequence[];
