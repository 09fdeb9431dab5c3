import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../helpers/wait';
import NodeWebSocket from 'ws';
import { runPlay } from '../../../bridge/cli/play';
import { openPanelBrowser, type PanelBrowser } from '../../../bridge/panel/open-browser';
import { SuggestionStore } from '../../../bridge/storage/suggestions';
import { readMidiFile } from '../../../src/midi-file/read';
import { makeSequence } from '../../../src/music/sequence';
import { testBrowser } from '../engine-fixtures';

const browser = testBrowser();
const PAST = 'past-session';

type LogLine = { file: string; density: number; kept?: boolean; seed: number };
const readLog = (dir: string): LogLine[] =>
  readFileSync(join(dir, 'session.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LogLine);

/** The shared until (fails on a timeout), with this file's longer default wait for a browser under load. */
const waitLong = <T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, ms = 20_000): Promise<T> => until(what, check, ms, 100);

/** A raw HTTP GET with the headers given (a DNS-rebinding page sends its own Host). */
function get(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a WebSocket from Node with the Origin given; resolves 'open' or the refusal's HTTP status. */
function tryWebSocket(url: string, origin: string | undefined): Promise<{ open: true; ws: NodeWebSocket } | { open: false; status: number }> {
  return new Promise((resolve) => {
    const ws = new NodeWebSocket(url, origin === undefined ? {} : { origin });
    ws.on('open', () => resolve({ open: true, ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ open: false, status: res.statusCode ?? 0 }));
    ws.on('error', () => resolve({ open: false, status: 0 }));
  });
}

describe.skipIf(!browser.path)(`web panel of tandem play in real headless Chromium${browser.skip ? ` (${browser.skip})` : ''}`, () => {
  const out = mkdtempSync(join(tmpdir(), 'tandem-panel-'));
  const downloads = mkdtempSync(join(tmpdir(), 'tandem-panel-dl-'));
  const lines: string[] = [];
  const stop = new AbortController();
  let playing: Promise<unknown>;
  let chrome: PanelBrowser;
  let page: Page;
  let url = '';
  let port = 0;
  let dir = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // What an earlier run left: the panel lists it after a restart, and can keep it.
    new SuggestionStore(out, PAST, { log: () => undefined }).save(
      makeSequence(
        [
          { pitch: 36, velocity: 100, startTicks: 0, durationTicks: 120, channel: 9 },
          { pitch: 38, velocity: 90, startTicks: 960, durationTicks: 120, channel: 9 },
        ],
        { totalTicks: 3840 },
      ),
      { model: 'drums-gru', genre: 'funk', density: 0.3, temperature: 1, seed: 7, bars: 1, bpm: 120 },
    );
    playing = runPlay(
      {
        clock: 'internal',
        bpm: '240',
        barsAhead: '1',
        model: 'drums',
        modelImpl: 'baseline',
        engine: 'node',
        latency: '0',
        out,
        panel: true,
        panelPort: '0',
        duration: '5m',
      },
      (l) => lines.push(l),
      { stop: stop.signal },
    );
    playing.catch(() => undefined);
    const line = await waitLong('the panel URL line', () => lines.find((l) => l.includes('panel on http://127.0.0.1:')), 60_000);
    url = /http:\/\/127\.0\.0\.1:\d+\//.exec(line)![0];
    port = Number(new URL(url).port);
    dir = join(
      out,
      readdirSync(out).find((d) => d !== PAST)!,
    );
    chrome = await openPanelBrowser(browser.path);
    page = await chrome.browser.newPage();
    page.on('pageerror', (e) => pageErrors.push((e as Error).message));
    await page.setViewport({ width: 1100, height: 720 });
    await page.goto(url);
  }, 120_000);

  afterAll(async () => {
    await chrome?.close();
    stop.abort();
    await playing?.catch(() => undefined);
    rmSync(out, { recursive: true, force: true });
    rmSync(downloads, { recursive: true, force: true });
  });

  it('shows the clock, tempo, engine and a transport that runs, with a moving playhead on the drum lane', async () => {
    await waitLong('the engine line', async () => (await page.$eval('#engine', (e) => e.textContent)) !== '–' || undefined);
    expect(await page.$eval('#clock', (e) => e.textContent)).toBe('internal');
    expect(await page.$eval('#tempo', (e) => e.textContent)).toBe('240 BPM');
    expect(await page.$eval('#engine', (e) => e.textContent)).toMatch(/drums-ngram/);
    await waitLong('a playing transport', async () => /^playing \d+:\d$/.test((await page.$eval('#transport', (e) => e.textContent)) ?? ''));
    expect(await page.$eval('#transport', (e) => (e as HTMLElement).title)).toBe('4/4');
    await page.waitForSelector('.lane[data-part="drums"] line.playhead[visibility="visible"]', { timeout: 20_000 });
    const x1 = await page.$eval('.lane line.playhead', (e) => Number(e.getAttribute('x1')));
    await new Promise((r) => setTimeout(r, 300));
    const x2 = await page.$eval('.lane line.playhead', (e) => Number(e.getAttribute('x1')));
    expect(x2).not.toBe(x1);
    // Every control of the OSC API that the model takes is there, from the control table.
    for (const c of ['model', 'style', 'density', 'bars', 'temperature', 'seed', 'fillEvery', 'key', 'chords'])
      expect(await page.$(`[data-control="${c}"]`), c).not.toBeNull();
    expect(await page.$eval('[data-control="key"]', (e) => (e as HTMLInputElement).disabled)).toBe(true); // drums take no key
    // A live phrase has its own length: the bars control says so instead of doing nothing.
    expect(await page.$eval('[data-control="bars"]', (e) => [(e as HTMLInputElement).disabled, e.closest('label')!.title])).toEqual([
      true,
      'not used here: a live phrase is 2 bars (played 1 bar(s) ahead)',
    ]);
  });

  it('draws the current suggestion with one cell per note of its saved .mid', async () => {
    const drawn = await waitLong('a drawn suggestion', () =>
      page.evaluate(() => {
        const svg = document.querySelector('.lane svg.roll');
        if (!svg) return undefined;
        return { ref: svg.getAttribute('data-ref')!, pitches: [...svg.querySelectorAll('rect.note')].map((r) => Number(r.getAttribute('data-pitch'))) };
      }),
    );
    const seq = readMidiFile(readFileSync(join(out, drawn.ref))).sequence;
    expect(seq.notes.length).toBeGreaterThan(0);
    expect(drawn.pitches.length).toBe(seq.notes.length);
    expect([...drawn.pitches].sort()).toEqual(seq.notes.map((n) => n.pitch).sort());
  });

  it('changes density in the running session: the next phrases are saved with it', async () => {
    await page.$eval('input[data-control="density"]', (e) => {
      const input = e as HTMLInputElement;
      input.value = '0.9';
      input.dispatchEvent(new Event('change'));
    });
    const line = await waitLong('a phrase saved at density 0.9', () => readLog(dir).find((l) => l.density === 0.9));
    expect(line.file).toMatch(/-d0\.9-/);
    await waitLong(
      'the page showing the session density',
      async () => (await page.$eval('input[data-control="density"]', (e) => (e as HTMLInputElement).value)) === '0.9',
    );
  });

  it('shows a bad value as a visible error and keeps the session as it was', async () => {
    const before = readLog(dir).length;
    await page.$eval('input[data-control="density"]', (e) => {
      const input = e as HTMLInputElement;
      input.value = '7';
      input.dispatchEvent(new Event('change'));
    });
    await page.waitForSelector('#error:not([hidden])', { timeout: 10_000 });
    expect(await page.$eval('#error', (e) => e.textContent)).toMatch(/density must be between 0 and 1, got 7/);
    await waitLong(
      'the page showing the density the session holds',
      async () => (await page.$eval('input[data-control="density"]', (e) => (e as HTMLInputElement).value)) === '0.9',
    );
    const next = await waitLong('two more phrases', () => readLog(dir).length >= before + 2 && readLog(dir).slice(before));
    expect(next.every((l) => l.density === 0.9)).toBe(true);
  });

  it('lists the earlier session, opens, auditions and keeps a suggestion of it (marked in its log)', async () => {
    const ref = `${PAST}/0001-drums-gru-funk-d0.3-s7.mid`;
    await page.waitForSelector(`#history li[data-ref="${ref}"]`, { timeout: 10_000 });
    await page.click(`#history li[data-ref="${ref}"] button`);
    await page.waitForSelector(`#selected svg.roll[data-ref="${ref}"]`, { timeout: 10_000 });
    expect(await page.$$eval('#selected rect.note', (r) => r.length)).toBe(2);
    await page.click('#audition');
    expect(await page.$eval('#selected', (e) => (e as HTMLElement).dataset.voices)).toBe('2');
    await page.click('#keep');
    await waitLong('the kept mark in the old log', () => readLog(join(out, PAST))[0].kept === true);
    await page.waitForSelector(`#history li[data-ref="${ref}"] .kept:not(:empty)`, { timeout: 10_000 });
  });

  it('plays along in the page when asked: the notes under the playhead are handed to Web Audio ahead of time', async () => {
    await page.click('#listen');
    const voices = () => page.$eval('#listen', (e) => Number((e as HTMLElement).dataset.voices ?? 0));
    const first = await waitLong('notes played in the page', async () => (await voices()) > 0 && (await voices()));
    await waitLong('more notes as the song goes on', async () => (await voices()) > first);
    await page.click('#listen');
  });

  it('downloads a .mid (parsed: the saved file) and offers it as DownloadURL drag data', async () => {
    const first = readLog(dir)[0];
    const ref = `${dir.split('/').pop()}/${first.file}`;
    await page.click(`#history li[data-ref="${ref}"] button`);
    await page.waitForSelector(`#selected svg.roll[data-ref="${ref}"]`, { timeout: 10_000 });
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    await page.click('#download');
    const got = await waitLong('the downloaded file', () => readdirSync(downloads).find((f) => f === first.file));
    const bytes = readFileSync(join(downloads, got));
    expect(bytes.equals(readFileSync(join(dir, first.file)))).toBe(true);
    expect(readMidiFile(bytes).sequence.notes.length).toBeGreaterThan(0);
    await page.click('#keep');
    await waitLong('the kept mark in this session log', () => readLog(dir)[0].kept === true);
    // Drag out: Chromium saves the file a DownloadURL ("mime:name:url") names where it is dropped.
    const data = await page.$eval('#drag', (e) => {
      const dt = new DataTransfer();
      e.dispatchEvent(new DragEvent('dragstart', { dataTransfer: dt, bubbles: true }));
      return dt.getData('DownloadURL');
    });
    const m = /^audio\/midi:([^:]+):(http:\/\/127\.0\.0\.1:\d+\/mid\/.+)$/.exec(data);
    expect(m, data).not.toBeNull();
    expect(m![1]).toBe(first.file);
    const res = await get(port, new URL(m![2]).pathname, { host: `127.0.0.1:${port}` });
    expect(res.status).toBe(200);
    expect(res.body.equals(bytes)).toBe(true);
  });

  it('answers malformed WebSocket messages with errors and keeps serving', async () => {
    const replies = await page.evaluate(async () => {
      const ws = new WebSocket(`ws://${location.host}/ws`);
      const errors: string[] = [];
      await new Promise((r) => (ws.onopen = r));
      ws.onmessage = (e) => {
        const ev = JSON.parse(e.data as string) as { type: string; message?: string };
        if (ev.type === 'error') errors.push(ev.message!);
      };
      for (const bad of [
        '{not json',
        '[1,2]',
        '{"type":"nope"}',
        '{"type":"set","control":"density","value":"lots"}',
        '{"type":"set","control":"style","value":"polka"}',
        '{"type":"set","control":"model","value":"melody"}',
        '{"type":"keep","ref":"../../etc/passwd"}',
        '{"type":"generate"}',
      ])
        ws.send(bad);
      ws.send(new Uint8Array([1, 2, 3]));
      const t0 = Date.now();
      // In the browser page (no test helpers there): wait up to 10 s; the count is asserted below.
      while (errors.length < 9 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50)); // in the browser page
      ws.send('{"type":"set","control":"seed","value":123456}');
      await new Promise((r) => setTimeout(r, 300));
      ws.close();
      return errors;
    });
    // One error per bad message (checks that finish later answer later, so the order may differ).
    expect(replies).toHaveLength(9);
    for (const want of [
      /not JSON/,
      /is not an object/,
      /unknown type "nope"/,
      /density must be between 0 and 1, got "lots"/,
      /genre must be one of .*rock/,
      /this session plays one model/,
      /ref must name a saved suggestion/,
      /generates ahead of the playhead by itself/,
      /binary frames/,
    ]) {
      expect(
        replies.filter((r) => want.test(r)),
        String(want),
      ).toHaveLength(1);
    }
    // The good message after them took effect: the next phrases count on from the new seed.
    await waitLong('a phrase at seed 123456 or after', () => readLog(dir).some((l) => l.seed >= 123456));
    expect(pageErrors).toEqual([]);
  });

  it('refuses a foreign Origin, a missing Origin, a rebinding Host and an oversized message', async () => {
    const wsUrl = `ws://127.0.0.1:${port}/ws`;
    expect(await tryWebSocket(wsUrl, 'http://evil.example')).toEqual({ open: false, status: 403 });
    expect(await tryWebSocket(wsUrl, `http://127.0.0.1:${port + 1}`)).toEqual({ open: false, status: 403 });
    expect(await tryWebSocket(wsUrl, undefined)).toEqual({ open: false, status: 403 });
    expect((await get(port, '/', { host: `evil.example:${port}` })).status).toBe(403);
    expect((await get(port, '/', { host: `127.0.0.1:${port}` })).status).toBe(200);
    const ok = await tryWebSocket(wsUrl, `http://127.0.0.1:${port}`);
    expect(ok.open).toBe(true);
    if (!ok.open) return;
    const closed = new Promise<number>((r) => ok.ws.on('close', (code) => r(code)));
    ok.ws.send('x'.repeat(64 * 1024));
    expect(await closed).toBe(1009); // that connection only: the page's goes on
    const before = readLog(dir).length;
    await waitLong('the session still saving phrases', () => readLog(dir).length > before);
    expect(await page.$eval('#conn', (e) => e.textContent)).toBe('connected');
  });
});
