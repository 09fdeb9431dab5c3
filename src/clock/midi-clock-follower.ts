import { TICKS_PER_CLOCK, TICKS_PER_STEP } from '../time/units';
import { MIDI_STATUS } from '../music/midi-status';
import { EventTimeline } from './timeline';
import type { TransportClock, TransportEvent } from './transport';

/** MIDI System Real-Time and Common status bytes the follower understands (from the one table). */
export const { clock: MIDI_CLOCK, start: MIDI_START, continue: MIDI_CONTINUE, stop: MIDI_STOP, songPosition: MIDI_SONG_POSITION } = MIDI_STATUS;

export interface FollowerOptions {
  /** Clocks in the tempo fit while the tempo is steady (default 96 = four beats). */
  maxWindow?: number;
  /** Consecutive clocks off the fitted line, on one side, that mean the tempo changed (default 4). */
  changeClocks?: number;
  /** A clock is "off the line" beyond this many ms or this fraction of a clock period, whichever is larger (defaults 2 ms, 0.12). */
  changeMs?: number;
  changeFraction?: number;
  /** Beats without a clock while playing = the clock is lost and the transport stops (default 2). */
  lossBeats?: number;
  /** Tempo assumed until two clocks have arrived (default 120). */
  initialBpm?: number;
  /**
   * Clocks in the tempo fit from which it is trusted for any lookahead (default 24 = one beat).
   * Before that, after a Start with no clock seen while stopped or after a tempo change, positions
   * are firm only a little way past the last clock (see `firmUntilTicks`).
   */
  settleClocks?: number;
  /** While the fit is young: how many clock periods past the last clock are firm, at least (default 1.5). */
  minAheadClocks?: number;
  /**
   * With one or two clocks in the fit: how many clock periods past the last clock are firm (default 1).
   * The tempo is then `initialBpm`, or one interval between two clocks whose arrival times are
   * blurred by the sender's and the port's period (5.3 ms on JACK at 256 frames, a fifth of a clock
   * period at 97 BPM): each clock period placed past the next clock adds up to that blur (1.5 put a
   * note at beat 1.09 one JACK period early in every run). From three clocks on, `minAheadClocks`.
   */
  firstAheadClocks?: number;
  /** While the fit is young: firm clock periods past the last clock per clock in the fit (default 0.25). */
  aheadPerClock?: number;
}

export const FOLLOWER_DEFAULTS: Readonly<Required<FollowerOptions>> = Object.freeze({
  maxWindow: 96,
  changeClocks: 4,
  changeMs: 2,
  changeFraction: 0.12,
  lossBeats: 2,
  initialBpm: 120,
  settleClocks: 24,
  minAheadClocks: 1.5,
  firstAheadClocks: 1,
  aheadPerClock: 0.25,
});

/**
 * Follows a 24 PPQN MIDI clock: a pure state machine fed timestamped bytes.
 *
 * Tempo is a least-squares line through recent clock times (jitter averages out); when several
 * clocks in a row fall on one side of the line the tempo has changed, and the fit restarts from
 * those clocks, so it settles within a beat. Position follows the MIDI spec: the first clock after
 * Start is tick 0, each clock adds 40 ticks, Song Position Pointer relocates (in 16ths), Continue
 * resumes where Stop left off. No clock for `lossBeats` beats while playing stops the transport
 * ('clock-lost'); the next clock resumes it.
 */
export class MidiClockFollower implements TransportClock {
  private readonly opts: Required<FollowerOptions>;
  private readonly events = new EventTimeline();
  private clockCount = 0;
  private winK: number[] = [];
  private winT: number[] = [];
  private a = 0;
  private b: number;
  private offSide = 0;
  private offRun: Array<[number, number]> = [];
  private rolling = false;
  private pending: 'start' | 'continue' | undefined;
  private lost = false;
  private anchorClock = 0;
  private anchorTicks = 0;
  private stoppedTicks = 0;
  private lastClockMs = -Infinity;
  private lastTempoEmitted = 0;

