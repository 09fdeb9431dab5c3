/**
 * Child process for the orphan test: starts a ChromiumEngine, prints the browser's pid, then idles
 * until it is killed. Run by tests/bridge/engine-resilience.test.ts with tsx.
 */
import { ChromiumEngine } from '../../bridge/engine/chromium-engine';

const [executablePath, dir] = process.argv.slice(2);
const engine = new ChromiumEngine({ executablePath, backend: 'wasm', log: () => undefined });
await engine.load({ id: 'drums-gru', dir });
process.stdout.write(`browser-pid ${engine.browserPid}\n`);
setInterval(() => undefined, 60_000);
