import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLease, runServe } from '../../bridge/cli/serve';
import { encodeMessage } from '../../bridge/osc/server';
import { freePort } from '../max-device/helpers';

const ROOT = join(import.meta.dirname, '..', '..');

/** `tandem serve --lease`: the bridge the device starts goes away by itself when no device holds it (issue 11, point 8). */
describe('tandem serve --lease', () => {
  it('runs while messages keep coming, and stops on its own once they stop', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const t0 = Date.now();
    let ended = 0;
    let stoppedAt = 0;
    const say = (l: string) => {
      lines.push(l);
      if (l.includes('stopping')) stoppedAt = Date.now();
    };
    const serving = runServe(
      { oscPort: String(port), modelImpl: 'baseline', engine: 'node', out: mkdtempSync(join(tmpdir(), 'tandem-lease-')), lease: '800ms' },
      undefined,
      say,
    ).then(() => (ended = Date.now()));
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
    expect(stoppedAt - lastPing).toBeGreaterThanOrEqual(700);
    expect(stoppedAt - lastPing).toBeLessThan(5000); // the lease, plus timer slack on a loaded machine
    expect(ended).toBeGreaterThanOrEqual(stoppedAt);
    expect(lines.at(-1)).toMatch(/^tandem: no OSC message for \d+\.\d s \(lease 0\.8 s\); stopping$/); // late timers on a loaded machine say 1.1 s
    expect(lines.some((l) => l.includes('stops after 0.8 s without a message'))).toBe(true);
  });

  it('says nothing of a model that finishes loading after it stopped (a lease that ran out on a loaded machine)', async () => {
    const lines: string[] = [];
    const stop = new AbortController();
    const say = (l: string) => {
      lines.push(l);
      // Stop the moment the port is open: the model is still loading in its worker thread.
      if (l.startsWith('tandem: OSC bridge on')) setImmediate(() => stop.abort());
    };
    await runServe(
      { oscPort: String(await freePort()), modelImpl: 'baseline', engine: 'node', out: mkdtempSync(join(tmpdir(), 'tandem-lease-')) },
      undefined,
      say,
      stop.signal,
    );
    expect(lines.at(-1)).toMatch(/^tandem: OSC bridge on/);
  });

  it('outlives the process that started it (its pipes closed, as when the device that launched it is deleted), then stops on its lease', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'bin', 'tandem.js'),
        'serve',
        '--osc-port',
        String(port),
        '--lease',
        '1500ms',
        '--model-impl',
        'baseline',
        '--engine',
        'node',
        '--out',
        mkdtempSync(join(tmpdir(), 'tandem-lease-')),
      ],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    let err = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (b: Buffer) => {
        err += b.toString();
        if (err.includes('OSC bridge on')) resolve();
      });
      child.on('exit', () => reject(new Error(`the bridge exited before it was ready: ${err}`)));
    });
    // The launcher goes away: its ends of the pipes close; the next log line meets EPIPE.
    child.stdout.destroy();
    child.stderr.destroy();
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const pongs: string[] = [];
    sock.on('message', (b) => pongs.push(b.toString('latin1').split('\0')[0]));
    sock.send(encodeMessage('/tandem/nope', []), port, '127.0.0.1'); // answered with /tandem/error, and logged (EPIPE)
    for (let i = 0; i < 8; i++) {
      await new Promise((r) => setTimeout(r, 200));
      sock.send(encodeMessage('/tandem/ping', []), port, '127.0.0.1');
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(pongs).toContain('/tandem/error');
    expect(pongs.filter((p) => p === '/tandem/pong').length).toBeGreaterThanOrEqual(6); // still serving after the EPIPE
    sock.close();
    expect(await exited).toBe(0); // and it stopped by itself once nothing pinged
  });

  it('names a bad lease', () => {
    expect(() => parseLease('soon')).toThrow('lease must be a length like 20s, 1m or 500ms, got "soon"');
    expect(parseLease('20s')).toBe(20_000);
  });
});
