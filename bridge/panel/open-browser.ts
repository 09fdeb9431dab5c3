import puppeteer, { type Browser } from 'puppeteer-core';
import { TandemError } from '../../src/errors';
import { chromiumArgs } from '../engine/chromium-host';
import { findBrowser } from '../engine/find-browser';
import { leaseProfile } from '../engine/profiles';

/** A headless Chromium for looking at the panel (tests, `npm run screenshots`). */
export interface PanelBrowser {
  browser: Browser;
  /** Ends the browser and removes its profile; never throws. */
  close(): Promise<void>;
}

/**
 * Launches headless Chromium the way the engine does (the same browser lookup, flags, and a
 * leased profile that is removed on every exit path), with `executablePath` or the one found.
 */
export async function openPanelBrowser(executablePath = findBrowser().path): Promise<PanelBrowser> {
  if (!executablePath) throw new TandemError(findBrowser().reason ?? 'no Chrome/Chromium found');
  const profile = leaseProfile();
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      pipe: true,
      userDataDir: profile.dir,
      // The engine's flags, but the panel's own address resolves (every other host still does not).
      args: chromiumArgs({ softwareGpu: false, sandbox: process.getuid?.() !== 0 }).map((a) =>
        a.startsWith('--host-resolver-rules=') ? `${a}, EXCLUDE 127.0.0.1` : a,
      ),
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (err) {
    profile.release();
    throw new TandemError(`Chromium (${executablePath}) did not start: ${(err as Error).message}`);
  }
  profile.setBrowser(browser.process()?.pid);
  return {
    browser,
    close: async () => {
      await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 5000))]).catch(() => undefined);
      browser.process()?.kill('SIGKILL');
      profile.release();
    },
  };
}
