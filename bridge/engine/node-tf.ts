import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export type NodeBackend = 'wasm' | 'cpu';
export const NODE_BACKENDS: readonly NodeBackend[] = ['wasm', 'cpu'];

let ready: Promise<NodeBackend> | undefined;

/**
 * Registers the cpu backend. TF.js here is tfjs-core plus the backends used, not the whole
 * `@tensorflow/tfjs` (layers, converter, WebGL: ~0.5 s more to import); cpu is loaded only when
 * asked for or when wasm cannot start.
 */
async function registerCpu(): Promise<void> {
  await import('@tensorflow/tfjs-backend-cpu');
}

/**
 * Starts TF.js in this Node process on `prefer` (default wasm, the fastest CPU backend here),
 * falling back to cpu when wasm cannot start. Returns the backend in use.
 */
export function initNodeTf(prefer: NodeBackend = 'wasm'): Promise<NodeBackend> {
  ready ??= (async () => {
    // PROD hushes tfjs's warnings, among them the hint to install tfjs-node (which cannot install here).
    tf.env().set('PROD', true);
    if (prefer === 'wasm') {
      const require = createRequire(import.meta.url);
      const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
      setWasmPaths(dist + '/');
      try {
        if (await tf.setBackend('wasm')) {
          await tf.ready();
          return 'wasm';
        }
      } catch {
        // falls through to cpu; the caller reports which backend runs
      }
    }
    await registerCpu();
    await tf.setBackend('cpu');
    await tf.ready();
    return 'cpu';
  })();
  return ready;
}

/** Makes `backend` the one TF.js runs on in this process (after initNodeTf); false when it cannot start. */
export async function useNodeBackend(backend: NodeBackend): Promise<boolean> {
  if (tf.getBackend() === backend) return true;
  if (backend === 'cpu') await registerCpu();
  return tf.setBackend(backend);
}
