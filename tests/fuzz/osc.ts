import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADDRESSES, parseMessage } from '../../bridge/osc/address-space';
import { decodePacket, encodeMessage, type ReplyArg } from '../../bridge/osc/codec';
import { makeRng, type Rng } from '../../src/random';

const ROOT = join(import.meta.dirname, '..', '..');

/** What a run of OSC packets into a running `serve` gave. */
export interface OscFuzzSummary {
  packets: number;
  /** Packets our own decoder and checks call bad (each must get /tandem/error). */
  predictedBad: number;
  /** /tandem/error replies received (at least predictedBad: the session may refuse more, e.g. a style of another model). */
  errors: number;
  /** Windows whose bad packets were not all answered within the wait. */
  unanswered: number;
  /** Whether the server process died. */
  crashed: boolean;
  /** Time to the /tandem/pong after the run, ms (undefined = none within 2 s). */
  pongMs: number | undefined;
  /** Its stderr tail when something went wrong. */
  detail: string;
}

const pick = <T>(xs: readonly T[], rng: Rng): T => xs[Math.floor(rng() * xs.length)];

/** A plausible argument for a type tag, sometimes out of range or of another type. */
function arg(type: string, rng: Rng): ReplyArg {
  const r = rng();
  if (r < 0.1) return { s: pick(['', 'rock', 'x'.repeat(Math.floor(rng() * 400)), 'C G Am F', 'D major', '\u001b[31mtandem: ready\n', 'NaN'], rng) };
  if (r < 0.2) return { i: Math.floor((rng() - 0.5) * 2 ** 32) };
  if (r < 0.3) return { f: pick([Number.NaN, Infinity, -1, 1e30, 0.5, -0], rng) };
  if (type === 's') return { s: pick(['rock', 'funk', 'reel', 'pop', 'drums', 'bass', 'melody', 'any', 'C major', 'Am F C G', 'N.C.'], rng) };
  if (type === 'f') return { f: rng() * pick([1, 2, 300], rng) };
  return { i: Math.floor(rng() * pick([2, 17, 64, 500], rng)) };
}

/** A valid-looking message of the address table with plausible (sometimes wrong) arguments. */
function tableMessage(rng: Rng): Uint8Array {
  const addresses = Object.keys(ADDRESSES).filter((a) => a !== '/tandem/generate' || rng() < 0.02);
  const address = rng() < 0.05 ? pick(['/tandem/nope', '/tandem', '/', '/tandem/genre/x', '#bundle'], rng) : pick(addresses, rng);
  const spec = ADDRESSES[address];
  const n = spec && rng() < 0.9 ? spec.args.length - (spec.args.at(-1)?.optional && rng() < 0.5 ? 1 : 0) : Math.floor(rng() * 4);
  return encodeMessage(
    address,
    Array.from({ length: n }, (_, i) => arg(spec?.args[i]?.type ?? 'i', rng)),
  );
}

