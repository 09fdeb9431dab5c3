import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A bridge stand-in for bin/tandem.js (plain CommonJS, no deps), as `tandem serve` behaves:
 * answers /tandem/ping with /tandem/pong on --osc-port, exits with the serve's message when the
 * port is taken, stops when no message came for --lease, and writes its arguments to argv.json.
 */
export const FAKE_BRIDGE = `
const dgram = require('dgram');
const arg = (f) => process.argv[process.argv.indexOf(f) + 1];
require('fs').writeFileSync(require('path').join(__dirname, '..', 'argv.json'), JSON.stringify(process.argv.slice(2)));
const port = Number(arg('--osc-port'));
const leaseMs = process.argv.includes('--lease') ? parseFloat(arg('--lease')) : 0;
let last = Date.now();
const pong = Buffer.concat([Buffer.from('/tandem/pong\\0\\0\\0\\0'), Buffer.from(',\\0\\0\\0')]);
const s = dgram.createSocket('udp4');
s.on('message', (m, r) => { last = Date.now(); if (m.toString('latin1').startsWith('/tandem/ping')) s.send(pong, r.port, '127.0.0.1'); });
s.on('error', (e) => { console.error('tandem: OSC port 127.0.0.1:' + port + ' cannot be bound (' + e.code + '); pick another with --osc-port'); process.exit(2); });
console.error('tandem: no Chrome/Chromium found; running models in-process (NodeEngine)');
s.bind(port, '127.0.0.1', () => console.error('tandem: OSC bridge on 127.0.0.1:' + port));
if (leaseMs) setInterval(() => { if (Date.now() - last >= leaseMs) process.exit(0); }, 20);
process.on('SIGTERM', () => process.exit(0));
`;
/** A folder that looks like a Tandem checkout, with `bin` as bin/tandem.js; returns [home, its max-device/dist]. */
export function fakeHome(bin: string, withModules = true): [string, string] {
  const home = mkdtempSync(join(tmpdir(), 'tandem-home-'));
  mkdirSync(join(home, 'bin'));
  mkdirSync(join(home, 'max-device', 'dist'), { recursive: true });
  if (withModules) mkdirSync(join(home, 'node_modules'));
  writeFileSync(join(home, 'package.json'), JSON.stringify({ name: 'tandem' }));
  writeFileSync(join(home, 'bin', 'tandem.js'), bin);
  return [home, join(home, 'max-device', 'dist')];
}

/** Whether process `pid` still runs. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // ESRCH: gone
  }
}
