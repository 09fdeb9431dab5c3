/**
 * `npm run build:device`: writes max-device/dist/ — Tandem.amxd (MIDI effect), the bundled
 * node.script client, the js clip writer, a package.json that makes the folder CommonJS (the
 * repo's is "type": "module", and Node for Max loads the client with require), and device.svg.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { encodeAmxd } from './amxd';
import { buildTandemPatcher, SCRIPTS } from './patcher/tandem';
import { renderDeviceSvg } from './render-svg';
import { writeFileAtomic } from '../../bridge/fs/atomic-write';

const HERE = dirname(fileURLToPath(import.meta.url));
/** max-device/ */
export const DEVICE_ROOT = resolve(HERE, '..');
export const DIST = join(DEVICE_ROOT, 'dist');
export const AMXD_NAME = 'Tandem.amxd';

/** esbuild targets of the node.script client: Node 12 and ES2017 syntax (see README, minimum versions). */
export const CLIENT_TARGET = ['node12', 'es2017'];

/** Rewrites `require("node:fs")` to `require("fs")`: the `node:` scheme needs Node 14.18 / 16. */
const bareNodeBuiltins: Plugin = {
  name: 'bare-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path.slice('node:'.length), external: true }));
  },
};

/** Bundles the node.script client into one CommonJS file, `max-api` left to Node for Max. */
export async function bundleClient(outfile: string): Promise<void> {
  const r = await build({
    write: false,
    absWorkingDir: resolve(DEVICE_ROOT, '..'),
    entryPoints: [join(HERE, 'client', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // Node for Max runs the Node its Max bundles, older in older Max versions (Max 8.0 shipped
    // Node 8). Built for Node 12 and ES2017 syntax, which esprima (the checker's parser) reads,
    // with `node:` requires (Node 14.18+/16+) rewritten to the bare module names.
    target: CLIENT_TARGET,
    external: ['max-api'],
    plugins: [bareNodeBuiltins],
    // osc-js requires `ws` for its WebSocket plugins, which the client never uses.
    alias: { ws: join(HERE, 'client', 'ws-stub.ts') },
    banner: { js: '// Tandem node.script client. Built by `npm run build:device` from max-device/src/client/; do not edit.' },
    logLevel: 'warning',
    // The bundle's path comments stay `node_modules/...` also where node_modules is a link (a git
    // worktree sharing another checkout's): the committed client is the same whoever builds it.
    preserveSymlinks: true,
  });
  // Written by rename, so Max never loads half a client.
  writeFileAtomic(outfile, r.outputFiles[0].contents, { replace: true });
}

/** Builds everything into `dist` (default max-device/dist); returns the files written. */
export async function buildDevice(dist = DIST): Promise<string[]> {
  mkdirSync(dist, { recursive: true });
  const patcher = buildTandemPatcher();
  const files = [join(dist, AMXD_NAME), join(dist, SCRIPTS.client), join(dist, SCRIPTS.clipWriter), join(dist, 'package.json'), join(dist, 'device.svg')];
  const replace = { replace: true };
  writeFileAtomic(files[0], encodeAmxd({ patcher }, 'mmmm'), replace);
  await bundleClient(files[1]);
  writeFileAtomic(files[2], readFileSync(join(HERE, SCRIPTS.clipWriter)), replace);
  writeFileAtomic(files[3], JSON.stringify({ name: 'tandem-device', private: true, type: 'commonjs' }, null, 2) + '\n', replace);
  writeFileAtomic(files[4], renderDeviceSvg(patcher), replace);
  return files;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = await buildDevice(process.argv[2] ? resolve(process.argv[2]) : DIST);
  for (const f of files) console.log(`wrote ${relative(process.cwd(), f)}`);
}
