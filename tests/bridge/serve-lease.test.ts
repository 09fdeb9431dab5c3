import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLease, runServe } from '../../bridge/cli/serve';
import { encodeMessage } from '../../bridge/osc/server';
import { freePort } from '../max-device/helpers';

/** `tandem serve --lease`: the bridge the device starts goes away by itself when no device holds it (issue 11, point 8). */
describe('tandem serve --lease', () => {
  it('runs while messages keep coming, and stops on its own once they stop', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const t0 = Date.now();
    let ended = 0;
    const serving = runServe({ oscPort: String(port), modelImpl: 'baseline', engine: 'node', out: mkdtempSync(join(tmpdir(), 'tandem-lease-')), lease: '800ms' }, undefined, (l) => lines.push(l)).then(() => (ended = Date.now()));
    const sock = createSocket('udp4');
    // A device's heartbeat: a ping every 200 ms for 2.5 s, three lease lengths.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        sock.send(encodeMessage('/tandem/ping', []), port, '127.0.0.1');
        if (Date.now() - t0 > 2500) {
          clearInterval(timer);
          resolve();
        }
      }, 200);
    });
    const lastPing = Date.now();
    expect(ended).toBe(0); // held by the pings
    await serving;
    sock.close();
    expect(ended - lastPing).toBeGreaterThanOrEqual(700);
    expect(ended - lastPing).toBeLessThan(3000);
    expect(lines.at(-1)).toMatch(/^tandem: no OSC message for 0\.\d s \(lease 0\.8 s\); stopping$/);
    expect(lines.some((l) => l.includes('stops after 0.8 s without a message'))).toBe(true);
  });

  it('names a bad lease', () => {
    expect(() => parseLease('soon')).toThrow('lease must be a length like 20s, 1m or 500ms, got "soon"');
    expect(parseLease('20s')).toBe(20_000);
  });
});
