import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { staleReason } from '../bin/dist-fresh.js';
import { datasetsDir, REPO_ROOT } from './data/paths';
import { findBrowser } from './engine/find-browser';
import { initNodeTf, NODE_BACKENDS } from './engine/node-tf';
import { artifactPath, hasArtifact } from './models/artifacts';
import { networkOf } from './engine/engine-parts';
import { DEFAULT_MODEL, MODEL_SPECS } from '../src/models/registry';
import { createEngine } from './engine/auto';
import type { Engine, EngineInfo } from './engine/engine';
import { formatBackendTable } from './engine/report';
import { midiCheck } from './midi/availability';

export { midiCheck };

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export const DEFAULT_OSC_PORT = 57121;

/** Whether a UDP port can be bound on 127.0.0.1 (the OSC server's address). */
export function udpPortFree(port: number): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', (err) => {
      s.close();
      resolve({ ok: false, detail: `127.0.0.1:${port} cannot be bound (${(err as NodeJS.ErrnoException).code ?? err.message})` });
    });
    s.bind(port, '127.0.0.1', () => {
      s.close();
      resolve({ ok: true, detail: `127.0.0.1:${port} is free for the OSC server` });
    });
  });
}

/** Why virtual MIDI ports can or cannot open on this machine. */
/** The Chromium engine's backend table (backend, ok/failed with reason, parity error, ms per bar). */
export async function browserBackends(model = DEFAULT_MODEL): Promise<{ check: Check; info?: EngineInfo; table?: string }> {
  const net = networkOf(model).model;
  if (!findBrowser().path || !existsSync(join(net.dir, 'model.json')))
    return { check: { name: 'Chromium backends', ok: false, detail: `not probed (needs a browser and the ${model} network)` } };
  let engine: Engine | undefined;
  try {
    engine = await createEngine('chromium', net, { log: () => {} });
    const info = engine.info();
    const ok = info.running === 'chromium';
    const passing = info.backends.filter((b) => b.ok).map((b) => b.backend);
    return {
      check: {
        name: 'Chromium backends',
        ok,
        detail: ok ? `${info.backend} chosen; passing parity: ${passing.join(', ') || 'none'}` : `fell back to Node: ${info.fallbackReason}`,
      },
      info,
      table: formatBackendTable(info),
    };
  } catch (err) {
    return { check: { name: 'Chromium backends', ok: false, detail: (err as Error).message } };
  } finally {
    await engine?.close();
  }
}

export async function runDoctor(): Promise<Check[]> {
  const checks: Check[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  checks.push({ name: 'Node', ok: major >= 20, detail: `${process.version}${major >= 20 ? '' : ' (Tandem needs Node 20 or newer)'}` });
  const stale = staleReason(REPO_ROOT, join(REPO_ROOT, 'dist'), 'cli');
  checks.push({
    name: 'Start-up',
    ok: !stale,
    detail: stale
      ? `the CLI runs from the TypeScript sources (~1 s slower to start): dist/ ${stale}`
      : 'the CLI runs from dist/ (built by npm install or npm run build)',
  });
  const b = findBrowser();
  checks.push({ name: 'Browser', ok: !!b.path, detail: b.path ? `${b.path}${b.via === 'env' ? ' (from TANDEM_CHROME)' : ''}` : b.reason! });
  for (const backend of NODE_BACKENDS) {
    checks.push(await backendCheck(backend));
  }
  // Every implementation of every registry model: present or how to get it.
  for (const spec of MODEL_SPECS) {
    for (const impl of spec.implementations) {
      const path = artifactPath(impl);
      const ok = hasArtifact(impl);
      const name = `${spec.name[0].toUpperCase()}${spec.name.slice(1)} ${impl.kind}`;
      const how = impl.artifact.kind === 'layers' ? `npm run train:${impl.artifact.dir}` : 'npm run train:baseline';
      checks.push({
        name,
        ok,
        detail: ok
          ? `${impl.id}: ${path}`
          : `${impl.id} missing at ${path}${impl === spec.implementations[0] ? '; generation falls back to the next implementation' : ''} (${how})`,
      });
    }
  }
  checks.push(midiCheck());
  const osc = await udpPortFree(DEFAULT_OSC_PORT);
  checks.push({ name: 'OSC port', ...osc });
  const root = datasetsDir();
  const sets = ['groove-midi', 'nottingham', 'pop909', 'jsb-chorales'].map((d) => `${d} ${existsSync(join(root, d)) ? 'found' : 'missing'}`);
  checks.push({
    name: 'Datasets',
    ok: existsSync(root),
    detail: existsSync(root) ? `${root}: ${sets.join(', ')}` : `not found at ${root} (only needed to build corpora and train; set TANDEM_DATASETS)`,
  });
  return checks;
}

/** Starts one TF.js backend in this process and runs a tiny op to prove it works. */
async function backendCheck(backend: 'wasm' | 'cpu'): Promise<Check> {
  try {
    const used = await initNodeTf(backend);
    if (used !== backend) {
      // initNodeTf settles once per process; switch explicitly for the second check.
      const ok = await tf.setBackend(backend);
      if (!ok) return { name: `TF.js ${backend} (Node)`, ok: false, detail: 'backend did not initialise' };
    }
    const t0 = performance.now();
    const v = tf.tidy(
      () =>
        tf
          .matMul(tf.ones([64, 64]), tf.ones([64, 64]))
          .sum()
          .dataSync()[0],
    );
    const ok = v === 64 * 64 * 64;
    return { name: `TF.js ${backend} (Node)`, ok, detail: ok ? `ok (${(performance.now() - t0).toFixed(1)} ms for a 64x64 matMul)` : `wrong result ${v}` };
  } catch (err) {
    return { name: `TF.js ${backend} (Node)`, ok: false, detail: (err as Error).message };
  } finally {
    await tf.setBackend('wasm').catch(() => false);
  }
}
