import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** What the calling thread got: real-time FIFO scheduling, a lower nice value, or nothing. */
export type ThreadPriority = { kind: 'fifo'; priority: number } | { kind: 'nice'; nice: number } | { kind: 'default'; why: string };

/** Environment switch: `TANDEM_OUTPUT_PRIORITY=off` keeps the default scheduling. */
export const PRIORITY_ENV = 'TANDEM_OUTPUT_PRIORITY';

/**
 * Asks the OS to run the calling thread (the MIDI output thread) ahead of ordinary work, the way
 * audio software does for its audio threads. Linux: SCHED_FIFO at priority 10 through util-linux
 * `chrt` on this thread's id (allowed to root and to users with an rtprio allowance, such as the
 * `audio` group on most Linux audio setups), else nice -10 for this thread alone (Linux nice is
 * per thread; needs CAP_SYS_NICE or an RLIMIT_NICE allowance). Elsewhere, or when refused: the
 * default, and the reason. Never throws.
 */
export function raisePriority(): ThreadPriority {
  if (process.env[PRIORITY_ENV] === 'off') return { kind: 'default', why: `${PRIORITY_ENV}=off` };
  if (process.platform !== 'linux') return { kind: 'default', why: `not raised on ${process.platform}` };
  let tid: string | undefined;
  try {
    tid = readlinkSync('/proc/thread-self').split('/').pop();
  } catch {
    tid = undefined;
  }
  if (tid && /^\d+$/.test(tid)) {
    try {
      execFileSync('chrt', ['-f', '-p', '10', tid], { stdio: 'ignore', timeout: 2000 });
      return { kind: 'fifo', priority: 10 };
    } catch {
      // no chrt, or no rtprio allowance: try nice
    }
  }
  try {
    setPriority(0, -10);
    return { kind: 'nice', nice: -10 };
  } catch (err) {
    return { kind: 'default', why: `neither real-time scheduling nor nice -10 allowed (${(err as Error).message})` };
  }
}
