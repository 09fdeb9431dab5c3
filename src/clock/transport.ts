/**
 * What every clock source (the followed MIDI clock, the internal clock) tells the scheduler.
 * Times are milliseconds on the caller's monotonic clock (performance.now() in production,
 * a fake in tests); positions are ticks at the project PPQ.
 */
export type TransportEvent =
  | { type: 'start'; timeMs: number; ticks: number }
  | { type: 'continue'; timeMs: number; ticks: number }
  | { type: 'stop'; timeMs: number; ticks: number; reason: 'stop' | 'clock-lost' }
  | { type: 'position'; timeMs: number; ticks: number }
  | { type: 'tempo'; timeMs: number; bpm: number };

export interface TransportClock {
  /** Whether the transport is rolling now. */
  readonly playing: boolean;
  /** Current tempo estimate in BPM. */
  readonly bpm: number;
  /** Song position in ticks at a time (extrapolated from the last known point at the current tempo). */
  ticksAt(timeMs: number): number;
  /** When a song position will be reached at the current tempo (undefined while stopped). */
  timeAtTicks(ticks: number): number | undefined;
  /**
   * The song position up to which `timeAtTicks` is firm (a followed clock whose tempo is still
   * being measured cannot place notes far ahead); absent or Infinity: any position is.
   */
  firmUntilTicks?(): number;
  /** Everything that happened, in order, since `since` (an index into the timeline). */
  eventsSince(since: number): TransportEvent[];
  /** Number of events so far (pass it to eventsSince to get only new ones). */
  readonly eventCount: number;
  /** Clocks fed from outside (a followed MIDI clock) catch up on the time here; others need not have it. */
  update?(nowMs: number): void;
  /** Clocks this process runs (the internal clock) start here; a followed clock is the DAW's to start. */
  start?(timeMs: number): void;
  /** Clocks this process runs stop here. */
  stop?(timeMs: number): void;
}
