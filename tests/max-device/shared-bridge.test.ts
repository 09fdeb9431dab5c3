import { afterEach, describe, expect, it } from 'vitest';
import { TandemClient } from '../../max-device/src/client/client';
import { createMaxApi } from './fakes/max-api';
import { freePort, waitFor } from './helpers';
import { alive, FAKE_BRIDGE, fakeHome } from './fakes/bridge-stand-in';

/**
 * Several devices, one bridge (issue 11, point 8): each device is a TandemClient with its own
 * max-api (its own node.script), all on one port, starting the bridge stand-in of
 * fakes/bridge-stand-in.ts (which behaves as `tandem serve --lease`: port clash exits with code 2, no
 * message for the lease exits).
 */
const clients: TandemClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});

function device(port: number, dist: string) {
  const { api, fake } = createMaxApi();
  const c = new TandemClient(api, {
    port,
    scriptDir: dist,
    config: {},
    nodeCandidates: [process.execPath],
    pingTimeoutMs: 100,
    startTimeoutMs: 10_000,
    heartbeatMs: 100,
    leaseMs: 800,
  });
  c.registerHandlers();
  clients.push(c);
  return { c, fake, bridgePid: () => c.bridgePid };
}

describe('several devices share one bridge', () => {
  it('two devices loading together end up on one bridge; deleting the one that started it keeps it for the other; a lost bridge is restarted; the last device gone, it stops', async () => {
    const [, dist] = fakeHome(FAKE_BRIDGE);
    const port = await freePort();
    const a = device(port, dist);
    const b = device(port, dist);
    // Both find no bridge and both start one: one binds the port, the other's exits on the clash.
    await Promise.all([a.c.start(), b.c.start()]);
    expect([a.c.phase, b.c.phase]).toEqual(['connected', 'connected']);
    const pids = [a.bridgePid(), b.bridgePid()].filter((p): p is number => p !== undefined);
    expect(pids).toHaveLength(2);
    await waitFor(() => pids.filter(alive).length === 1 || undefined, 3000, 'the clashing bridge to exit');
    const shared = pids.find(alive)!;
    const [owner, other] = a.bridgePid() === shared ? [a, b] : [b, a];
    // The other one found the winner's bridge (before or after its own exited on the clash), and says ready.
    expect(other.fake.statuses().at(-1)).toMatch(new RegExp(`^ready: (started|connected to) the Tandem bridge on 127\\.0\\.0\\.1:${port}`));
    expect(other.fake.statuses().join('\n')).not.toMatch(/error|cannot be bound/);

    // The device that started the bridge is deleted: the other one keeps it (and keeps it alive past its lease).
    await owner.c.close();
    clients.splice(clients.indexOf(owner.c), 1);
    await new Promise((r) => setTimeout(r, 2000));
    expect(alive(shared)).toBe(true);
    expect(other.c.phase).toBe('connected');

    // The bridge dies: the remaining device notices, starts a new one and is ready again.
    other.fake.outlets = [];
    const before = other.bridgePid(); // its own bridge, which lost the clash
    process.kill(shared, 'SIGKILL');
    await waitFor(() => (other.c.phase === 'connected' && ![undefined, before, shared].includes(other.bridgePid())) || undefined, 10_000, 'a new bridge');
    expect(other.fake.statuses()[0]).toMatch(new RegExp(`^the Tandem bridge stopped answering on 127\\.0\\.0\\.1:${port}; looking for the Tandem bridge`));
    expect(other.fake.outlets).toContainEqual(['ready']);
    const second = other.bridgePid()!;
    expect(alive(second)).toBe(true);

    // The last device goes (Live quit): nothing pings, and the bridge stops by itself after its lease.
    await other.c.close();
    clients.length = 0;
    await waitFor(() => !alive(second) || undefined, 5000, 'the bridge to stop when no device holds it');
  });
});
