/**
 * `npm run screenshots`: pictures of the web panel for the README, taken in headless Chromium
 * from real sessions (a `play` of the drum network and a `serve` asked for a bass line), with
 * suggestions saved in a temporary folder. Writes docs/panel-play.png and docs/panel-serve.png.
 */
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { REPO_ROOT } from '../data/paths';
import { writeFileAtomic } from '../fs/atomic-write';
import { runPlay } from '../cli/play';
import { runServe } from '../cli/serve';
import { openPanelBrowser } from './open-browser';

const DOCS = join(REPO_ROOT, 'docs');
const VIEW = { width: 1100, height: 700 };

async function waitForLine(lines: string[], what: string, ms = 120_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const line = lines.find((l) => l.includes(what));
    if (line) return line;
    if (Date.now() > end) throw new Error(`no "${what}" line after ${ms / 1000} s; got:\n${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A free UDP port on 127.0.0.1 for the OSC side of serve. */
async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const urlIn = (line: string) => /http:\/\/127\.0\.0\.1:\d+\//.exec(line)![0];

async function shoot(page: Page, file: string): Promise<void> {
  const png = await page.screenshot({ type: 'png' });
  writeFileAtomic(join(DOCS, file), png, { replace: true });
  console.log(`wrote docs/${file} (${Math.round(png.length / 1024)} KB)`);
}

const out = mkdtempSync(join(tmpdir(), 'tandem-screenshots-'));
const chrome = await openPanelBrowser();
try {
  const page = await chrome.browser.newPage();
  await page.setViewport(VIEW);

  // play: the drum network in a worker thread, internal clock.
  const stopPlay = new AbortController();
  const lines: string[] = [];
  const playing = runPlay(
    {
      clock: 'internal',
      bpm: '100',
      barsAhead: '1',
      model: 'drums',
      genre: 'funk',
      density: '0.6',
      modelImpl: 'network',
      engine: 'node',
      latency: '0',
      out,
      panel: true,
      panelPort: '0',
    },
    (l) => lines.push(l),
    { stop: stopPlay.signal },
  );
  await page.goto(urlIn(await waitForLine(lines, 'panel on')));
  await page.waitForFunction(() => document.querySelectorAll('#history li').length >= 3, { timeout: 120_000 });
  await page.click('#history li:nth-child(2) button');
  await page.waitForSelector('#selected svg.roll', { timeout: 10_000 });
  await new Promise((r) => setTimeout(r, 500));
  await shoot(page, 'panel-play.png');
  stopPlay.abort();
  await playing;

  // serve: the panel beside OSC, asked for a bass line over chords.
  const stopServe = new AbortController();
  const served: string[] = [];
  const serving = runServe(
    { oscPort: String(await freeUdpPort()), modelImpl: 'network', engine: 'node', out, panel: true, panelPort: '0' },
    undefined,
    (l) => served.push(l),
    stopServe.signal,
  );
  await page.goto(urlIn(await waitForLine(served, 'panel on')));
  await page.waitForSelector('[data-control="model"]');
  await page.select('[data-control="model"]', 'bass');
  await page.waitForFunction(() => (document.querySelector('[data-control="chords"]') as HTMLInputElement | null)?.disabled === false);
  await page.$eval('[data-control="chords"]', (e) => {
    (e as HTMLInputElement).value = 'Am F C G';
    e.dispatchEvent(new Event('change'));
  });
  await page.click('#generate');
  await page.waitForSelector('.lane[data-part="bass"] svg.roll', { timeout: 120_000 });
  await page.click('#history li:first-child button');
  await page.waitForSelector('#selected svg.roll', { timeout: 10_000 });
  await shoot(page, 'panel-serve.png');
  stopServe.abort();
  await serving;
} finally {
  await chrome.close();
  rmSync(out, { recursive: true, force: true });
}
