import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { runServe } from '../../../bridge/cli/serve';
import { decodeMessage, encodeMessage, type ReplyArg } from '../../../bridge/osc/codec';
import type { PanelEvent, PanelItem } from '../../../bridge/panel/protocol';
import { readMidiFile } from '../../../src/midi-file/read';
import { freePort, waitFor } from '../../max-device/helpers';

type State = Extract<PanelEvent, { type: 'state' }>;

/** `tandem serve --panel`: the panel and OSC drive one session (issue 16 point 2, issue 17 point 1). */
describe('tandem serve --panel: one session for OSC and the panel', () => {
  const out = mkdtempSync(join(tmpdir(), 'tandem-panel-serve-'));
  const stop = new AbortController();
  const lines: string[] = [];
  const events: PanelEvent[] = [];
  const replies: Array<{ address: string; args: unknown[] }> = [];
  let serving: Promise<void>;
  let ws: WebSocket;
  let oscPort = 0;
  const osc = createSocket('udp4');
  const sendOsc = (address: string, ...args: ReplyArg[]) => osc.send(encodeMessage(address, args), oscPort, '127.0.0.1');
  const send = (m: object) => ws.send(JSON.stringify(m));
  const lastState = () => events.filter((e): e is State => e.type === 'state').at(-1);

  beforeAll(async () => {
    oscPort = await freePort();
    serving = runServe(
      { oscPort: String(oscPort), modelImpl: 'baseline', engine: 'node', out, panel: true, panelPort: '0' },
      undefined,
      (l) => lines.push(l),
      stop.signal,
    );
    serving.catch(() => undefined);
    const line = await waitFor(() => lines.find((l) => l.includes('panel on')), 60_000, 'the start line with the panel URL');
    const port = new URL(/http:\/\/127\.0\.0\.1:\d+\//.exec(line)![0]).port;
    ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { origin: `http://127.0.0.1:${port}` });
    ws.on('message', (d) => events.push(JSON.parse(d.toString()) as PanelEvent));
    await new Promise((r) => ws.once('open', r));
    osc.on('message', (b) => replies.push(decodeMessage(b)));
    await new Promise<void>((r) => osc.bind(0, '127.0.0.1', () => r()));
    await waitFor(() => lastState(), 5000, 'the first state');
  }, 90_000);

  afterAll(async () => {
    ws?.close();
    osc.close();
    stop.abort();
    await serving;
    rmSync(out, { recursive: true, force: true });
  });

  it('greets with the registry, the control table and every model to choose from', () => {
    const hello = events.find((e) => e.type === 'hello');
    expect(hello).toMatchObject({ mode: 'serve', choosable: ['drums', 'melody', 'bass'] });
    if (hello?.type !== 'hello') return;
    expect(hello.controls.map((c) => c.name)).toEqual(['style', 'density', 'bars', 'temperature', 'seed', 'fillEvery', 'key', 'chords']);
    expect(hello.controls.find((c) => c.name === 'density')).toMatchObject({ min: 0, max: 1, default: 0.5 });
  });

  it('a change from the panel is what OSC reads back, and the other way round', async () => {
    send({ type: 'set', control: 'density', value: 0.8 });
    send({ type: 'follow', on: true });
    await waitFor(() => lastState()?.settings.density === 0.8 || undefined, 5000, 'the panel state at density 0.8');
    sendOsc('/tandem/status');
    const status = await waitFor(() => replies.find((r) => r.address === '/tandem/status'), 5000, '/tandem/status');
    expect(status.args[2]).toBeCloseTo(0.8, 6); // density
    expect(status.args[7]).toBe(1); // follow
    sendOsc('/tandem/model', { s: 'bass' });
    sendOsc('/tandem/transport', { f: 130 }, { f: 8 }, { i: 1 });
    const st = await waitFor(
      () => (lastState()?.settings.model === 'bass' && lastState()?.transport.bpm === 130 ? lastState() : undefined),
      5000,
      'the OSC changes in the panel state',
    );
    expect(st.transport).toMatchObject({ source: 'host', playing: true, ticks: 8 * 960, follow: true });
  });

  it('generates from the panel through the session: saved, drawn from the same notes, seeds counting on', async () => {
    send({ type: 'set', control: 'seed', value: 41 });
    send({ type: 'generate' });
    const ev = await waitFor(() => events.find((e) => e.type === 'suggestion'), 30_000, 'a suggestion event');
    const item = (ev as { item: PanelItem }).item;
    expect(item).toMatchObject({ part: 'bass', seed: 41, density: 0.8, live: true });
    const seq = readMidiFile(readFileSync(join(out, item.ref))).sequence;
    expect(item.notes!.map((n) => [n[0], n[2]])).toEqual(seq.notes.map((n) => [n.pitch, n.startTicks]));
    await waitFor(() => (lastState()?.settings.seed === 42 ? true : undefined), 5000, 'the next seed 42');
  });

  it('counts bars in the meter of the current style (a jig is 6/8), and gives each suggestion the meter of its .mid', async () => {
    expect(lastState()?.transport.meter).toEqual({ numerator: 4, denominator: 4, barTicks: 3840 });
    send({ type: 'set', control: 'model', value: 'melody' });
    send({ type: 'set', control: 'style', value: 'jig' });
    const st = await waitFor(() => (lastState()?.settings.style === 'jig' ? lastState() : undefined), 5000, 'the jig in the state');
    expect(st.transport.meter).toEqual({ numerator: 6, denominator: 8, barTicks: 2880 });
    const n = events.length;
    send({ type: 'generate' });
    const ev = await waitFor(() => events.slice(n).find((e) => e.type === 'suggestion'), 30_000, 'a jig suggestion');
    const item = (ev as { item: PanelItem }).item;
    const m = readMidiFile(readFileSync(join(out, item.ref))).sequence.meters[0].meter;
    expect(item.meter).toEqual({ numerator: m.numerator, denominator: m.denominator, barTicks: (m.numerator * 4 * 960) / m.denominator });
    send({ type: 'set', control: 'model', value: 'bass' });
  });

  it('answers a bad value with an error event and leaves the state as it was', async () => {
    const before = events.length;
    send({ type: 'set', control: 'style', value: 'polka' });
    send({ type: 'set', control: 'bars', value: 65 });
    await waitFor(() => (events.slice(before).filter((e) => e.type === 'error').length >= 2 ? true : undefined), 5000, 'two error events');
    const errors = events
      .slice(before)
      .filter((e) => e.type === 'error')
      .map((e) => (e as { message: string }).message);
    expect(errors.some((m) => /genre must be one of .* for the bass model, got "polka"/.test(m))).toBe(true);
    expect(errors.some((m) => /bars must be a whole number from 1 to 64, got 65/.test(m))).toBe(true);
    const n = replies.length;
    sendOsc('/tandem/status');
    const status = await waitFor(() => replies.slice(n).find((r) => r.address === '/tandem/status'), 5000, 'a second /tandem/status');
    expect(status.args[4]).toBe(8); // bars unchanged
  });
});

