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
  it('sends nothing to node.script before the script runs; polls the transport only after the client says ready', () => {
    const { r, got } = device({ startsAfterMs: 800, readyAfterMs: 300 });
    r.load();
    r.advance(3000);
    expect(dropped(r)).toEqual([]);
    const transports = got.filter((g) => g.m.sel === 'transport');
    expect(transports[0].at).toBe(1100); // 800 ms to start + 300 ms to find the bridge
    expect(transports.length).toBe(Math.floor((3000 - 1100) / TRANSPORT_POLL_MS) + 1);
    expect(transports[0].m.args).toEqual([120, 0, 0]);
    // On ready the kept control values go to the fresh client too.
    expect(got.filter((g) => g.at === 1100 && g.m.sel !== 'transport').map((g) => g.m.sel).sort()).toEqual(['bars', 'density', 'fill', 'follow', 'genre', 'model', 'temperature']);
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
    expect(r.jsIn).toEqual([{ sel: 'target', args: [1] }, { sel: 'bang', args: [] }]);
  });

  it('stop from the client ends sounding notes at once (makenote stop), and clears scheduled ones', () => {
    const { r, script } = device();
    r.load();
    r.advance(1200);
    const t0 = r.now;
    script.say!('note', 36, 100, 2000, 0); // a 2-second note, now
    script.say!('note', 38, 90, 100, 500); // one scheduled 500 ms ahead
    r.advance(100);
    script.say!('stop');
    r.advance(3000);
    expect(midiNotes(r)).toEqual([
      [t0, 36, 100],
      [t0 + 100, 36, 0], // released by stop, not 2 s later
    ]);
    expect(r.unknown).toEqual([]);
  });
});
