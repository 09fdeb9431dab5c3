/**
 * Runs a built patcher the way Max would, for the objects the Tandem device uses, on a virtual
 * clock (ms). Behaviour follows each object's Cycling '74 reference page
 * (docs.cycling74.com/max8/refpages/<object>) and the Node for Max guides:
 *
 * - an outlet feeding several inlets fires them right to left (by the destinations' x position);
 * - message box: any message into the left inlet sends its contents ($1.. replaced), comma
 *   parts one after another; `set` or the right inlet changes the contents without sending;
 * - route / prepend / t / pack / unpack / deferlow / metro / pipe / makenote / midiformat /
 *   midiout / transport / live.thisdevice / comment as their pages say; makenote's messages are
 *   int, float, list, anything (= list), clear, clock and stop: a symbol it does not know is read
 *   as a list, which here plays nothing and releases nothing (`unknown` records it);
 * - metro with a tempo-relative interval (`metro 16n @quantize 16n`): runs only while the transport
 *   runs and fires on the transport's grid of that note value, from the song position (metro
 *   reference: "interval can be fixed or tempo-relative", `quantize` synchronises its output to
 *   the transport's grid; Cycling '74 forum "Sync metro to Live"). A stop silences it; a start or
 *   a jump re-aligns it to the grid from the new position (a grid point at the start fires);
 * - coll (reference page, Max Basic Tutorial 18): a list stores its tail at its first number,
 *   int/float outputs the entry at that index from the left outlet (nothing when there is none),
 *   clear empties it;
 * - zl.iter N: a list goes out in lists of N, one after another (the last may be shorter);
 * - route with number arguments matches the first number of a list (Tutorial 18) and outputs the rest;
 * - expr: $iN/$fN inlets, arithmetic, comparisons (1 or 0) and the functions floor and int;
 * - node.script (Node for Max): messages that arrive before the script runs are dropped with
 *   "Node script not ready can't handle message <selector>" in the Max window; its right outlet
 *   reports the lifecycle as `<event> success|error dictionary <name>` (start, loadstart,
 *   loadend, stop, terminated, restarting, restarted: the "Script Lifecycle" guide).
 */
import { LIFECYCLE } from '../../../max-device/src/patcher/tandem';
import type { FakeMidiToolHost } from './midi-tool';
import { parseObjectText } from '../../../max-device/src/patcher/objects';
import type { Box, Patcher } from '../../../max-device/src/patcher/types';

/** A Max message: selector and arguments (`int 5`, `list 1 2`, `bang`, `set a b`). */
export interface Msg {
  sel: string;
  args: (number | string)[];
}
const bang: Msg = { sel: 'bang', args: [] };
const num = (n: number): Msg => ({ sel: Number.isInteger(n) ? 'int' : 'float', args: [n] });
/** A message made of atoms, as Max forms one: a leading number makes a list (or int/float). */
export function atoms(words: (number | string)[]): Msg {
  if (words.length === 0) return bang;
  if (typeof words[0] === 'number') return words.length === 1 ? num(words[0]) : { sel: 'list', args: words };
  return { sel: words[0], args: words.slice(1) };
}
/** The message's atoms (selector first unless it is int/float/list/bang). */
export function words(m: Msg): (number | string)[] {
  return ['int', 'float', 'list', 'bang'].includes(m.sel) ? m.args : [m.sel, ...m.args];
}
const parseAtom = (w: string): number | string => (/^-?(\d+\.?\d*|\.\d+)$/.test(w) ? Number(w) : w);

/** The script side of a fake node.script: gets messages once running, sends through `out`. */
export interface NodeScriptImpl {
  receive(m: Msg): void;
}

