import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import maxApi from 'max-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findNode, findTandemHome, readLaunchConfig } from '../../max-device/src/client/bridge-launcher';
import { TandemClient } from '../../max-device/src/client/client';
import { fake } from './fakes/max-api';
import { alive, FAKE_BRIDGE, fakeHome } from './fakes/bridge-stand-in';
import { freePort, waitFor } from './helpers';

const FAILING_BRIDGE = `console.error('tandem: the drum model could not be loaded (models/drums is empty)'); process.exit(1);`;

let client: TandemClient | undefined;
beforeEach(() => fake.reset());
afterEach(async () => {
  await client?.close();
  client = undefined;
});
const statuses = () => fake.outlets.filter((o) => o[0] === 'status').map((o) => String(o[1]));

describe('finding Node and the Tandem repo', () => {
  it('takes the first Node that is new enough, and names the ones too old', () => {
    expect(findNode({}, ['/nonexistent/node', process.execPath])).toEqual({ path: process.execPath, version: process.version });
    const dir = mkdtempSync(join(tmpdir(), 'tandem-old-node-'));
    const old = join(dir, 'node');
    writeFileSync(old, '#!/bin/sh\necho v18.19.0\n');
    chmodSync(old, 0o755);
    const r = findNode({}, [old]);
    expect('reason' in r && r.reason).toMatch(
      /^Node 20\.6\+ not found: looked at 1 places \(.*\); too old: .*node is v18\.19\.0\. Install Node 20 \(nodejs\.org\) or put \{"node": "\/path\/to\/node"\} in .*device\.json$/,
    );
    expect(findNode({ node: '/nonexistent/node' }, [process.execPath])).toEqual({
      reason: expect.stringMatching(/^Node 20\.6\+ not found: looked at the configured node \/nonexistent\/node/),
    });
  });

  it('finds the repo above the device folder, and says what is missing', () => {
    const [home, dist] = fakeHome('');
    expect(findTandemHome({}, dist)).toEqual({ home, bin: join(home, 'bin', 'tandem.js') });
    const [bare, bareDist] = fakeHome('', false);
    expect(findTandemHome({}, bareDist)).toEqual({ reason: `${bare} has no node_modules: run npm install there first` });
    const lost = mkdtempSync(join(tmpdir(), 'tandem-lost-'));
    expect(findTandemHome({}, lost)).toEqual({
      reason: expect.stringMatching(
        /^the Tandem repo was not found above .*tandem-lost-.*: use the device from the repo's max-device\/dist\/, or put \{"home"/,
      ),
    });
    expect(findTandemHome({ home: lost }, dist)).toEqual({
      reason: `${lost} (configured home) is not a Tandem checkout: it needs package.json named "tandem" and bin/tandem.js`,
    });
  });

  it('reads ~/.tandem/device.json and the environment, naming a bad value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-cfg-'));
    const file = join(dir, 'device.json');
    writeFileSync(file, JSON.stringify({ node: '/opt/node/bin/node', home: '/src/tandem', port: 9000 }));
    expect(readLaunchConfig(file, {})).toEqual({ node: '/opt/node/bin/node', home: '/src/tandem', port: 9000, problem: undefined });
    expect(readLaunchConfig(file, { TANDEM_HOME: '/elsewhere' }).home).toBe('/elsewhere');
    writeFileSync(file, JSON.stringify({ port: 80 }));
    expect(readLaunchConfig(file, {}).problem).toBe(`${file}: "port" must be a UDP port from 1024 to 65535, got 80`);
    writeFileSync(file, '{node: x}');
    expect(readLaunchConfig(file, {}).problem).toMatch(
      /device\.json is not JSON .*; expected \{"node": "\/path\/to\/node", "home": "\/path\/to\/tandem", "port": 57121\}/,
    );
  });
});

describe('starting the bridge from the device', () => {
  it('starts bin/tandem.js serve --lease when no bridge answers, connects, leaves it running on close, and it stops by itself', async () => {
    const [home, dist] = fakeHome(FAKE_BRIDGE);
    const port = await freePort();
    client = new TandemClient(maxApi, {
      port,
      scriptDir: dist,
      config: {},
      nodeCandidates: [process.execPath],
      pingTimeoutMs: 100,
      startTimeoutMs: 10_000,
      heartbeatMs: 100,
      leaseMs: 600,
    });
    client.registerHandlers();
    await client.start();
    expect(client.phase).toBe('connected');
    expect(statuses()).toEqual([
      `looking for the Tandem bridge on 127.0.0.1:${port}…`,
      `starting the Tandem bridge (Node ${process.version}) from ${home}…`,
      'no Chrome/Chromium found; running models in-process (NodeEngine)',
      `ready: started the Tandem bridge on 127.0.0.1:${port}; no Chrome/Chromium found; running models in-process (NodeEngine)`,
    ]);
    expect(JSON.parse(readFileSync(join(home, 'argv.json'), 'utf8'))).toEqual(['serve', '--osc-port', String(port), '--lease', '600ms']);
    const pid = client.bridgePid!;
    await new Promise((r) => setTimeout(r, 1500)); // 2.5 leases: the heartbeat holds it
    expect(alive(pid)).toBe(true);
    await client.close();
    client = undefined;
    expect(alive(pid)).toBe(true); // other devices may use it
    await waitFor(() => !alive(pid) || undefined, 5000, 'the bridge to stop after its lease');
  });

  it('says why when the bridge exits, or when Node is missing', async () => {
    const [, dist] = fakeHome(FAILING_BRIDGE);
    const port = await freePort();
    client = new TandemClient(maxApi, {
      port,
      scriptDir: dist,
      config: {},
      nodeCandidates: [process.execPath],
      pingTimeoutMs: 100,
      startTimeoutMs: 10_000,
      heartbeatMs: 0,
    });
    await client.start();
    expect(client.phase).toBe('failed');
    expect(statuses().at(-1)).toBe('error: the Tandem bridge exited (code 1): tandem: the drum model could not be loaded (models/drums is empty)');
    await client.close();

    fake.reset();
    client = new TandemClient(maxApi, { port, scriptDir: dist, config: { node: '/nonexistent/node' }, pingTimeoutMs: 100, heartbeatMs: 0 });
    await client.start();
    expect(statuses().at(-1)).toMatch(/^error: Node 20\.6\+ not found: looked at the configured node \/nonexistent\/node/);
  });
});
