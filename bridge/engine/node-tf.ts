import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export type NodeBackend = 'wasm' | 'cpu';
export const NODE_BACKENDS: readonly NodeBackend[] = ['wasm', 'cpu'];

let ready: Promise<NodeBackend> | undefined;

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
    await tf.setBackend('cpu');
    await tf.ready();
    return 'cpu';
  })();
  return ready;
}
