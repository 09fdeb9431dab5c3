import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OutputThread } from '../../bridge/live/output-thread';
import { LiveSession } from '../../bridge/live/session';
import { WorkerPartModel } from '../../bridge/live/worker-part';
import { MIDI_NATIVE_ENV, openInput } from '../../bridge/midi/easymidi-ports';
import type { MidiBytes, MidiInput } from '../../bridge/midi/port';
import { SuggestionStore } from '../../bridge/storage/suggestions';
import type { TimedMessage } from '../../src/scheduler/lookahead-scheduler';
import { isNoteOn, noteOns, unreleased } from '../helpers/midi';
import { until } from '../helpers/wait';

/*
 * The real MIDI port path (easymidi -> @julusian/midi -> RtMidi) end to end, on JACK's dummy driver,
 * for machines without an ALSA sequencer: jack_midi_clock plays the DAW (97 BPM clock, Start, Stop),
 * Tandem follows it on "Tandem Clock" and plays on "Tandem Out", and a third real port captures
 * both the clock and Tandem's notes, so their arrival times share one path.
 */
const enabled = process.env.TANDEM_JACK_TEST === '1';
const BPM = 97;
const BARS = 5;
/**
 * JACK's period in frames at 48 kHz (TANDEM_JACK_PERIOD, default 256 = 5.3 ms). RtMidi writes every
 * outgoing message at the start of the next period, so a note answering a clock lands up to one
 * period after it: the first downbeat, which only the first clock can place, lands one period late.
 */
const PERIOD = Number(process.env.TANDEM_JACK_PERIOD ?? 256);
const TICKS_PER_CLOCK = 40; // 960 PPQ / 24 clocks per quarter
/** Clients never start a JACK server of their own (it would pick a real audio driver). */
const env = { ...process.env, JACK_NO_START_SERVER: '1' };

type Captured = { bytes: MidiBytes; timeMs: number };

function jack(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { env, encoding: 'utf8', timeout: 10_000 });
}

/**
 * Rolls or stops the JACK transport. Asynchronous on purpose: a synchronous child process would
 * block the event loop while Start and the first clocks arrive, and they would reach the session
 * all at once (see the report on the follower's first clocks).
 */
async function transport(command: 'play' | 'stop'): Promise<void> {
  const child = promisify(execFile)('jack_transport', [], { env, timeout: 10_000 });
  child.child.stdin?.end(`${command}\n`);
  await child;
}

/** The full JACK name of the port whose short name is `name` (RtMidi prefixes its client name). */
function portNamed(name: string): string {
  const found = jack('jack_lsp', [])
    .split('\n')
    .find((l) => l === name || l.endsWith(`:${name}`));
  if (!found) throw new Error(`no JACK port named ${name}; ports: ${jack('jack_lsp', []).trim().replace(/\n/g, ', ')}`);
  return found;
}

async function stopProcess(p: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null || p.pid === undefined) return;
  const exited = new Promise((r) => p.once('exit', r));
  process.kill(p.pid, signal);
  await Promise.race([exited, sleep(3000)]);
  if (p.exitCode === null && p.signalCode === null) process.kill(p.pid, 'SIGKILL');
}

/** Least-squares line through (i, t[i]): t = a + b i. */
function fitLine(t: number[]): { a: number; b: number; residualMs: number } {
  const n = t.length;
  const mi = (n - 1) / 2;
  const mt = t.reduce((s, x) => s + x, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - mi) * (t[i] - mt);
    sxx += (i - mi) ** 2;
  }
  const b = sxy / sxx;
  const a = mt - b * mi;
  const residualMs = Math.sqrt(t.reduce((s, x, i) => s + (x - a - b * i) ** 2, 0) / n);
  return { a, b, residualMs };
}

/** When clock number `k` (fractional) arrived, interpolated between the captured clocks (extrapolated past the ends). */
function clockTimeAt(clocks: number[], k: number): number {
  const i = Math.max(0, Math.min(clocks.length - 2, Math.floor(k)));
  return clocks[i] + (k - i) * (clocks[i + 1] - clocks[i]);
}

const quantile = (xs: number[], q: number) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

