import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** Browser profiles are `tandem-chromium-<pid of the Tandem process>-<random>` in the temp folder. */
export const PROFILE_PREFIX = 'tandem-chromium-';
const OWNED = /^tandem-chromium-(\d+)-[A-Za-z0-9]{6}$/;

/** Whether a process with this id exists (EPERM: it does, under another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the profiles left by Tandem processes that no longer run (killed with SIGKILL, or a
 * crash before their cleanup): their names carry the owner's process id. Returns what it removed.
 */
export function sweepDeadProfiles(root = tmpdir(), alive: (pid: number) => boolean = pidAlive): string[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = OWNED.exec(name);
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    const dir = join(root, name);
    const socketDir = singletonSocketDir(dir);
    // A browser orphaned by its owner's death may still run on it (it exits by itself when its pipe closes).
    killUsers(dir, 3000);
    try {
      removeProfile(dir, socketDir);
      removed.push(join(root, name));
    } catch {
      // another user's, or in use: left alone
    }
  }
  return removed;
}

/**
 * Removes a profile and the folder Chromium keeps its singleton socket in (a
 * `org.chromium.Chromium.*` folder in the temp folder, which the profile's SingletonSocket link
 * points into): a killed browser leaves both.
 */
function removeProfile(dir: string, socketDir = singletonSocketDir(dir)): void {
  if (socketDir) rmSync(socketDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** Where a running (or killed) browser keeps its singleton socket; read before killing it (a clean exit removes the link). */
function singletonSocketDir(dir: string): string | undefined {
  try {
    const socketDir = dirname(readlinkSync(join(dir, 'SingletonSocket')));
    return /^org\.chromium\.Chromium\.\w+$/.test(basename(socketDir)) ? socketDir : undefined;
  } catch {
    return undefined; // not started, or closed cleanly
  }
}

interface Owned {
  dir: string;
  /** The browser's process id once it runs (its process group is killed with it). */
  browserPid?: number;
  /**
   * Its singleton-socket folder, read when the browser is handed over: by the time the profile is
   * removed, a browser that closed may already have removed the link to it but not the folder.
   */
  socketDir?: string;
}

const owned = new Set<Owned>();
let exitHookInstalled = false;

/**
 * A fresh profile folder owned by this process, after sweeping those of dead processes. Until
 * {@link ProfileLease.release} is called, the folder (and the browser given to
 * {@link ProfileLease.setBrowser}) are removed when the process exits by any path that runs
 * JavaScript: normal exit, process.exit(), an uncaught error, or a signal turned into an exit by
 * {@link exitOnSignals}. SIGKILL leaves it to the next start's sweep.
 */
export function leaseProfile(root = tmpdir()): ProfileLease {
  sweepDeadProfiles(root);
  const entry: Owned = { dir: mkdtempSync(join(root, `${PROFILE_PREFIX}${process.pid}-`)) };
  owned.add(entry);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', cleanupAllSync);
  }
  return {
    dir: entry.dir,
    setBrowser: (pid) => {
      entry.browserPid = pid;
      entry.socketDir = singletonSocketDir(entry.dir) ?? entry.socketDir;
    },
    release: () => {
      owned.delete(entry);
      removeProfile(entry.dir, singletonSocketDir(entry.dir) ?? entry.socketDir);
    },
  };
}

export interface ProfileLease {
  readonly dir: string;
  setBrowser(pid: number | undefined): void;
  /** Removes the folder now and stops watching it (after the browser is gone). */
  release(): void;
}

/** Kills the browsers still running and removes their profiles, synchronously (an 'exit' handler cannot wait). */
function cleanupAllSync(): void {
  for (const entry of owned) {
    // The browser's pid is known once launch() returns; one killed mid-launch is found by its profile.
    const socketDir = singletonSocketDir(entry.dir) ?? entry.socketDir;
    const pids = new Set([...(entry.browserPid ? [entry.browserPid] : []), ...processesUsing(entry.dir)]);
    for (const pid of pids) killGroup(pid);
    // A dying browser may still write into its profile: wait (at most 2 s) until it is gone.
    const until = Date.now() + 2000;
    while ([...pids].some((pid) => pidAlive(pid) && !isZombie(pid)) && Date.now() < until) sleepSync(10);
    try {
      removeProfile(entry.dir, socketDir);
    } catch {
      // the next start's sweep removes it
    }
  }
  owned.clear();
}

function killGroup(pid: number): void {
  for (const target of process.platform === 'win32' ? [pid] : [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone, or not a group leader
    }
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Lets the processes started with this profile end by themselves (at most `graceMs`), then kills them and waits (at most 2 s). */
function killUsers(dir: string, graceMs: number): void {
  const pids = processesUsing(dir);
  const running = () => pids.some((pid) => pidAlive(pid) && !isZombie(pid));
  let until = Date.now() + graceMs;
  while (running() && Date.now() < until) sleepSync(20);
  for (const pid of pids) killGroup(pid);
  until = Date.now() + 2000;
  while (running() && Date.now() < until) sleepSync(10);
}

/** Processes whose command line names `dir` (a browser and its helpers get --user-data-dir=dir). Linux only. */
export function processesUsing(dir: string): number[] {
  if (process.platform !== 'linux') return [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(dir)) found.push(Number(e));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** A killed child we have not reaped yet still answers kill(pid, 0); it writes nothing any more. */
function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return true;
  }
}

const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
let signalsInstalled = false;

/**
 * Makes SIGINT, SIGTERM and SIGHUP end the process through process.exit (so 'exit' handlers, such
 * as the profile cleanup above, run), with the shell's code 128 + signal number. Commands that
 * handle a signal themselves (play, serve) add their own listener; this one then steps aside.
 */
export function exitOnSignals(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  for (const [sig, n] of Object.entries(SIGNALS)) {
    process.on(sig, () => {
      if (process.listenerCount(sig) === 1) process.exit(128 + n);
    });
  }
}
