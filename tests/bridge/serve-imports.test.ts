import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../bridge/data/paths';

/**
 * Issue 15 point 2: `serve` answers /tandem/ping as soon as its port is bound, so nothing heavy
 * may load before it: TF.js and the browser driver load later (the model in its worker thread,
 * Chromium in the background, humanize's network with the first humanize). Static imports run
 * before serve's code does, so the module graph of bridge/cli/serve.ts must reach neither.
 * (Before this test, bridge/models/humanize.ts imported TF.js and the drum network's code at the
 * top: the main thread loaded tfjs-core and tfjs-backend-wasm, ~45 ms CPU, before it bound.)
 */
const HEAVY = /^(@tensorflow\/|puppeteer)/;

/** Each heavy package serve's static imports reach, with one chain of imports to it. */
async function heavyChains(entry: string): Promise<string[]> {
  const r = await build({
    entryPoints: [entry],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs: Metafile['inputs'] = r.metafile.inputs;
  const from = new Map<string, string | undefined>([[entry, undefined]]);
  const queue = [entry];
  const chains: string[] = [];
  while (queue.length) {
    const file = queue.shift()!;
    for (const imp of inputs[file]?.imports ?? []) {
      if (imp.kind !== 'import-statement' || from.has(imp.path)) continue;
      from.set(imp.path, file);
      if (!HEAVY.test(imp.path)) {
        queue.push(imp.path);
        continue;
      }
      const chain = [imp.path];
      for (let at: string | undefined = file; at; at = from.get(at)) chain.unshift(at);
      chains.push(chain.join(' -> '));
    }
  }
  return chains;
}

describe('what serve loads before its port answers', () => {
  it('imports neither TF.js nor the browser driver statically', async () => {
    expect(await heavyChains('bridge/cli/serve.ts')).toEqual([]);
  });

  it('would name the chain if it did (generate loads TF.js on its path)', async () => {
    const chains = await heavyChains('bridge/cli/generate.ts');
    expect(
      chains.some((c) => c.startsWith('bridge/cli/generate.ts -> ') && c.includes('@tensorflow/tfjs-core')),
      chains.join('\n'),
    ).toBe(true);
  });
});
