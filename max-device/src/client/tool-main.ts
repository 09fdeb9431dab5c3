/**
 * Entry of the MIDI Tools' node.script client (bundled to max-device/dist/tandem-tool-client.js,
 * `max-api` left external). Port: TANDEM_OSC_PORT, else "port" in ~/.tandem/device.json, else 57121.
 */
import maxApi from 'max-api';
import { readLaunchConfig } from './bridge-launcher';
import { ToolClient } from './tool-client';

const config = readLaunchConfig();
const port = Number(process.env.TANDEM_OSC_PORT ?? config.port ?? 57121);

/** The running client (exported for tests). */
export const client = new ToolClient(maxApi, { scriptDir: __dirname, port, config });
client.registerHandlers();
export const started = client.start().catch((err: Error) => {
  void maxApi.post(`tandem: ${err.stack ?? err.message}`);
  void maxApi.outlet('status', `error: ${err.message}`);
});

// Node for Max ends the script when the tool is removed or Live quits.
process.once('exit', () => void client.close());
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void client.close();
    process.exit(0);
  });
}
