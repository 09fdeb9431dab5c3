/**
 * Musical time in Tandem is integer ticks at one PPQ for the whole project.
 * 960 is a multiple of 24, so one MIDI clock pulse (24 PPQN) is exactly 40 ticks,
 * and a 16th-note step is exactly 240 ticks.
 */
export const PPQ = 960;

/** Tempo range every clock and front-end accepts (BPM), and the default tempo. */
export const TEMPO = Object.freeze({ min: 20, max: 400, default: 120, unit: 'BPM' });
/** Ticks per MIDI clock pulse (24 pulses per quarter note). */
export const TICKS_PER_CLOCK = PPQ / 24;
/** Sixteenth-note steps per quarter note. */
export const STEPS_PER_BEAT = 4;
/** Ticks per 16th-note step. */
export const TICKS_PER_STEP = PPQ / STEPS_PER_BEAT;

export type Ticks = number & { readonly __unit: 'ticks' };
export type Steps = number & { readonly __unit: 'steps' };
export type Beats = number & { readonly __unit: 'beats' };
export type Seconds = number & { readonly __unit: 'seconds' };

/** A time signature: `numerator` beats of 1/`denominator` notes per bar. */
export interface Meter {
  readonly numerator: number;
  readonly denominator: number;
}

export const FOUR_FOUR: Meter = Object.freeze({ numerator: 4, denominator: 4 });

export const ticks = (n: number): Ticks => n as Ticks;

/** Ticks in one bar of the given meter (a 6/8 bar is 6 eighths = 2880 ticks). */
export function ticksPerBar(meter: Meter = FOUR_FOUR): Ticks {
  return ((meter.numerator * PPQ * 4) / meter.denominator) as Ticks;
}

/** 16th-note steps in one bar of the given meter (16 in 4/4, 12 in 3/4 and 6/8). */
export function stepsPerBar(meter: Meter = FOUR_FOUR): number {
  return ticksPerBar(meter) / TICKS_PER_STEP;
}

export const stepsToTicks = (steps: number): Ticks => (steps * TICKS_PER_STEP) as Ticks;
/** Whole steps in `t` ticks (floor). */
export const ticksToSteps = (t: number): Steps => Math.floor(t / TICKS_PER_STEP) as Steps;
export const beatsToTicks = (beats: number): Ticks => Math.round(beats * PPQ) as Ticks;
export const ticksToBeats = (t: number): Beats => (t / PPQ) as Beats;
export const barsToTicks = (bars: number, meter: Meter = FOUR_FOUR): Ticks => (bars * ticksPerBar(meter)) as Ticks;
/** Bars (fractional) in `t` ticks. */
export const ticksToBars = (t: number, meter: Meter = FOUR_FOUR): number => t / ticksPerBar(meter);

/** Seconds per tick at a constant tempo. */
export const secondsPerTick = (bpm: number): number => 60 / (bpm * PPQ);
export const ticksToSeconds = (t: number, bpm: number): Seconds => (t * secondsPerTick(bpm)) as Seconds;
export const secondsToTicks = (sec: number, bpm: number): Ticks => Math.round(sec / secondsPerTick(bpm)) as Ticks;

/** Microseconds per quarter note (the unit of a MIDI Set Tempo meta event) for a bpm. */
export const bpmToMicrosPerBeat = (bpm: number): number => Math.round(60_000_000 / bpm);
export const microsPerBeatToBpm = (us: number): number => 60_000_000 / us;

/** Rescales a tick value from another resolution (for example a file at 480 PPQ) to ours. */
export function rescaleTicks(t: number, fromPpq: number): Ticks {
  return Math.round((t * PPQ) / fromPpq) as Ticks;
}

/** Bar/beat/step position (all 0-based) of a tick, with the ticks left over inside the step. */
export interface BarPosition {
  bar: number;
  beat: number;
  step: number;
  tick: number;
}

export function ticksToPosition(t: number, meter: Meter = FOUR_FOUR): BarPosition {
  const perBar = ticksPerBar(meter);
  const perBeat = (PPQ * 4) / meter.denominator;
  const bar = Math.floor(t / perBar);
  const inBar = t - bar * perBar;
  const beat = Math.floor(inBar / perBeat);
  const inBeat = inBar - beat * perBeat;
  const step = Math.floor(inBeat / TICKS_PER_STEP);
  return { bar, beat, step, tick: inBeat - step * TICKS_PER_STEP };
}

export function positionToTicks(p: BarPosition, meter: Meter = FOUR_FOUR): Ticks {
  const perBeat = (PPQ * 4) / meter.denominator;
  return (p.bar * ticksPerBar(meter) + p.beat * perBeat + p.step * TICKS_PER_STEP + p.tick) as Ticks;
}

/** Human "bar.beat.step" (1-based), as a DAW shows it. */
export function formatPosition(t: number, meter: Meter = FOUR_FOUR): string {
  const p = ticksToPosition(t, meter);
  return `${p.bar + 1}.${p.beat + 1}.${p.step + 1}`;
}
