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

async function stopProcess(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null || p.pid === undefined) return;
  const exited = new Promise((r) => p.once('exit', r));
  process.kill(p.pid, 'SIGTERM');
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

describe.skipIf(!enabled)(
  `live session on real JACK MIDI ports (jackd dummy driver, jack_midi_clock)${enabled ? '' : ' [skipped: set TANDEM_JACK_TEST=1 after bash bridge/midi/jack/build-jack-midi.sh]'}`,
  () => {
    let jackd: ChildProcess | undefined;
    let midiClock: ChildProcess | undefined;
    let out: OutputThread | undefined;
    let model: WorkerPartModel | undefined;
    let clockIn: MidiInput | undefined;
    let capture: MidiInput | undefined;
    const captured: Captured[] = [];

    beforeAll(async () => {
      process.env[MIDI_NATIVE_ENV] ??= resolve('.cache/jack-midi');
      expect(() => jack('jack_lsp', []), 'a JACK server is already running; stop it first').toThrow();
      jackd = spawn('jackd', ['-d', 'dummy', '-r', '48000', '-p', '256'], { env, stdio: 'ignore' });
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
    });

    afterAll(async () => {
      await out?.close();
      model?.dispose();
      clockIn?.close();
      capture?.close();
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
      const push = vi.spyOn(out!, 'push');
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

      const startAt = captured.findIndex((m) => m.bytes[0] === 0xfa);
      const stopAt = captured.findIndex((m) => m.bytes[0] === 0xfc);
      const stopMs = captured[stopAt].timeMs;
      const clocks = captured
        .slice(startAt, stopAt)
        .filter((m) => m.bytes[0] === 0xf8)
        .map((m) => m.timeMs);
      const ons = noteOns(captured);

      // The tempo: Tandem's follower, and a line through the clock as the capture port received it.
      const fit = fitLine(clocks);
      const capturedBpm = 60_000 / (24 * fit.b);
      expect(clocks.length).toBeGreaterThan(BARS * 96 - 24);
      expect(Math.abs(followedBpm - BPM)).toBeLessThan(0.5);

      // Notes arrived through JACK: a drum groove in every bar played.
      expect(ons.length).toBeGreaterThan(BARS * 8);
      const barMs = 96 * fit.b;
      for (let bar = 0; bar < BARS - 1; bar++) {
        expect(
          ons.some((m) => m.timeMs - fit.a >= bar * barMs && m.timeMs - fit.a < (bar + 1) * barMs),
          `bar ${bar + 1}`,
        ).toBe(true);
      }

      // Timing vs the clock: each note-on against where its song position falls between the captured
      // clocks around it (the first clock after Start is tick 0), matched to the intended note of the
      // same pitch. Local, not a line through all clocks: on a loaded VM the dummy driver's clock
      // drifts by tens of ms over a few bars, and Tandem follows the clock it receives.
      const intended = push.mock.calls.flatMap(([msgs]): TimedMessage[] => msgs).filter((m) => isNoteOn(m) && m.ticks !== undefined);
      const matched = ons.map((m) => {
        let best = { e: Infinity, ticks: 0 };
        for (const n of intended) {
          if (n.bytes[0] !== m.bytes[0] || n.bytes[1] !== m.bytes[1]) continue;
          const e = m.timeMs - clockTimeAt(clocks, n.ticks! / TICKS_PER_CLOCK);
          if (Math.abs(e) < Math.abs(best.e)) best = { e, ticks: n.ticks! };
        }
        return best;
      });
      const errors = matched.map((x) => x.e);
      const abs = errors.map(Math.abs);
      const mean = errors.reduce((s, e) => s + e, 0) / errors.length;
      const worst = [...matched].sort((x, y) => Math.abs(y.e) - Math.abs(x.e)).slice(0, 4);
      console.log(
        `JACK: ${clocks.length} clocks, clock line ${capturedBpm.toFixed(3)} BPM (residual ${fit.residualMs.toFixed(2)} ms rms); ` +
          `followed ${followedBpm.toFixed(3)} BPM (error ${(followedBpm - BPM).toFixed(3)}); ${ons.length} notes, ` +
          `timing vs clock: mean ${mean.toFixed(2)} ms, median |e| ${quantile(abs, 0.5).toFixed(2)}, p95 |e| ${quantile(abs, 0.95).toFixed(2)}, max |e| ${Math.max(...abs).toFixed(2)} ms; ` +
          `worst ${worst.map((x) => `${x.e.toFixed(1)} ms at beat ${(x.ticks / 960 + 1).toFixed(2)}`).join(', ')}`,
      );
      // Loose on purpose (figures belong to the note; a captured clock itself jitters by a JACK period,
      // 5.3 ms, and more on a loaded VM): in the first beat the tempo fit is still settling from --bpm 120 to 97;
      // after it every note sits well inside its 16th (155 ms here). Quiet-machine figures: see issue 4.
      const firstBeat = matched.filter((x) => x.ticks < 960).map((x) => Math.abs(x.e));
      const after = matched.filter((x) => x.ticks >= 960).map((x) => Math.abs(x.e));
      expect(Math.max(...firstBeat)).toBeLessThan(50);
      expect(Math.max(...after)).toBeLessThan(45);

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
