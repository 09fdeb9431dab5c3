import { Option } from 'commander';
import { TEMPO } from '../../src/models/controls';
import { DEFAULT_MODEL, MODEL_NAMES } from '../../src/models/registry';
import { DEFAULT_PANEL_PORT } from '../panel/port';

/**
 * The options several commands take, declared once: each command adds the same flag, value
 * name, default and help (a command-specific sentence may follow the shared one). Controls of
 * the models (density, seed, ...) come from the control table instead (control-flags.ts).
 */
export const SHARED_OPTIONS = Object.freeze({
  model: (what: string) => new Option('--model <name>', `${what}: ${MODEL_NAMES.join(', ')}`).default(DEFAULT_MODEL),
  modelImpl: () => new Option('--model-impl <impl>', 'network (trained) or baseline (n-gram); falls back to what is present, saying so').default('network'),
  engine: (where: string) =>
    new Option('--engine <engine>', `where a network runs: auto (Chromium when a browser is found, else ${where}), chromium or node`).default('auto'),
  backend: () => new Option('--backend <name>', 'TF.js backend in Chromium: webgpu, webgl, wasm or cpu (default: the fastest correct one; wasm in Node)'),
  bpm: (use: string) => new Option('--bpm <bpm>', `${use} (${TEMPO.min}-${TEMPO.max})`).default(String(TEMPO.default)),
  out: (what: string, value = '<dir>') => new Option(`--out ${value}`, what).default('tandem-out'),
  duration: () => new Option('--duration <time>', 'stop after this long (30s, 2m, 500ms)'),
  panel: (what: string) => new Option('--panel', `serve the web panel on 127.0.0.1 (${what})`),
  panelPort: () => new Option('--panel-port <port>', 'TCP port of the web panel on 127.0.0.1 (0 = any free port)').default(String(DEFAULT_PANEL_PORT)),
  force: (what: string) => new Option('--force', what),
  json: (fields: string) => new Option('--json', `print JSON${fields ? `: ${fields}` : ''}`),
});
