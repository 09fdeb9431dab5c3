import type { ClipPrimer } from '../../../src/music/clip-primer';
import type { LaunchConfig } from './bridge-launcher';
import type { Suggestion } from './suggestions';

/** How a TandemClient is set up (main.ts gives the script's folder; tests shorten the waits). */
export interface TandemClientOptions {
  /** The bridge's UDP port on 127.0.0.1 (default 57121, `tandem serve`'s default). */
  port?: number;
  /** Folder of the bundled client script; the Tandem repo is looked for above it. */
  scriptDir: string;
  /** Start `tandem serve` when no bridge answers (default true). */
  launch?: boolean;
  /** Where Node and the repo are (default: ~/.tandem/device.json and TANDEM_NODE/TANDEM_HOME). */
  config?: LaunchConfig & { problem?: string };
  /** Node binaries to try when none is configured (default: the usual places). */
  nodeCandidates?: string[];
  /**
   * How long one ping waits for /tandem/pong, ms (default 150): the bridge answers from a thread
   * that never runs a model (under 50 ms in its fuzz test), and while a started bridge opens its
   * port the client asks again this often (issue 15: the first suggestion within a second of a load).
   */
  pingTimeoutMs?: number;
  /** How long a started bridge may take to answer, ms (default 120 000: a cold model load). */
  startTimeoutMs?: number;
  /** Ping period while connected, ms; two missed pings count as a lost bridge, found again or restarted (default 5000; 0 = off). */
  heartbeatMs?: number;
  /** A bridge this client starts stops when no device has pinged it for this long, ms (default 20 000: four heartbeats). */
  leaseMs?: number;
  /** How far ahead of the playhead a new suggestion is scheduled to take over at a bar line, ms (default 250; the patch plays the notes). */
  switchMarginMs?: number;
  /**
   * Seed to ask for with the first suggestion (default: the bridge session's, which starts at 0).
   * The seed policy is the bridge's (bridge/session/controller.ts): each request takes the
   * session's seed and the next one is one more; the device only says where to start.
   */
  seed?: number;
  /** How long a request may go unanswered, ms (default 60 000; the bridge gives up after 30 000). */
  requestTimeoutMs?: number;
  /** The clock transport reports are aged by when a new suggestion is scheduled (ms; default Date.now; tests inject Max's). */
  now?: () => number;
}

/** What the device asks for; Density in 0..1 as the bridge takes it. */
export interface DeviceSettings {
  model: string;
  genre: string;
  density: number;
  temperature: number;
  bars: number;
  fill: number;
  follow: boolean;
  /** The Key menu's key ("D minor"), or '' for the Set's scale when its Scale Mode is on, else the style's usual keys. */
  key: string;
}

/** A suggestion with what it was asked for (the clip is named after it). */
export interface Kept extends Suggestion {
  seed: number;
  settings: DeviceSettings;
}

/** The musician's clip a request continues (Continue), named, with its whole bars. */
export type RequestClip = ClipPrimer & { name: string; bars: number };
