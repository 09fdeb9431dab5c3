/**
 * `npm run build:device`: writes max-device/dist/ — Tandem.amxd (MIDI effect), the two Live 12
 * MIDI Tools (Tandem Generate.amxd, a Note Generator; Tandem Humanize.amxd, a Note
 * Transformation), the bundled node.script clients, the js scripts, a package.json that makes the
 * folder CommonJS (the repo's is "type": "module", and Node for Max loads the clients with
 * require), and a picture of each face (device.svg, generate.svg, humanize.svg).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { encodeAmxd, type DeviceType } from './amxd';
import { MIDI_TOOL_FACE } from './patcher/builder';
import { buildToolPatcher, TOOL_SCRIPTS } from './patcher/miditool';
import { buildTandemPatcher, SCRIPTS } from './patcher/tandem';
import type { Patcher } from './patcher/types';
import { renderDeviceSvg } from './render-svg';
import { writeFileAtomic } from '../../bridge/fs/atomic-write';

const HERE = dirname(fileURLToPath(import.meta.url));
/** max-device/ */
export const DEVICE_ROOT = resolve(HERE, '..');
export const DIST = join(DEVICE_ROOT, 'dist');
export const AMXD_NAME = 'Tandem.amxd';

/** One built device: its file, Live device type, patcher, and the picture of its face. */
export interface DeviceBuild {
  file: string;
  type: DeviceType;
  title: string;
  svg: string;
  build: () => Patcher;
  /** Face size [width, height] for the picture (default: devicewidth x Live's 169). */
  face?: readonly [number, number];
}

/** Every device the build writes and the checker checks. */
export const DEVICES: readonly DeviceBuild[] = Object.freeze([
  { file: AMXD_NAME, type: 'mmmm', title: 'Tandem', svg: 'device.svg', build: buildTandemPatcher },
  {
    file: 'Tandem Generate.amxd',
    type: 'nagg',
    title: 'Tandem Generate',
    svg: 'generate.svg',
    build: () => buildToolPatcher('generate'),
    face: MIDI_TOOL_FACE,
  },
  {
    file: 'Tandem Humanize.amxd',
    type: 'natt',
    title: 'Tandem Humanize',
    svg: 'humanize.svg',
    build: () => buildToolPatcher('humanize'),
    face: MIDI_TOOL_FACE,
  },
]);

/** esbuild targets of the node.script client: Node 12 and ES2017 syntax (see README, minimum versions). */
export const CLIENT_TARGET = ['node12', 'es2017'];

/** Rewrites `require("node:fs")` to `require("fs")`: the `node:` scheme needs Node 14.18 / 16. */
const bareNodeBuiltins: Plugin = {
  name: 'bare-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path.slice('node:'.length), external: true }));
  },
};

/** Bundles a node.script client (`entry` in client/) into one CommonJS file, `max-api` left to Node for Max. */
export async function bundleClient(outfile: string, entry = 'main.ts'): Promise<void> {
  const r = await build({
    write: false,
    absWorkingDir: resolve(DEVICE_ROOT, '..'),
    entryPoints: [join(HERE, 'client', entry)],
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
  const files: string[] = [];
  const replace = { replace: true };
  const write = (name: string, data: string | Uint8Array) => {
    const f = join(dist, name);
    writeFileAtomic(f, data, replace);
    files.push(f);
  };
  for (const d of DEVICES) {
    const patcher = d.build();
    write(d.file, encodeAmxd({ patcher }, d.type));
    write(d.svg, renderDeviceSvg(patcher, d.title, d.face));
  }
  await bundleClient(join(dist, SCRIPTS.client));
  files.push(join(dist, SCRIPTS.client));
  await bundleClient(join(dist, TOOL_SCRIPTS.client), 'tool-main.ts');
  files.push(join(dist, TOOL_SCRIPTS.client));
  write(SCRIPTS.clipWriter, readFileSync(join(HERE, SCRIPTS.clipWriter)));
  write(SCRIPTS.liveReader, readFileSync(join(HERE, SCRIPTS.liveReader)));
  write(SCRIPTS.liveCommon, readFileSync(join(HERE, SCRIPTS.liveCommon)));
  write(TOOL_SCRIPTS.answerer, readFileSync(join(HERE, TOOL_SCRIPTS.answerer)));
  write('package.json', JSON.stringify({ name: 'tandem-device', private: true, type: 'commonjs' }, null, 2) + '\n');
  return files;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = await buildDevice(process.argv[2] ? resolve(process.argv[2]) : DIST);
  for (const f of files) console.log(`wrote ${relative(process.cwd(), f)}`);
}
