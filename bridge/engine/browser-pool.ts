import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { BrowserLaunchError, withTimeout } from './engine';
import { leaseProfile, pidAlive, type ProfileLease } from './profiles';

/** What one shared browser is started with: engines asking for the same share it. */
export interface BrowserKey {
  executablePath: string;
  /** Chromium's flags (chromiumArgs). */
  args: string[];
  launchTimeoutMs: number;
}

/**
 * One engine's use of a shared browser: its own page (its own JavaScript context, TF.js backend
 * and model) in a browser that every Chromium engine of this process with the same settings uses.
 * `play --parts drums,bass,melody` runs one browser with three pages, not three browsers.
 */
export interface BrowserLease {
  readonly browser: Browser;
  /** The browser's version string. */
  readonly version: string;
  /** The page this lease owns. */
  readonly page: Page;
  /**
   * Gives the page back. The last lease of a browser ends it (asked to quit when `polite`, then
   * killed with its process group) and removes its profile. A page that does not close in 3 s
   * (its renderer hung, or the browser stopped) takes the browser down with it: the other leases
   * see it disconnect and relaunch, as after a crash. Never throws.
   */
  release(polite: boolean): Promise<void>;
}

interface Shared {
  key: string;
  ready: Promise<{ browser: Browser; version: string }>;
  profile: ProfileLease;
  users: number;
  /** The page the browser opened with, handed to the first lease. */
  spare?: Page;
}

const pool = new Map<string, Shared>();

/** Leases a page in the shared browser for `key`, launching the browser when none runs. */
export async function leaseBrowser(key: BrowserKey): Promise<BrowserLease> {
  const id = JSON.stringify([key.executablePath, key.args]);
  let shared = pool.get(id);
  if (!shared) {
    shared = launchShared(id, key);
    pool.set(id, shared);
  }
  const s = shared;
  s.users++;
  let page: Page;
  let browser: Browser;
  let version: string;
  try {
    ({ browser, version } = await s.ready);
    const spare = s.spare;
    s.spare = undefined;
    page = spare ?? (await withTimeout(browser.newPage(), key.launchTimeoutMs, 'opening a page in the engine browser'));
  } catch (err) {
    if (--s.users === 0) await end(s, false);
    throw err instanceof BrowserLaunchError ? err : new BrowserLaunchError(key.executablePath, (err as Error).message);
  }
  let released = false;
  return {
    browser,
    version,
    page,
    async release(polite: boolean): Promise<void> {
      if (released) return;
      released = true;
      s.users--; // first, so that leases released at the same time agree on which one is last
      if (s.users > 0) {
        if (!browser.connected) return;
        const closed = await withTimeout(page.close({ runBeforeUnload: false }), 3_000, 'closing an engine page').then(
          () => true,
          () => false,
        );
        // A page that cannot close: the browser is not answering. Ending it is the only way out
        // (the other leases see it disconnect); the lease released last removes the profile.
        if (!closed) await killBrowser(browser);
        return;
      }
      await end(s, polite);
    },
  };
}

function launchShared(id: string, key: BrowserKey): Shared {
  // Named after this process, removed on every exit path that runs JavaScript, and swept at the
  // next start when this process is killed outright (see profiles.ts).
  const profile = leaseProfile();
  // `start` reads `shared` only after its first await, once the object exists.
  const shared: Shared = { key: id, profile, users: 0, ready: start() };
  shared.ready.catch(() => {
    if (pool.get(id) === shared) pool.delete(id); // a failed launch is not handed out again
  });
  return shared;

  async function start(): Promise<{ browser: Browser; version: string }> {
    if (!existsSync(key.executablePath)) throw new BrowserLaunchError(key.executablePath, 'no such file');
    let browser: Browser;
    try {
      browser = await puppeteer.launch({
        executablePath: key.executablePath,
        headless: true,
        pipe: true,
        userDataDir: profile.dir,
        args: key.args,
        timeout: key.launchTimeoutMs,
        // Our own deadlines bound every call; puppeteer's 180 s would cut long cpu batches.
        protocolTimeout: 24 * 3600 * 1000,
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
    } catch (err) {
      throw new BrowserLaunchError(key.executablePath, (err as Error).message);
    }
    profile.setBrowser(browser.process()?.pid);
    // A browser that dies is never handed out again: the next lease launches a new one.
    browser.on('disconnected', () => {
      if (pool.get(id) === shared) pool.delete(id);
    });
    try {
      const [first] = await browser.pages();
      shared.spare = first;
      return { browser, version: await browser.version() };
    } catch (err) {
      await killBrowser(browser);
      throw new BrowserLaunchError(key.executablePath, (err as Error).message);
    }
  }
}

/** After the last lease: ends the browser and removes its profile. */
async function end(s: Shared, polite: boolean): Promise<void> {
  if (pool.get(s.key) === s) pool.delete(s.key);
  const started = await s.ready.catch(() => undefined);
  if (started) {
    const { browser } = started;
    if (polite && browser.connected) await withTimeout(browser.close(), 5_000, 'closing the browser').catch(() => undefined);
    await killBrowser(browser);
  }
  s.profile.release();
}

/** SIGKILLs the browser's process group (puppeteer starts it as a group leader on POSIX), then the process. */
export async function killBrowser(browser: Browser): Promise<void> {
  const proc = browser.process();
  const pid = proc?.pid;
  if (!pid) return;
  if (process.platform !== 'win32') {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // no such group: already gone
    }
  }
  if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  await waitGone(pid, 5_000);
}

async function waitGone(pid: number, ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (pidAlive(pid) && performance.now() < until) await new Promise((r) => setTimeout(r, 25));
}