describe('tandem serve --panel --lease', () => {
  it('is held while a panel page is open, and stops once it closes', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tandem-panel-lease-'));
    const lines: string[] = [];
    let ended = 0;
    const serving = runServe(
      { oscPort: String(await freePort()), modelImpl: 'baseline', engine: 'node', out, panel: true, panelPort: '0', lease: '600ms' },
      undefined,
      (l) => lines.push(l),
    ).then(() => (ended = Date.now()));
    const line = await waitFor(() => lines.find((l) => l.includes('panel on')), 30_000, 'the start line');
    const port = new URL(/http:\/\/127\.0\.0\.1:\d+\//.exec(line)![0]).port;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { origin: `http://127.0.0.1:${port}` });
    await new Promise((r) => ws.once('open', r));
    await new Promise((r) => setTimeout(r, 1800)); // three lease lengths without an OSC message
    expect(lines.filter((l) => l.includes('stopping'))).toEqual([]);
    expect(ended).toBe(0);
    const closedAt = Date.now();
    ws.close();
    await waitFor(() => lines.find((l) => l.includes('stopping')), 3000, 'the lease to end after the page closed');
    expect(Date.now() - closedAt).toBeLessThan(3000);
    expect(lines.join('\n')).toMatch(/no OSC message for [\d.]+ s \(lease 0.6 s\); stopping/);
    await serving;
    rmSync(out, { recursive: true, force: true });
  });
});