export interface NodeScriptOptions {
  /** When the script starts running, ms after load (messages before are dropped). */
  startsAfterMs: number;
  /** Builds the script once it runs; `out` sends from node.script's left outlet. */
  boot: (out: (...words: (number | string)[]) => void, runner: PatchRunner) => NodeScriptImpl;
  /** Make loading fail: lifecycle `loadend error` and no script. */
  failLoad?: boolean;
  /** Latency of each message between Max and the Node process, ms, in both directions (default 0); order is kept. */
  latencyMs?: () => number;
}

type Impl = (inlet: number, m: Msg) => void;

/** What else runs in the patch: the scripts of js boxes, Live's side of a MIDI Tool. */
export interface PatchExtras {
  /** Runs a js box's script: `out(outlet, words)` sends from the box's outlet. */
  js?: (box: Box, out: (outlet: number, words: (number | string)[]) => void) => { receive(inlet: number, m: Msg): void };
  /** Live's side of live.miditool.in / live.miditool.out (fakes/midi-tool.ts). */
  tool?: FakeMidiToolHost;
}

export class PatchRunner {
  now = 0;
  /** Lines in the Max window. */
  readonly maxWindow: string[] = [];
  /** Bytes out of midiout, with their time. */
  readonly midi: { at: number; bytes: number[] }[] = [];
  /** Messages objects did not understand. */
  readonly unknown: string[] = [];
  /** Texts of comments, by varname or id. */
  readonly comments = new Map<string, string>();
  /** Messages that reached js boxes. */
  readonly jsIn: Msg[] = [];
  /** Messages that reached js boxes, by script (`tandem-clip-writer.js`). */
  readonly jsInByScript = new Map<string, Msg[]>();
  /** Transport reported by `transport` on bang (`startTransport` makes it roll with the clock). */
  transport = { bpm: 120, ticks: 0, playing: 0 };
  private rolling: { startAt: number; startTicks: number } | undefined;
  /** Tempo segments since the transport last started or jumped: when each began, where, at what tempo. */
  private readonly segments: { startAt: number; startTicks: number; bpm: number }[] = [];
  private played = { at: 0, value: 0 };
  private readonly tickTimers = new Set<{ target: number; fn: () => void; plan: number }>();
  private readonly transportListeners: (() => void)[] = [];
  private lastIn = 0;
  private lastOut = 0;
  private queue: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;
  private readonly boxes = new Map<string, Box>();
  private readonly wires = new Map<string, [string, number][]>();
  private readonly impls = new Map<string, Impl>();
  private scriptRunning = false;
  private script: NodeScriptImpl | undefined;
  private nodeId = '';

  constructor(
    private readonly patcher: Patcher,
    private readonly node: NodeScriptOptions,
    private readonly extras: PatchExtras = {},
  ) {
    for (const { box } of patcher.boxes) this.boxes.set(box.id, box);
    for (const { patchline: l } of patcher.lines) {
      const k = `${l.source[0]}:${l.source[1]}`;
      this.wires.set(k, [...(this.wires.get(k) ?? []), [l.destination[0], l.destination[1]]]);
    }
    // Right to left: the rightmost destination first.
    for (const list of this.wires.values()) list.sort((a, b) => this.boxes.get(b[0])!.patching_rect[0] - this.boxes.get(a[0])!.patching_rect[0]);
    for (const box of this.boxes.values()) this.impls.set(box.id, this.make(box));
  }

  /** Loads the device: node.script starts (its script runs later), then live.thisdevice bangs. */
  load(thisDeviceAfterMs = 30): void {
    this.life('start', true);
    this.at(thisDeviceAfterMs, () => {
      for (const b of this.boxes.values()) if (b.text === 'live.thisdevice') this.out(b.id, 0, bang);
    });
    this.at(this.node.startsAfterMs, () => {
      this.life('loadstart', true);
      if (this.node.failLoad) {
        this.maxWindow.push('node.script: SyntaxError: Unexpected token');
        this.life('loadend', false);
        return;
      }
      this.scriptRunning = true;
      this.script = this.node.boot((...w) => this.later('out', () => this.out(this.nodeId, 0, atoms(w))), this);
      this.life('loadend', true);
    });
  }

