import { describe, expect, it } from 'vitest';
import { buildTandemPatcher, LIFECYCLE_STATUS, SCRIPTS, TRANSPORT_POLL_MS } from '../../max-device/src/patcher/tandem';
import { midiNotes, PatchRunner, type Msg } from './fakes/patch-runner';

/**
 * The built patch, run on the fake Max of fakes/patch-runner.ts with a stand-in script in
 * node.script: what reaches the script, what the status line shows, what leaves midiout.
 */
function device(opts: { startsAfterMs?: number; readyAfterMs?: number; failLoad?: boolean } = {}) {
  const got: { at: number; m: Msg }[] = [];
  const script: { say?: (...w: (number | string)[]) => void } = {};
  const r = new PatchRunner(buildTandemPatcher(), {
    startsAfterMs: opts.startsAfterMs ?? 800,
    failLoad: opts.failLoad,
    boot: (out, runner) => {
      script.say = out;
      // The real client answers `ready` once it has found the bridge.
      runner.at(opts.readyAfterMs ?? 300, () => out('ready'));
      return { receive: (m) => got.push({ at: runner.now, m }) };
    },
  });
  const status = () => r.comments.get('status');
  return { r, got, script, status };
}
const dropped = (r: PatchRunner) => r.maxWindow.filter((l) => l.startsWith("node.script: Node script not ready can't handle message"));

describe('the patch on a fake Max (node.script drops messages before its script runs)', () => {
  it('sends nothing to node.script before the script runs; sends the transport only after the client says ready', () => {
    const { r, got } = device({ startsAfterMs: 800, readyAfterMs: 300 });
    r.load();
    r.advance(3000);
    expect(dropped(r)).toEqual([]);
    const transports = got.filter((g) => g.m.sel === 'transport');
    expect(transports[0].at).toBe(1100); // 800 ms to start + 300 ms to find the bridge
    expect(transports.length).toBe(Math.floor((3000 - 1100) / TRANSPORT_POLL_MS) + 1);
    expect(transports[0].m.args).toEqual([120, 0, 0]);
    // On ready the kept control values go to the fresh client too.
    expect(
      got
        .filter((g) => g.at === 1100 && g.m.sel !== 'transport')
        .map((g) => g.m.sel)
        .sort(),
    ).toEqual(['bars', 'density', 'fill', 'follow', 'genre', 'key', 'model', 'temperature']);
  });

  it('stops polling when the script ends, and shows it on the status line', () => {
    const { r, got, status } = device();
    r.load();
    r.advance(2000);
    r.crash();
    const before = got.length;
    r.advance(2000);
    expect(got.length).toBe(before);
    expect(dropped(r)).toEqual([]); // the poll stopped with the script
    expect(status()).toBe(LIFECYCLE_STATUS.terminated!.text);
  });

  it('a restarted script: the poll pauses (nothing dropped), the status line says so, and resumes when the new client is ready', () => {
    const { r, got, status } = device({ startsAfterMs: 500, readyAfterMs: 300 });
    r.load();
    r.advance(1000);
    r.restart(200);
    expect(status()).toBe(LIFECYCLE_STATUS.restarting!.text);
    const t = r.now;
    r.advance(1000);
    expect(dropped(r)).toEqual([]);
    const after = got.filter((g) => g.m.sel === 'transport' && g.at > t);
    expect(after[0].at).toBe(t + 200 + 300); // restarted, then ready
  });

  it('shows a script that fails to load on the status line, and never polls', () => {
    const { r, status } = device({ failLoad: true });
    r.load();
    r.advance(3000);
    expect(status()).toBe(LIFECYCLE_STATUS.loadend!.text);
    expect(status()).toContain(SCRIPTS.client);
    expect(dropped(r)).toEqual([]);
  });

  it('Write to sends the target to the clip writer (js), which needs no script to be running', () => {
    const { r } = device();
    r.load();
    r.control('Write to', 1);
    r.advance(100);
    expect(r.jsInByScript.get(SCRIPTS.clipWriter)).toEqual([
      { sel: 'target', args: [1] },
      { sel: 'bang', args: [] },
    ]);
  });

  it('Live stopping ends sounding notes within one transport poll (makenote stop), and clears scheduled ones, with no word from the script', () => {
    const { r, script } = device();
    r.load();
    r.control('Follow transport', 1);
    r.advance(1200);
    // A 1-step loop: a 2-second kick on the 16th, a hat 60 ticks (62.5 ms at 120 BPM) into it.
    script.say!('pat', 0, 'clear');
    script.say!('pat', 0, 0, 36, 100, 1920, 0, 42, 90, 10, 60);
    script.say!('play', -1, 0, 1, 0, 1);
    r.advance(10);
    const t0 = r.now;
    r.startTransport(120);
    r.advance(20);
    r.stopTransport(); // the poll runs every 20 ms from 1100: it sees the stop at t0 + 30
    r.advance(3000);
    expect(midiNotes(r)).toEqual([
      [t0, 36, 100],
      [t0 + 30, 36, 0], // released by the patch, not 2 s later; the hat waiting in the pipe never plays
    ]);
    expect(r.unknown).toEqual([]);
  });

  it('plays the stored pattern from the transport with no message from the script: on the grid, looped, after a jump', () => {
    const { r, script } = device();
    r.load();
    r.control('Follow transport', 1);
    r.advance(1200);
    // A 4-step loop (one beat): kick on step 0, hat 2.5 ticks late on step 2.
    script.say!('pat', 2, 'clear');
    script.say!('pat', 2, 0, 36, 100, 60, 0);
    script.say!('pat', 2, 2, 42, 80, 60, 2.5);
    script.say!('play', -1, 2, 4, 2, 4);
    r.advance(10);
    const t0 = r.now;
    r.startTransport(120); // 500 ms a beat, 1.0417 ms a tick
    r.advance(1100);
    r.jumpTransport(0); // loop brace back to the start
    r.advance(400);
    r.stopTransport();
    const ons = midiNotes(r).filter(([, , v]) => v > 0);
    const ms = (ticks: number) => (ticks * 500) / 480;
    const want = [
      [t0, 36],
      [t0 + ms(242.5), 42],
      [t0 + 500, 36],
      [t0 + 500 + ms(242.5), 42],
      [t0 + 1000, 36],
      [t0 + 1100, 36], // after the jump: the song's beat 0 again
      [t0 + 1100 + ms(242.5), 42],
    ];
    expect(ons.map(([, p]) => p)).toEqual(want.map(([, p]) => p));
    for (let i = 0; i < want.length; i++) expect(Math.abs(ons[i][0] - want[i][0])).toBeLessThan(1e-6);
    expect(r.unknown).toEqual([]);
  });
});