/** jack_midi_dump -a lines ("  52992: f8", "  53248: 99 24 64 note on ...") as messages stamped in ms of frames at 48 kHz. */
function parseDump(text: string): Captured[] {
  return text
    .split('\n')
    .map((l) => /^\s*(\d+):((?: [0-9a-f]{2})+)\b/i.exec(l))
    .filter((m) => m !== null)
    .map((m) => ({
      timeMs: Number(m[1]) / 48,
      bytes: m[2]
        .trim()
        .split(' ')
        .map((h) => parseInt(h, 16)) as MidiBytes,
    }));
}

type Timing = { e: number; ticks: number; leadMs: number };

/**
 * Each note-on against where its song position falls between the clocks around it as the same
 * capture saw them (the first clock after Start is tick 0), matched to the intended note of the same
 * pitch. Local, not a line through all clocks: on a loaded VM the dummy driver's clock drifts by tens
 * of ms over a few bars, and Tandem follows the clock it receives.
 */
function timing(seen: Captured[], intended: TimedMessage[], handedAt: Map<TimedMessage, number>): { clocks: number[]; matched: Timing[] } {
  const startAt = seen.findIndex((m) => m.bytes[0] === 0xfa);
  const stopAt = seen.findIndex((m) => m.bytes[0] === 0xfc);
  const clocks = seen
    .slice(startAt, stopAt)
    .filter((m) => m.bytes[0] === 0xf8)
    .map((m) => m.timeMs);
  const matched = noteOns(seen).map((m) => {
    let best: Timing = { e: Infinity, ticks: 0, leadMs: 0 };
    for (const n of intended) {
      if (n.bytes[0] !== m.bytes[0] || n.bytes[1] !== m.bytes[1]) continue;
      const e = m.timeMs - clockTimeAt(clocks, n.ticks! / TICKS_PER_CLOCK);
      if (Math.abs(e) < Math.abs(best.e)) best = { e, ticks: n.ticks!, leadMs: n.timeMs - handedAt.get(n)! };
    }
    return best;
  });
  return { clocks, matched };
}

/** Median, p95 and max |error| (ms) of some matched notes. */
function spread(ms: Timing[]): { n: number; median: number; p95: number; max: number; mean: number } {
  const abs = ms.map((x) => Math.abs(x.e));
  return { n: ms.length, median: quantile(abs, 0.5), p95: quantile(abs, 0.95), max: Math.max(...abs), mean: ms.reduce((s, x) => s + x.e, 0) / ms.length };
}

function describeTiming(label: string, ms: Timing[]): string {
  const all = spread(ms);
  const first = spread(ms.filter((x) => x.ticks < 960));
  const f = (x: number) => x.toFixed(2);
  const worst = [...ms].sort((x, y) => Math.abs(y.e) - Math.abs(x.e)).slice(0, 3);
  return (
    `${label}: ${all.n} notes, mean ${f(all.mean)} ms, median |e| ${f(all.median)}, p95 ${f(all.p95)}, max ${f(all.max)}; ` +
    `first beat ${first.n} notes, median ${f(first.median)}, p95 ${f(first.p95)}, max ${f(first.max)}; ` +
    `worst ${worst.map((x) => `${x.e.toFixed(1)} ms at beat ${(x.ticks / 960 + 1).toFixed(2)} (handed ${x.leadMs.toFixed(1)} ms ahead)`).join(', ')}`
  );
}