  /** The script crashes: the process ends (lifecycle `terminated error`). */
  crash(): void {
    this.scriptRunning = false;
    this.script = undefined;
    this.life('terminated', false);
  }

  /** Node for Max restarts the script (a crash with @watch, or `script restart`): restarting, then restarted once it runs again. */
  restart(afterMs = 200): void {
    this.scriptRunning = false;
    this.script = undefined;
    this.life('restarting', true);
    this.at(afterMs, () => {
      this.scriptRunning = true;
      this.script = this.node.boot((...w) => this.out(this.nodeId, 0, atoms(w)), this);
      this.life('restarted', true);
    });
  }

  /** Live starts playing at `bpm` from `fromTicks`: `transport` reports the position at the moment it is banged. */
  startTransport(bpm: number, fromTicks = 0): void {
    this.changeTransport(() => {
      this.transport = { bpm, ticks: fromTicks, playing: 1 };
      this.rolling = { startAt: this.now, startTicks: fromTicks };
    });
  }

  /** Live stops: the position stays where it is. */
  stopTransport(): void {
    this.changeTransport(() => {
      this.transport = { ...this.transport, ticks: this.ticksNow(), playing: 0 };
      this.rolling = undefined;
    });
  }

  /** The song position jumps while playing (a loop brace, a click in the timeline). */
  jumpTransport(toTicks: number): void {
    this.startTransport(this.transport.bpm, toTicks);
  }

  /** Live's tempo changes (a step of a tempo ramp, an automation point): the position goes on from where it is. */
  setTempo(bpm: number): void {
    this.changeTransport(() => {
      const ticks = this.ticksNow();
      this.transport = { ...this.transport, bpm, ticks };
      if (this.rolling) this.rolling = { startAt: this.now, startTicks: ticks };
    }, true);
  }

  /** When the song position reaches `ticks` at the current tempo (undefined while stopped or past). */
  timeAtTicks(ticks: number): number | undefined {
    const r = this.rolling;
    if (!r || ticks < r.startTicks) return undefined;
    return r.startAt + ((ticks - r.startTicks) * 60_000) / (this.transport.bpm * 480);
  }

  /** When the song position was (or will be, at the current tempo) `ticks`, over every tempo change since the last start or jump. */
  timeOfTicks(ticks: number): number | undefined {
    const seg = [...this.segments].reverse().find((g) => g.startTicks <= ticks + 1e-9);
    return seg && seg.startAt + ((ticks - seg.startTicks) * 60_000) / (seg.bpm * 480);
  }

  /** Live's song position now, in ticks (480 a beat). */
  ticksNow(): number {
    const r = this.rolling;
    return r ? r.startTicks + ((this.now - r.startAt) * this.transport.bpm * 480) / 60_000 : this.transport.ticks;
  }

  /** Ticks the transport has played since load (not moved by jumps): what a tempo-relative delay counts. */
  private playedNow(): number {
    return this.played.value + (this.rolling ? ((this.now - this.played.at) * this.transport.bpm * 480) / 60_000 : 0);
  }

  /** Applies a change of Live's transport, then re-plans what follows it (tempo-relative metros and delays). */
  private changeTransport(change: () => void, tempoOnly = false): void {
    this.played = { at: this.now, value: this.playedNow() };
    change();
    if (!tempoOnly) this.segments.length = 0;
    if (this.rolling) this.segments.push({ startAt: this.now, startTicks: this.rolling.startTicks, bpm: this.transport.bpm });
    for (const l of this.transportListeners) l();
    for (const t of this.tickTimers) this.planTicks(t);
  }

  /**
   * Runs `fn` once the transport has played `ticks` more ticks (a tempo-relative delay: Max's
   * time value syntax counts ticks at the transport's tempo; the pipe reference: such a delay
   * "will not operate unless the transport is running", so it waits while Live is stopped).
   */
  afterTicks(ticks: number, fn: () => void): { cancel(): void } {
    const t = { target: this.playedNow() + ticks, fn, plan: 0 };
    this.tickTimers.add(t);
    this.planTicks(t);
    return { cancel: () => void this.tickTimers.delete(t) };
  }