/** An OSC bundle (#bundle, timetag, sized elements) of the given messages. */
function bundle(elements: Uint8Array[]): Uint8Array {
  const size = 16 + elements.reduce((a, e) => a + 4 + e.length, 0);
  const out = new Uint8Array(size);
  out.set(new TextEncoder().encode('#bundle'), 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(12, 1); // timetag "immediately"
  let o = 16;
  for (const e of elements) {
    dv.setInt32(o, e.length);
    out.set(e, o + 4);
    o += 4 + e.length;
  }
  return out;
}

/** Flips, truncates, extends or splices bytes. */
function mutate(bytes: Uint8Array, rng: Rng): Uint8Array {
  const b = Uint8Array.from(bytes);
  const r = rng();
  if (r < 0.3) {
    for (let k = 0; k < 1 + Math.floor(rng() * 4); k++) if (b.length) b[Math.floor(rng() * b.length)] = Math.floor(rng() * 256);
    return b;
  }
  if (r < 0.5) return b.slice(0, Math.floor(rng() * b.length));
  if (r < 0.65) return Uint8Array.from([...b, ...Array.from({ length: 1 + Math.floor(rng() * 12) }, () => Math.floor(rng() * 256))]);
  if (r < 0.8 && b.length >= 8) {
    // a size or type-tag region overwritten with a large or negative number
    const dv = new DataView(b.buffer);
    dv.setInt32(4 * Math.floor((rng() * (b.length - 4)) / 4), pick([-1, 0x7fffffff, 65_536, -65_536], rng));
    return b;
  }
  return b;
}

/** One fuzz packet: a table message (often mutated), a bundle, or random bytes. */
export function oscFuzzPacket(rng: Rng): Uint8Array {
  const r = rng();
  if (r < 0.35) return tableMessage(rng);
  if (r < 0.7) return mutate(tableMessage(rng), rng);
  if (r < 0.85) {
    const b = bundle(Array.from({ length: 1 + Math.floor(rng() * 4) }, () => tableMessage(rng)));
    return rng() < 0.5 ? mutate(b, rng) : b;
  }
  return Uint8Array.from({ length: Math.floor(rng() * 96) }, () => Math.floor(rng() * 256));
}

/** How many /tandem/error replies our own decoder and checks expect for a packet (a lower bound). */
export function expectedErrors(bytes: Uint8Array): number {
  let messages;
  try {
    messages = decodePacket(bytes);
  } catch {
    return 1;
  }
  let bad = 0;
  for (const m of messages) {
    try {
      parseMessage(m.address, m.types, m.args);
    } catch {
      bad++;
    }
  }
  return bad;
}

/** Starts `tandem serve` (baseline models, Node engine) on a free port; resolves once it says it is listening. */
export async function startServe(): Promise<{ child: ChildProcess; port: number; stderr: () => string }> {
  const probe = createSocket('udp4');
  await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin', 'tandem.js'),
      'serve',
      '--osc-port',
      String(port),
      '--model-impl',
      'baseline',
      '--engine',
      'node',
      '--out',
      mkdtempSync(join(tmpdir(), 'tandem-fuzz-osc-')),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`serve did not start within 60 s: ${err}`)), 60_000);
    const check = () => {
      if (/OSC bridge on 127\.0\.0\.1/.test(err)) {
        clearTimeout(t);
        resolve();
      }
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  return { child, port, stderr: () => err };
}

/**
 * Sends `count` fuzz packets (seeded) to a running serve in windows of `window`, waiting after each
 * window until every packet our checks call bad has its /tandem/error (up to `waitMs`); then asks
 * /tandem/ping and times the /tandem/pong.
 */
export async function fuzzOsc(opts: {
  port: number;
  child: ChildProcess;
  count: number;
  seed: number;
  window?: number;
  waitMs?: number;
  stderr?: () => string;
  onWindow?: (sent: number) => void;
}): Promise<OscFuzzSummary> {
  const rng = makeRng(`osc:${opts.seed}`);
  const sock: Socket = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  let errors = 0;
  let pongAt: number | undefined;
  let waiter: (() => void) | undefined;
  sock.on('message', (buf) => {
    try {
      const [m] = decodePacket(buf);
      if (m.address === '/tandem/error') errors++;
      if (m.address === '/tandem/pong') pongAt = performance.now();
    } catch {
      /* a reply we cannot read is the server's bug, counted as not answered below */
    }
    waiter?.();
  });
  let crashed = false;
  opts.child.once('exit', () => (crashed = true));
  const s: OscFuzzSummary = { packets: 0, predictedBad: 0, errors: 0, unanswered: 0, crashed: false, pongMs: undefined, detail: '' };
  const window = opts.window ?? 32;
  const until = (cond: () => boolean, ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        waiter = undefined;
        resolve();
      }
      waiter = () => cond() && done();
      if (cond()) done();
    });
  for (let sent = 0; sent < opts.count && !crashed;) {
    const n = Math.min(window, opts.count - sent);
    for (let k = 0; k < n; k++) {
      const p = oscFuzzPacket(rng);
      s.predictedBad += expectedErrors(p);
      sock.send(p, opts.port, '127.0.0.1');
    }
    sent += n;
    s.packets = sent;
    await until(() => errors >= s.predictedBad, opts.waitMs ?? 3000);
    if (errors < s.predictedBad) {
      s.unanswered++;
      errors = s.predictedBad; // count each silent window once
    }
    opts.onWindow?.(sent);
  }
  // Late replies (generations) may still arrive; then the server must answer a ping at once.
  await new Promise((r) => setTimeout(r, 200));
  pongAt = undefined; // the fuzz itself sends pings
  const t0 = performance.now();
  sock.send(encodeMessage('/tandem/ping', []), opts.port, '127.0.0.1');
  await until(() => pongAt !== undefined, 2000);
  s.pongMs = pongAt === undefined ? undefined : pongAt - t0;
  s.errors = errors;
  s.crashed = crashed;
  if (crashed || s.unanswered || s.pongMs === undefined) s.detail = (opts.stderr?.() ?? '').slice(-2000);
  await new Promise<void>((r) => sock.close(() => r()));
  return s;
}
