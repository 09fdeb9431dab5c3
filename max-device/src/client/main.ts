/**
 * Entry of the node.script client (bundled to max-device/dist/tandem-client.js, `max-api` left
 * external: Node for Max provides it). Port: TANDEM_OSC_PORT, else "port" in ~/.tandem/device.json,
 * else 57121.
 */
import maxApi from 'max-api';
import { readLaunchConfig } from './bridge-launcher';
import { TandemClient } from './client';

const config = readLaunchConfig();
const port = Number(process.env.TANDEM_OSC_PORT ?? config.port ?? 57121);

/** The running client (exported for tests). */
export const client = new TandemClient(maxApi, { scriptDir: __dirname, port, config });
client.registerHandlers();
export const started = client.start().catch((err: Error) => {
  void maxApi.post(`tandem: ${err.stack ?? err.message}`);
  void maxApi.outlet('status', `error: ${err.message}`);
});

// Node for Max ends the script when the device is removed or Live quits: take the bridge along.
// (If the process is killed outright, the bridge keeps running and the next device uses it.)
process.once('exit', () => void client.close());
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void client.close();
    process.exit(0);
  });
}
