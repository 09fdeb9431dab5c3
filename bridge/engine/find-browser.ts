import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where Chrome/Chromium usually lives, per platform, most likely first. */
export function browserCandidates(platform: NodeJS.Platform = process.platform): string[] {
  switch (platform) {
    case 'darwin':
      return [
        '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
        '/Applications/Chromium.app/Contents/MacOS/Chromium',
        '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
      ];
    case 'win32': {
      const roots = [process.env.PROGRAMFILES, process.env['PROGRAMFILES(X86)'], process.env.LOCALAPPDATA].filter(Boolean) as string[];
      return roots.flatMap((r) => [
        join(r, 'Google', 'Chrome', 'Application', 'chrome.exe'),
        join(r, 'Chromium', 'Application', 'chrome.exe'),
        join(r, 'Microsoft', 'Edge', 'Application', 'msedge.exe'),
      ]);
    }
    default:
      return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];
  }
}

export interface BrowserFound {
  path?: string;
  /** 'env' when TANDEM_CHROME chose it. */
  via?: 'env' | 'search';
  /** Why none was found, when none was. */
  reason?: string;
}

/** Finds a Chrome/Chromium: $TANDEM_CHROME first (must exist), then the usual places. */
export function findBrowser(env: NodeJS.ProcessEnv = process.env): BrowserFound {
  const override = env.TANDEM_CHROME;
  if (override) {
    return existsSync(override) ? { path: override, via: 'env' } : { reason: `TANDEM_CHROME points to ${override}, which does not exist` };
  }
  const path = browserCandidates().find((p) => existsSync(p));
  return path
    ? { path, via: 'search' }
    : {
        reason: `no Chrome/Chromium found (looked in ${browserCandidates().join(', ')}); install one (Debian: apt-get install -y chromium) or set TANDEM_CHROME`,
      };
}