  constructor(options: FollowerOptions = {}) {
    this.opts = { ...FOLLOWER_DEFAULTS, ...options };
    this.b = 60_000 / (24 * this.opts.initialBpm);
  }

  get playing(): boolean {
    return this.rolling;
  }

  get bpm(): number {
    return 60_000 / (24 * this.b);
  }

  /** Milliseconds per MIDI clock, as fitted. */
  get clockPeriodMs(): number {
    return this.b;
  }

  get eventCount(): number {
    return this.events.count;
  }

  eventsSince(since: number): TransportEvent[] {
    return this.events.since(since);
  }

  ticksAt(timeMs: number): number {
    if (!this.rolling) return this.stoppedTicks;
    const k = (timeMs - this.a) / this.b;
    return this.anchorTicks + (k - this.anchorClock) * TICKS_PER_CLOCK;
  }

  timeAtTicks(ticks: number): number | undefined {
    if (!this.rolling) return undefined;
    return this.a + this.b * (this.anchorClock + (ticks - this.anchorTicks) / TICKS_PER_CLOCK);
  }

  /**
   * The song position (ticks) up to which `timeAtTicks` will not move much when more clocks come.
   * A tempo fit through a few clocks is poor (a DAW's clock jitters by its audio period, 5 ms and
   * more, against a 20-30 ms clock period), and the first clocks after a Start with none before it
   * have only `initialBpm` to go on: extrapolating 100 ms ahead from them put notes 20 ms off. So
   * while the fit holds fewer than `settleClocks` clocks, only a little past the last clock is firm
   * (`firstAheadClocks` with one or two clocks, then `minAheadClocks`, more as the fit grows); the
   * scheduler holds later notes until clocks arrive.
   * Infinity once settled (and while stopped, when nothing is sent).
   */
  firmUntilTicks(): number {
    const n = this.winK.length;
    if (!this.rolling || n >= this.opts.settleClocks) return Infinity;
    const ahead = n <= 2 ? this.opts.firstAheadClocks : Math.max(this.opts.minAheadClocks, this.opts.aheadPerClock * n);
    return this.anchorTicks + (this.clockCount - this.anchorClock + ahead) * TICKS_PER_CLOCK;
  }

  /**
   * Feeds one MIDI message that arrived at `timeMs`. Real-time bytes come alone; Song Position
   * Pointer comes with its two data bytes. Other messages are ignored.
   */
  feed(status: number, timeMs: number, data1 = 0, data2 = 0): void {
    switch (status) {
      case MIDI_CLOCK:
        return this.onClock(timeMs);
      case MIDI_START:
        this.pending = 'start';
        this.lost = false;
        this.stoppedTicks = 0;
        if (this.rolling) this.rolling = false;
        return;
      case MIDI_CONTINUE:
        this.pending = 'continue';
        this.lost = false;
        return;
      case MIDI_STOP:
        this.pending = undefined;
        this.lost = false;
        if (this.rolling) this.halt(timeMs, 'stop');
        return;
      case MIDI_SONG_POSITION: {
        const sixteenths = ((data2 & 0x7f) << 7) | (data1 & 0x7f);
        const ticks = sixteenths * TICKS_PER_STEP;
        if (this.rolling) {
          // Spec says SPP comes while stopped; a DAW that sends it while rolling means "jump here now".
          this.anchorClock = this.clockCount;
          this.anchorTicks = ticks;
        } else this.stoppedTicks = ticks;
        this.events.push({ type: 'position', timeMs, ticks });
        return;
      }
      default:
        return;
    }
  }

  /** Call regularly (the scheduler's tick does): notices a lost clock. */
  update(nowMs: number): void {
    if (this.rolling && nowMs - this.lastClockMs > this.opts.lossBeats * 24 * this.b) {
      this.halt(this.lastClockMs + this.b, 'clock-lost');
      this.lost = true;
    }
  }