  private planTicks(t: { target: number; fn: () => void; plan: number }): void {
    const mine = ++t.plan;
    if (!this.rolling) return;
    const ms = ((t.target - this.playedNow()) * 60_000) / (this.transport.bpm * 480);
    this.at(Math.max(0, ms), () => {
      if (t.plan !== mine || !this.tickTimers.delete(t)) return;
      t.fn();
    });
  }

  /** Delivers after the injected latency, keeping the order of earlier messages in that direction. */
  private later(dir: 'in' | 'out', fn: () => void): void {
    const d = this.node.latencyMs?.() ?? 0;
    if (d === 0 && (dir === 'in' ? this.lastIn : this.lastOut) <= this.now) return fn();
    const at = Math.max(dir === 'in' ? this.lastIn : this.lastOut, this.now + d);
    if (dir === 'in') this.lastIn = at;
    else this.lastOut = at;
    this.at(at - this.now, fn);
  }

  /** Runs everything due up to `now + ms`. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue[0];
      if (!next || next.at > end) break;
      this.queue.shift();
      this.now = next.at;
      next.fn();
    }
    this.now = end;
  }

  /** Schedules `fn` `ms` from now. */
  at(ms: number, fn: () => void): void {
    this.queue.push({ at: this.now + Math.max(0, ms), seq: this.seq++, fn });
  }

  /** A box by its text (object boxes) or parameter long name. */
  find(pred: (b: Box) => boolean): Box {
    const b = [...this.boxes.values()].find(pred);
    if (!b) throw new Error('no such box');
    return b;
  }

  /** Sends a message into a box's inlet, as a patch cord would. */
  send(id: string, inlet: number, m: Msg): void {
    this.impls.get(id)!(inlet, m);
  }

  /** A Live parameter's control sends its value (or bang, for a button) out of its left outlet. */
  control(longname: string, value?: number): void {
    const b = this.find((x) => x.saved_attribute_attributes?.valueof?.parameter_longname === longname);
    this.out(b.id, 0, value === undefined ? bang : num(value));
  }

  private life(event: (typeof LIFECYCLE)[number], ok: boolean): void {
    this.out(this.nodeId, 1, { sel: event, args: [ok ? 'success' : 'error', 'dictionary', `u${1000 + this.seq++}`] });
  }

  private out(id: string, outlet: number, m: Msg): void {
    for (const [to, inlet] of this.wires.get(`${id}:${outlet}`) ?? []) this.impls.get(to)!(inlet, m);
  }

  /**
   * A metro with a tempo-relative interval of `stepTicks`: fires on the transport's grid while it
   * runs. Started (bang, non-zero) it follows the transport; stopped (0, stop) it does not.
   */
  private tempoMetro(id: string, stepTicks: number): Impl {
    const box = this.boxes.get(id)!;
    let active = /@active 1\b/.test(String(box.text ?? ''));
    let plan = 0;
    const arm = () => {
      const mine = ++plan;
      if (!active || !this.rolling) return;
      const from = this.ticksNow();
      const next = Math.ceil(from / stepTicks - 1e-9) * stepTicks;
      const fire = (ticks: number) => {
        const at = this.timeAtTicks(ticks);
        if (at === undefined) return;
        this.at(at - this.now, () => {
          if (mine !== plan) return;
          this.out(id, 0, bang);
          fire(ticks + stepTicks);
        });
      };
      fire(next);
    };
    this.transportListeners.push(arm);
    arm();
    return (inlet, m) => {
      if (inlet !== 0) return;
      active = m.sel === 'bang' || ((m.sel === 'int' || m.sel === 'float') && m.args[0] !== 0);
      arm();
    };
  }