describe.skipIf(!enabled)(
  `live session on real JACK MIDI ports (jackd dummy driver, jack_midi_clock)${enabled ? '' : ' [skipped: set TANDEM_JACK_TEST=1 after bash bridge/midi/jack/build-jack-midi.sh]'}`,
  () => {
    let jackd: ChildProcess | undefined;
    let midiClock: ChildProcess | undefined;
    let out: OutputThread | undefined;
    let model: WorkerPartModel | undefined;
    let clockIn: MidiInput | undefined;
    let capture: MidiInput | undefined;
    let dump: ChildProcess | undefined;
    let dumpText = '';
    const captured: Captured[] = [];

    beforeAll(async () => {
      process.env[MIDI_NATIVE_ENV] ??= resolve('.cache/jack-midi');
      expect(() => jack('jack_lsp', []), 'a JACK server is already running; stop it first').toThrow();
      jackd = spawn('jackd', ['-d', 'dummy', '-r', '48000', '-p', String(PERIOD)], { env, stdio: 'ignore' });
      jack('jack_wait', ['-w', '-t', '5']);
      // As `tandem play` does it: the model in a worker thread, the output port in a thread of its own.
      model = await WorkerPartModel.start('drums', 'network');
      out = await OutputThread.start({ kind: 'easymidi', name: 'Tandem Out', virtual: true });
      clockIn = openInput('Tandem Clock');
      capture = openInput('Tandem Capture');
      capture.onMessage((bytes, timeMs) => captured.push({ bytes, timeMs }));
      midiClock = spawn('jack_midi_clock', ['-b', String(BPM)], { env, stdio: 'ignore' });
      await until('jack_midi_clock to register its port', () => jack('jack_lsp', []).includes('jack_midi_clock:'), 5000);
      const mclk = portNamed('mclk_out');
      jack('jack_connect', [mclk, portNamed('Tandem Clock')]);
      jack('jack_connect', [mclk, portNamed('Tandem Capture')]);
      jack('jack_connect', [portNamed('Tandem Out'), portNamed('Tandem Capture')]);
      // The DAW's view: jack_midi_dump stamps every event with its frame (a capture port through
      // RtMidi stamps a whole period's events with the period's start, 5.3 ms of blur).
      dump = spawn('jack_midi_dump', ['-a', 'tandem-dump'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
      dump.stdout!.on('data', (d: Buffer) => (dumpText += d.toString()));
      await until('jack_midi_dump to register its port', () => jack('jack_lsp', []).includes('tandem-dump:'), 5000);
      jack('jack_connect', [mclk, 'tandem-dump:input']);
      jack('jack_connect', [portNamed('Tandem Out'), 'tandem-dump:input']);
    });

    afterAll(async () => {
      await out?.close();
      model?.dispose();
      clockIn?.close();
      capture?.close();
      await stopProcess(dump);
      await stopProcess(midiClock);
      await stopProcess(jackd);
    });

    it(`follows jack_midi_clock at ${BPM} BPM, plays ${BARS} bars through JACK, and Stop silences it`, async () => {
      const store = new SuggestionStore(mkdtempSync(join(tmpdir(), 'tandem-jack-')), 'jack');
      const session = new LiveSession(
        { model: model!, store, dispatcher: out, input: clockIn, log: () => {} },
        { style: 'funk', density: 0.7 },
        { clock: 'midi', bpm: 120 },
      );
      // What the session handed to the port, with the song position (ticks) each message belongs to.
      const realPush = out!.push.bind(out!);
      const push = vi.spyOn(out!, 'push');
      const handedAt = new Map<TimedMessage, number>();
      push.mockImplementation((msgs) => {
        const now = performance.now();
        for (const m of msgs) handedAt.set(m, now);
        realPush(msgs);
      });
      await session.start();
      await until('the first phrases', () => session.generatedBars >= 2, 10_000);

      await transport('play');
      await until('Start through JACK', () => captured.some((m) => m.bytes[0] === 0xfa), 5000);
      await sleep(BARS * 4 * (60_000 / BPM));
      const followedBpm = session.clock.bpm;
      await transport('stop');
      await until('Stop through JACK', () => captured.some((m) => m.bytes[0] === 0xfc), 5000);
      await sleep(100); // the session reacts to Stop on its next tick
      session.stop();
      await sleep(200); // note-offs and All Notes Off travel through JACK

      await stopProcess(dump, 'SIGINT'); // it prints what it holds and exits on SIGINT
      const stopMs = captured.find((m) => m.bytes[0] === 0xfc)!.timeMs;
      const ons = noteOns(captured);
      const intended = push.mock.calls.flatMap(([msgs]): TimedMessage[] => msgs).filter((m) => isNoteOn(m) && m.ticks !== undefined);
      const port = timing(captured, intended, handedAt);
      const frames = timing(parseDump(dumpText), intended, handedAt);
      const { clocks } = port;

      // The tempo: Tandem's follower, and a line through the clock as the capture port received it.
      const fit = fitLine(clocks);
      const capturedBpm = 60_000 / (24 * fit.b);
      expect(clocks.length).toBeGreaterThan(BARS * 96 - 24);
      expect(Math.abs(followedBpm - BPM)).toBeLessThan(0.5);

      // Notes arrived through JACK: a drum groove in every bar played.
      expect(ons.length).toBeGreaterThan(BARS * 8);
      expect(frames.matched.length).toBe(ons.length);
      const barMs = 96 * fit.b;
      for (let bar = 0; bar < BARS - 1; bar++) {
        expect(
          ons.some((m) => m.timeMs - fit.a >= bar * barMs && m.timeMs - fit.a < (bar + 1) * barMs),
          `bar ${bar + 1}`,
        ).toBe(true);
      }

      console.log(
        `JACK: ${clocks.length} clocks, clock line ${capturedBpm.toFixed(3)} BPM (residual ${fit.residualMs.toFixed(2)} ms rms); ` +
          `followed ${followedBpm.toFixed(3)} BPM (error ${(followedBpm - BPM).toFixed(3)})\n` +
          `${describeTiming('timing vs clock, frames (jack_midi_dump -a)', frames.matched)}\n` +
          `${describeTiming('timing vs clock, capture port (period starts)', port.matched)}`,
      );
      // Timing as a DAW records it, against the frames of its clock (issue 15's targets). The first
      // beat used to be up to 21 ms off while the tempo fit settled from --bpm 120 to 97: the
      // scheduler now places notes only as far ahead as the clocks so far can place them. A capture
      // port stamps a period's events with its start, so its figures add up to 5.3 ms (printed too).
      // A machine loaded well past its cores delays jackd's dummy driver and Tandem's threads.
      const all = spread(frames.matched);
      const firstBeat = spread(frames.matched.filter((x) => x.ticks < 960));
      // One line per run for bench/jack-first-beat.ts, which repeats the test: the first beat's notes
      // (ms off, ms handed over ahead), and each capture's clocks (count, first and last ms after Start).
      const notes = frames.matched.filter((x) => x.ticks < 960).map((x) => ({ ticks: x.ticks, e: +x.e.toFixed(2), lead: +x.leadMs.toFixed(1) }));
      const span = (seen: Captured[], c: number[]) => {
        const start = seen.find((m) => m.bytes[0] === 0xfa)!.timeMs;
        return [c.length, +(c[0] - start).toFixed(1), +(c[c.length - 1] - start).toFixed(1)];
      };
      const clockSpans = { frames: span(parseDump(dumpText), frames.clocks), port: span(captured, clocks) };
      console.log(`JACK-RESULT ${JSON.stringify({ period: PERIOD, all, firstBeat, notes, clocks: clockSpans })}`);
      // The same clocks through both captures (a lost or extra one would shift every position after it).
      expect(frames.clocks.length, 'clocks seen by jack_midi_dump vs the capture port').toBe(clocks.length);
      // The first downbeat can only be sent once the clock that marks it has arrived, and RtMidi puts
      // every outgoing message at the start of the next JACK period: it lands one period after its
      // clock (5.3 ms at 256 frames, 2.7 at 128). Issue 15's target (p95 < 5 ms) holds where the
      // period is under 5 ms; nothing of the first beat may be later than that period otherwise.
      expect(firstBeat.p95, 'first beat, p95 |e| (ms)').toBeLessThan(Math.max(5, PERIOD / 48 + 0.5));
      expect(firstBeat.max, 'first beat, max |e| (ms)').toBeLessThan(10);
      expect(all.p95, 'p95 |e| (ms)').toBeLessThan(5);
      expect(all.max, 'max |e| (ms)').toBeLessThan(45);

      // Stop: nothing new sounds after the session saw it, every note-on is released, and All Notes Off went out.
      const tickMs = session.opts.tickMs;
      expect(ons.filter((m) => m.timeMs > stopMs + tickMs + 15)).toEqual([]);
      expect(unreleased(captured)).toEqual([]);
      const allNotesOff = captured.filter((m) => (m.bytes[0] & 0xf0) === 0xb0 && m.bytes[1] === 123);
      expect(allNotesOff.length).toBeGreaterThan(0);
      expect(allNotesOff.every((m) => m.timeMs >= stopMs)).toBe(true);
    });
  },
);
