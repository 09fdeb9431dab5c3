/**
 * Issue 10 points 12 and 13 on real UDP: replies go to the packet's real source address (not
 * 127.0.0.1 at the source's port), and what a sender writes reaches the log and the error reply
 * with its control characters escaped (no forged `tandem: ready` line, no terminal escapes).
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OscServer } from '../../bridge/osc/server';
import { decodeMessage, encodeMessage } from '../../bridge/osc/codec';
import { sleep, until } from '../helpers/wait';

type Got = { address: string; args: unknown[] };

async function listen(host: string, port = 0): Promise<{ socket: Socket; got: Got[]; port: number }> {
  const socket = createSocket('udp4');
  const got: Got[] = [];
  socket.on('message', (b) => got.push(decodeMessage(b)));
  await new Promise<void>((r) => socket.bind(port, host, () => r()));
  return { socket, got, port: socket.address().port };
}

const log: string[] = [];
let server: OscServer;

beforeAll(async () => {
  // Answers pings; a genre comes back in a handler's error as it was sent (the server must escape it).
  server = new OscServer(
    (m, r) => {
      if (m.address === '/tandem/ping') r.send('/tandem/pong');
      if (m.address === 'control' && m.control === 'style') throw new Error(`no genre ${String(m.value)}`);
    },
    { port: 0, log: (l) => log.push(l) },
  );
  await server.open();
});
afterAll(() => server.close());

describe('OSC replies and logs (issue 10.12, 10.13)', () => {
  it('answers a sender on 127.0.0.2 at 127.0.0.2, not a listener on 127.0.0.1 at the same port', async () => {
    const sender = await listen('127.0.0.2');
    // Another local program listening on 127.0.0.1 at the sender's port number.
    const bystander = await listen('127.0.0.1', sender.port);
    try {
      sender.socket.send(encodeMessage('/tandem/ping', []), server.port, '127.0.0.1');
      await until('the pong at 127.0.0.2', () => sender.got.some((g) => g.address === '/tandem/pong'));
      await sleep(100);
      expect(bystander.got).toEqual([]);
    } finally {
      sender.socket.close();
      bystander.socket.close();
    }
  });

  it('escapes newlines and terminal escapes from what a sender wrote, in the log and in the error reply', async () => {
    const c = await listen('127.0.0.1');
    try {
      // In an address (the checker quotes it) and in a value a handler's error repeats raw.
      c.socket.send(encodeMessage('/tandem/x\ntandem: ready\u001b[2J', []), server.port, '127.0.0.1');
      c.socket.send(encodeMessage('/tandem/genre', [{ s: 'rock\ntandem: ready\u001b[2J' }]), server.port, '127.0.0.1');
      const errs = await until(
        'two error replies',
        () => c.got.filter((g) => g.address === '/tandem/error').length === 2 && c.got.map((g) => String(g.args[0])),
      );
      const lines = await until('two log lines', () => log.length === 2 && log);
      for (const s of [...errs, ...lines]) {
        expect(s).toContain('tandem: ready');
        expect(s, JSON.stringify(s)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      }
      expect(lines[1]).toContain('no genre rock\\x0atandem: ready\\x1b[2J');
    } finally {
      c.socket.close();
    }
  });
});