  private make(b: Box): Impl {
    const id = b.id;
    if (b.maxclass === 'message') {
      let text = String(b.text ?? '');
      return (inlet, m) => {
        if (inlet === 1) return void (text = words(m).join(' '));
        if (m.sel === 'set') return void (text = m.args.join(' '));
        const input = words(m);
        for (const part of text.split(',')) {
          const w = part
            .trim()
            .split(/\s+/)
            .filter(Boolean)
            .map((x) => (/^\$\d$/.test(x) ? (input[Number(x[1]) - 1] ?? 0) : parseAtom(x)));
          if (w.length) this.out(id, 0, atoms(w));
        }
      };
    }
    if (b.maxclass === 'comment' || b.maxclass === 'live.comment') {
      return (_i, m) => {
        if (m.sel === 'set') this.comments.set(String(b.varname ?? id), m.args.join(' '));
        else this.unknown.push(`${id} comment: ${m.sel}`);
      };
    }
    if (b.maxclass !== 'newobj') return () => {}; // live.* controls: driven with control()
    const { name, args } = parseObjectText(String(b.text ?? ''));
    const nums = args.map(Number);
    switch (name) {
      case 'node.script':
        this.nodeId = id;
        return (_i, m) => {
          if (!this.scriptRunning || !this.script) return void this.maxWindow.push(`node.script: Node script not ready can't handle message ${m.sel}`);
          const script = this.script;
          this.later('in', () => script.receive(m));
        };
      case 'route':
        return (_i, m) => {
          // A number argument matches a list's (or an int's) first number; a symbol, the selector.
          const numeric = m.sel === 'list' || m.sel === 'int' || m.sel === 'float';
          const k = numeric ? args.findIndex((a) => /^-?\d+$/.test(a) && Number(a) === m.args[0]) : args.indexOf(String(m.sel));
          if (k < 0) return this.out(id, args.length, m);
          const rest = numeric ? m.args.slice(1) : m.args;
          this.out(id, k, rest.length ? atoms(rest) : bang);
        };
      case 'prepend':
        return (_i, m) => this.out(id, 0, atoms([args[0], ...words(m)]));
      case 't':
      case 'trigger':
        return (_i, m) => {
          for (let k = args.length - 1; k >= 0; k--) this.out(id, k, args[k] === 'b' ? bang : m);
        };
      case 'deferlow':
        return (_i, m) => this.at(0, () => this.out(id, 0, m));
      case 'live.thisdevice':
        return () => {};
      case 'metro': {
        const note = /^(\d+)n$/.exec(args[0] ?? '');
        if (note) return this.tempoMetro(id, (480 * 4) / Number(note[1]));
        let timer: { on: boolean } | undefined;
        const tick = (t: { on: boolean }) => {
          if (!t.on) return;
          this.out(id, 0, bang);
          this.at(nums[0], () => tick(t));
        };
        return (inlet, m) => {
          if (inlet !== 0) return;
          const start = m.sel === 'bang' || ((m.sel === 'int' || m.sel === 'float') && m.args[0] !== 0);
          if (timer) timer.on = false;
          timer = undefined;
          if (start) {
            timer = { on: true };
            tick(timer);
          } else if (!(m.sel === 'stop' || m.sel === 'int' || m.sel === 'float')) this.unknown.push(`metro: ${m.sel}`);
        };
      }
      case 'transport':
        return (_i, m) => {
          if (m.sel !== 'bang') return;
          const t = this.transport;
          // Outlets fire right to left: ... 7 ticks, 6 state, 5 time signature, 4 tempo, ...
          this.out(id, 7, num(this.ticksNow()));
          this.out(id, 6, num(t.playing));
          this.out(id, 4, { sel: 'float', args: [t.bpm] });
        };
      case 'pack': {
        const vals: (number | string)[] = args.map(parseAtom);
        return (inlet, m) => {
          if (inlet > 0) return void (vals[inlet] = m.args[0]);
          if (m.sel === 'list') m.args.forEach((v, k) => (vals[k] = v));
          else if (m.sel !== 'bang') vals[0] = m.args[0];
          this.out(id, 0, atoms([...vals]));
        };
      }
      case 'unpack':
        return (_i, m) => {
          const w = words(m);
          for (let k = Math.min(w.length, args.length) - 1; k >= 0; k--) this.out(id, k, typeof w[k] === 'number' ? num(w[k] as number) : atoms([w[k]]));
        };
      case 'pipe': {
        const n = Math.max(1, args.length - 1); // values; the last argument is the delay
        const vals = args.slice(0, args.length - 1).map(Number);
        // The delay: ms, or transport ticks once `delaytime <n> ticks` set it (a tempo-relative time value).
        let delay = { value: nums[args.length - 1] || 0, ticks: false };
        let pending: { cancel(): void }[] = [];
        const output = (snap: number[]) => {
          for (let k = n - 1; k >= 0; k--) this.out(id, k, num(snap[k]));
        };
        return (inlet, m) => {
          if (m.sel === 'clear') {
            for (const p of pending) p.cancel();
            pending = [];
            return;
          }
          if (m.sel === 'delaytime') {
            const unit = String(m.args[1] ?? 'ms');
            if (unit !== 'ms' && unit !== 'ticks') return void this.unknown.push(`pipe: delaytime in ${unit} (the fake knows ms and ticks)`);
            return void (delay = { value: Number(m.args[0]), ticks: unit === 'ticks' });
          }
          if (inlet === n) return void (delay = { value: Number(m.args[0]), ticks: false });
          if (inlet > 0) return void (vals[inlet] = Number(m.args[0]));
          if (!['int', 'float', 'list'].includes(m.sel)) return void this.unknown.push(`pipe: ${m.sel}`);
          const w = words(m).map(Number);
          w.forEach((v, k) => (k < n ? (vals[k] = v) : (delay = { value: v, ticks: false })));
          const snap = [...vals];
          if (delay.ticks) {
            // "will not operate unless the transport is running": nothing is taken while Live is stopped.
            if (!this.rolling) return;
            const timer = this.afterTicks(delay.value, () => {
              pending = pending.filter((x) => x !== timer);
              output(snap);
            });
            pending.push(timer);
            return;
          }
          const p = { on: true, cancel: () => void (p.on = false) };
          pending.push(p);
          this.at(delay.value, () => {
            if (!p.on) return;
            pending = pending.filter((x) => x !== p);
            output(snap);
          });
        };
      }
      case 'gate': {
        // Left inlet: 0 closes, N opens outlet N; right inlet: the message, out of the open outlet.
        let open = 0;
        const outlets = Math.max(1, nums[0] || 1);
        return (inlet, m) => {
          if (inlet === 0) return void (open = Math.max(0, Math.min(outlets, Math.trunc(Number(m.args[0]) || 0))));
          if (open > 0) this.out(id, open - 1, m);
        };
      }
      case 'makenote': {
        let vel = nums[0] ?? 0;
        let dur = nums[1] ?? 0;
        const held: { pitch: number; off: { on: boolean } }[] = [];
        const play = (pitch: number) => {
          const off = { on: true };
          held.push({ pitch, off });
          this.out(id, 1, num(vel));
          this.out(id, 0, num(pitch));
          this.at(dur, () => {
            if (!off.on) return;
            off.on = false;
            held.splice(
              held.findIndex((h) => h.off === off),
              1,
            );
            this.out(id, 1, num(0));
            this.out(id, 0, num(pitch));
          });
        };
        return (inlet, m) => {
          if (inlet === 1) return void (vel = Number(m.args[0]));
          if (inlet === 2) return void (dur = Number(m.args[0]));
          if (m.sel === 'stop') {
            for (const h of held.splice(0)) {
              h.off.on = false;
              this.out(id, 1, num(0));
              this.out(id, 0, num(h.pitch));
            }
            return;
          }
          if (m.sel === 'clear') {
            for (const h of held.splice(0)) h.off.on = false;
            return;
          }
          if (m.sel === 'int' || m.sel === 'float') return play(Number(m.args[0]));
          if (m.sel === 'list') {
            if (m.args[1] !== undefined) vel = Number(m.args[1]);
            if (m.args[2] !== undefined) dur = Number(m.args[2]);
            return play(Number(m.args[0]));
          }
          // anything = list: a symbol is not a pitch, so nothing plays and nothing is released.
          this.unknown.push(`makenote: ${m.sel} (read as a list)`);
        };
      }
      case 'expr': {
        // The subset the device uses: $fN/$iN inlets, arithmetic and comparisons (true = 1).
        const src = args.join(' ');
        const n = Math.max(1, ...(src.match(/\$[if](\d+)/g) ?? ['$f1']).map((x) => Number(x.slice(2))));
        const vals = new Array<number>(n).fill(0);
        const body = src
          .replace(/\$[if](\d+)/g, (_, k: string) => `v[${Number(k) - 1}]`)
          .replace(/\bfloor\(/g, 'Math.floor(')
          .replace(/\bint\(/g, 'Math.trunc(');
        const f = new Function('v', `return Number(${body});`) as (v: number[]) => number;
        return (inlet, m) => {
          vals[inlet] = Number(words(m)[0]);
          if (inlet === 0) this.out(id, 0, { sel: 'float', args: [f(vals)] });
        };
      }
      case 'midiformat':
        return (inlet, m) => {
          if (inlet !== 0) return;
          const [p, v] = m.args.map(Number);
          this.out(id, 0, { sel: 'list', args: [0x90, p, v] });
        };
      case 'midiout':
        return (_i, m) => void this.midi.push({ at: this.now, bytes: m.args.map(Number) });
      case 'midiin':
        return () => {};
      case 'js': {
        const script = this.extras.js?.(b, (outlet, w) => this.out(id, outlet, atoms(w)));
        const file = String(args[0]);
        return (inlet, m) => {
          this.jsIn.push(m);
          this.jsInByScript.set(file, [...(this.jsInByScript.get(file) ?? []), m]);
          script?.receive(inlet, m);
        };
      }
      case 'live.miditool.in':
        return (_i, m) => {
          if (m.sel !== 'bang') return void this.unknown.push(`live.miditool.in: ${m.sel}`);
          this.extras.tool?.bang((outlet, name) => this.out(id, outlet, { sel: 'dictionary', args: [name] }));
        };
      case 'live.miditool.out':
        return (_i, m) => this.extras.tool?.receive(m.sel, m.args[0]);
      case 'coll': {
        const entries = new Map<number, (number | string)[]>();
        return (_i, m) => {
          if (m.sel === 'clear') return void entries.clear();
          if (m.sel === 'list') return void entries.set(Math.trunc(Number(m.args[0])), m.args.slice(1));
          if (m.sel === 'int' || m.sel === 'float') {
            const e = entries.get(Math.trunc(Number(m.args[0])));
            if (e) this.out(id, 0, atoms(e));
            return;
          }
          this.unknown.push(`coll: ${m.sel}`);
        };
      }
      case 'zl.iter': {
        const n = Math.max(1, nums[0] || 1);
        return (inlet, m) => {
          if (inlet !== 0) return;
          const w = words(m);
          for (let k = 0; k < w.length; k += n) this.out(id, 0, atoms(w.slice(k, k + n)));
        };
      }
      default:
        throw new Error(`the patch runner has no model of ${name}`);
    }
  }
}

/** Note-ons (velocity > 0) and note-offs out of midiout, as `[time, pitch, velocity]`. */
export function midiNotes(r: PatchRunner): [number, number, number][] {
  return r.midi.map((e) => [e.at, e.bytes[1], e.bytes[2]]);
}