  private halt(timeMs: number, reason: 'stop' | 'clock-lost'): void {
    // The position after the last clock: Continue resumes with the next one.
    this.stoppedTicks = this.anchorTicks + (this.clockCount - this.anchorClock + 1) * TICKS_PER_CLOCK;
    this.rolling = false;
    this.events.push({ type: 'stop', timeMs, ticks: this.stoppedTicks, reason });
  }

  private onClock(timeMs: number): void {
    this.clockCount++;
    const k = this.clockCount;
    const resuming = this.pending !== undefined || this.lost;
    if (resuming && this.winK.length && Math.abs(timeMs - (this.a + this.b * k)) > Math.max(this.opts.changeMs, this.opts.changeFraction * this.b)) {
      // The clock paused before this Start/Continue: the new run is anchored on this clock.
      this.winK = [k];
      this.winT = [timeMs];
      this.offRun = [];
      this.offSide = 0;
      this.solve();
    } else this.fit(k, timeMs);
    this.lastClockMs = timeMs;
    if (resuming) {
      const type = this.pending === 'start' ? 'start' : 'continue';
      this.anchorClock = k;
      this.anchorTicks = this.pending === 'start' ? 0 : this.stoppedTicks;
      this.rolling = true;
      this.pending = undefined;
      this.lost = false;
      this.events.push({ type, timeMs, ticks: this.anchorTicks });
    }
    const bpm = this.bpm;
    if (this.winK.length >= 3 && Math.abs(bpm - this.lastTempoEmitted) >= 0.25) {
      this.lastTempoEmitted = bpm;
      this.events.push({ type: 'tempo', timeMs, bpm });
    }
  }

  /** Adds a clock to the tempo fit, restarting the fit when the tempo has clearly changed. */
  private fit(k: number, t: number): void {
    if (this.winK.length >= 2) {
      const residual = t - (this.a + this.b * k);
      const limit = Math.max(this.opts.changeMs, this.opts.changeFraction * this.b);
      const side = Math.abs(residual) > limit ? Math.sign(residual) : 0;
      if (side !== 0 && (side === this.offSide || this.offSide === 0)) {
        this.offSide = side;
        this.offRun.push([k, t]);
      } else {
        this.offSide = side;
        this.offRun = side ? [[k, t]] : [];
      }
      // A gap of many periods (a paused clock) also restarts the fit.
      const gap = this.winT.length ? t - this.winT[this.winT.length - 1] : 0;
      if (this.offRun.length >= this.opts.changeClocks || gap > 8 * this.b) {
        const keep = gap > 8 * this.b ? [[k, t]] : this.offRun;
        // Keep the last on-line clock too: the change began after it.
        const lastK = this.winK[this.winK.length - 1];
        const lastT = this.winT[this.winT.length - 1];
        this.winK = gap > 8 * this.b ? [] : [lastK];
        this.winT = gap > 8 * this.b ? [] : [lastT];
        for (const [kk, tt] of keep) {
          this.winK.push(kk);
          this.winT.push(tt);
        }
        this.offRun = [];
        this.offSide = 0;
        this.solve();
        return;
      }
    }
    this.winK.push(k);
    this.winT.push(t);
    if (this.winK.length > this.opts.maxWindow) {
      this.winK.shift();
      this.winT.shift();
    }
    this.solve();
  }

  private solve(): void {
    const n = this.winK.length;
    if (n === 0) return;
    if (n === 1) {
      this.a = this.winT[0] - this.b * this.winK[0];
      return;
    }
    let mk = 0;
    let mt = 0;
    for (let i = 0; i < n; i++) {
      mk += this.winK[i];
      mt += this.winT[i];
    }
    mk /= n;
    mt /= n;
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      num += (this.winK[i] - mk) * (this.winT[i] - mt);
      den += (this.winK[i] - mk) ** 2;
    }
    if (den > 0 && num > 0) this.b = num / den;
    this.a = mt - this.b * mk;
  }
}
