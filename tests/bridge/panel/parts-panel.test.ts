import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../helpers/wait';
import { runPlay } from '../../../bridge/cli/play';
import { openPanelBrowser, type PanelBrowser } from '../../../bridge/panel/open-browser';
import { readMidiFile } from '../../../src/midi-file/read';
import { testBrowser } from '../engine-fixtures';

const browser = testBrowser();

/** The shared until (fails on a timeout), with this file's longer default wait for a browser under load. */
const waitLong = <T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, ms = 30_000): Promise<T> => until(what, check, ms, 100);

/** `tandem play --parts drums,bass --panel`: one lane per part (issue 16 point 2). */
describe.skipIf(!browser.path)(`web panel of play --parts in real headless Chromium${browser.skip ? ` (${browser.skip})` : ''}`, () => {
  const out = mkdtempSync(join(tmpdir(), 'tandem-panel-parts-'));
  const stop = new AbortController();
  const lines: string[] = [];
  let playing: Promise<unknown>;
  let chrome: PanelBrowser;
  let page: Page;

  beforeAll(async () => {
    playing = runPlay(
      {
        clock: 'internal',
        bpm: '240',
        barsAhead: '1',
        model: 'drums',
        parts: 'drums,bass',
        chords: 'Am F C G',
        modelImpl: 'baseline',
        engine: 'node',
        latency: '0',
        out,
        panel: true,
        panelPort: '0',
      },
      (l) => lines.push(l),
      { stop: stop.signal },
    );
    playing.catch(() => undefined);
    const line = await waitLong('the panel URL line', () => lines.find((l) => l.includes('panel on http://127.0.0.1:')), 60_000);
    chrome = await openPanelBrowser(browser.path);
    page = await chrome.browser.newPage();
    await page.goto(/http:\/\/127\.0\.0\.1:\d+\//.exec(line)![0]);
  }, 120_000);

  afterAll(async () => {
    await chrome?.close();
    stop.abort();
    await playing?.catch(() => undefined);
    rmSync(out, { recursive: true, force: true });
  });

  it('draws a lane per part, each with one cell per note of its own saved .mid', async () => {
    const lanes = await waitLong('a drawn lane for drums and for bass', () =>
      page.evaluate(() => {
        const read = (part: string) => {
          const svg = document.querySelector(`.lane[data-part="${part}"] svg.roll`);
          return svg ? { ref: svg.getAttribute('data-ref')!, cells: svg.querySelectorAll('rect.note').length } : undefined;
        };
        const drums = read('drums');
        const bass = read('bass');
        return drums && bass ? { drums, bass } : undefined;
      }),
    );
    expect(lanes.drums.ref).toMatch(/-drums-ngram-/);
    expect(lanes.bass.ref).toMatch(/-bass-ngram-/);
    for (const lane of [lanes.drums, lanes.bass]) {
      const notes = readMidiFile(readFileSync(join(out, lane.ref))).sequence.notes;
      expect(notes.length).toBeGreaterThan(0);
      expect(lane.cells, lane.ref).toBe(notes.length);
    }
    // The model menu offers the parts played; chords are on (bass takes them) while drums is picked.
    expect(await page.$$eval('select[data-control="model"] option', (o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual(['drums', 'bass']);
    expect(await page.$eval('[data-control="chords"]', (e) => [(e as HTMLInputElement).disabled, (e as HTMLInputElement).value])).toEqual([false, 'Am F C G']);
    expect(await page.$eval('#engine', (e) => e.textContent)).toMatch(/^drums: .*; bass: /);
  });
});
