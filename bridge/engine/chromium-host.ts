import type { Browser, HTTPRequest, Page } from 'puppeteer-core';
import { TandemError } from '../../src/errors';
import type { Sequence } from '../../src/music/sequence';
import { BrowserCrashedError, withTimeout, type EngineRequest, type EngineTimings } from './engine';
import { fromPageError } from './page/errors';
import { pageAssets, type PageAsset } from './page-bundle';
import { leaseBrowser, type BrowserLease } from './browser-pool';
import { pidAlive } from './profiles';
import { PAGE_ORIGIN, PAGE_PATHS, sequencesFromPage, type PageAnswer, type PageApi, type PageLoadResult, type ProbeOptions } from './page/protocol';

/** How to start one browser. */
export interface HostLaunchOptions {
  executablePath: string;
  /** Network implementation to load (ModelImpl.id). */
  impl: string;
  /** Model folder served under /model/. */
  modelDir: string;
  probe: ProbeOptions;
  /** Use the SwiftShader software adapter for WebGPU (machines without a GPU). */
  softwareGpu: boolean;
  /** Chromium's sandbox; it cannot run as root, so the engine turns it off there. */
  sandbox: boolean;
  launchTimeoutMs: number;
  loadTimeoutMs: number;
  /** Called once per refused URL. */
  onBlocked: (url: string) => void;
  /** Called when the browser or page dies on its own. */
  onDeath: (reason: string) => void;
}

/**
 * Chromium flags. SwiftShader must be allowed explicitly for software WebGL; WebGPU needs the
 * unsafe flag on Linux and, without a GPU, the SwiftShader adapter (runtime-facts.md). DNS is
 * answered NOTFOUND for every host, so even the browser's own background requests cannot leave.
 */
export function chromiumArgs(o: Pick<HostLaunchOptions, 'softwareGpu' | 'sandbox'>): string[] {
  const args = [
    '--enable-unsafe-swiftshader',
    '--enable-unsafe-webgpu',
    '--enable-features=Vulkan',
    '--host-resolver-rules=MAP * ~NOTFOUND',
    '--disable-dev-shm-usage',
    '--mute-audio',
  ];
  if (o.softwareGpu) args.push('--use-webgpu-adapter=swiftshader');
  if (!o.sandbox) args.push('--no-sandbox');
  return args;
}

/** Whether the process `pid` still exists: the one check, kept with the profiles that need it too. */
export { pidAlive };

type TandemWindow = Window & { tandem?: PageApi };
type PageCallResult<M extends 'load' | 'generate'> = Awaited<ReturnType<PageApi[M]>> extends PageAnswer<infer T> ? T : never;

/**
 * One engine page in a browser shared with the other Chromium engines of this process (see
 * browser-pool.ts): launch or join, serve, evaluate, close. ChromiumEngine owns its life.
 */
export class ChromiumHost {
  readonly blocked: string[] = [];
  readonly timings: EngineTimings = { assetsMs: 0, launchMs: 0, pageReadyMs: 0, modelLoadedMs: 0 };
  loaded?: PageLoadResult;
  private dead?: string;
  private deathWaiters: Array<(reason: string) => void> = [];
  private closing = false;
  private readonly onDisconnect = () => this.die('disconnected (crashed or killed)');

  private constructor(
    private readonly lease: BrowserLease,
    private readonly assets: Map<string, PageAsset>,
    private readonly opts: HostLaunchOptions,
  ) {}

  private get browser(): Browser {
    return this.lease.browser;
  }

  private get page(): Page {
    return this.lease.page;
  }

  /** The shared browser's version string. */
  get version(): string {
    return this.lease.version;
  }

  get pid(): number | undefined {
    return this.browser.process()?.pid;
  }

  /** Opens the page in the shared browser (launching it when none runs) and loads the model. */
  static async launch(opts: HostLaunchOptions): Promise<ChromiumHost> {
    const t0 = performance.now();
    const assets = await pageAssets(opts.modelDir);
    const assetsMs = performance.now() - t0;
    const lease = await leaseBrowser({ executablePath: opts.executablePath, args: chromiumArgs(opts), launchTimeoutMs: opts.launchTimeoutMs });
    const host = new ChromiumHost(lease, assets, opts);
    host.timings.assetsMs = assetsMs;
    host.timings.launchMs = performance.now() - t0;
    try {
      await withTimeout(host.openPage(), opts.launchTimeoutMs, 'opening the engine page');
      host.timings.pageReadyMs = performance.now() - t0;
      host.loaded = await host.call('loading the model', opts.loadTimeoutMs, 'load', { ...opts.probe, impl: opts.impl });
      host.timings.modelLoadedMs = performance.now() - t0;
    } catch (err) {
      await host.close();
      throw err;
    }
    return host;
  }

  private async openPage(): Promise<void> {
    this.browser.on('disconnected', this.onDisconnect);
    this.page.on('error', (err) => this.die(`page crashed: ${err.message}`));
    await this.page.setRequestInterception(true);
    this.page.on('request', (req) => void this.answer(req));
    await this.page.goto(PAGE_ORIGIN + PAGE_PATHS.html, { waitUntil: 'load' });
    await this.page.waitForFunction(() => (window as TandemWindow).tandem !== undefined, { polling: 50 });
  }

  /** Serves our files from memory; refuses, records and reports everything else. */
  private async answer(req: HTTPRequest): Promise<void> {
    const url = req.url();
    try {
      if (url.startsWith(PAGE_ORIGIN + '/')) {
        const asset = this.assets.get(new URL(url).pathname);
        if (asset) return await req.respond({ status: 200, body: asset.body, contentType: asset.contentType, headers: { 'cache-control': 'no-store' } });
        return await req.respond({ status: 404, body: 'not served', contentType: 'text/plain' });
      }
      this.blocked.push(url);
      this.opts.onBlocked(url);
      await req.abort('blockedbyclient');
    } catch {
      // The request went away with its page or browser (crash, close): nothing to answer.
    }
  }

  private die(reason: string): void {
    if (this.dead) return;
    this.dead = reason;
    for (const w of this.deathWaiters.splice(0)) w(reason);
    if (!this.closing) this.opts.onDeath(reason);
  }

  /** Settles when the browser or page dies. */
  private death(): Promise<never> {
    return new Promise((_, reject) => {
      const fail = (reason: string) => reject(new BrowserCrashedError(this.pid, reason));
      if (this.dead) fail(this.dead);
      else this.deathWaiters.push(fail);
    });
  }

  /**
   * Calls the page's API with a deadline, failing at once if the browser dies meanwhile. A
   * generation's answer comes back as one JSON string, parsed here: the DevTools protocol's own
   * by-value transfer of 16 variations' notes (thousands of small objects) cost the browser 25-35
   * ms CPU more a request than JSON.stringify in the page and JSON.parse here (measured, load 8-9).
   * Notes are plain JSON data, and sequencesFromPage checks what arrives; a load's answer (with
   * probe figures that may be Infinity, which JSON cannot carry) comes by value as before.
   */
  private async call<M extends 'load' | 'generate'>(what: string, timeoutMs: number, method: M, arg: Parameters<PageApi[M]>[0]): Promise<PageCallResult<M>> {
    type Answer = PageAnswer<PageCallResult<M>>;
    const run = (
      this.page.evaluate(
        async (m: string, a: unknown, asJson: boolean) => {
          const answer = await (window as unknown as { tandem: Record<string, (a: unknown) => Promise<unknown>> }).tandem[m](a);
          return asJson ? JSON.stringify(answer) : answer;
        },
        method,
        arg as unknown,
        method === 'generate',
      ) as Promise<Answer | string>
    ).then((a) => (typeof a === 'string' ? (JSON.parse(a) as Answer) : a));
    run.catch(() => undefined); // may reject after the race is decided (killed on timeout)
    const died = this.death();
    died.catch(() => undefined);
    let answer: Answer;
    try {
      answer = await withTimeout(Promise.race([run, died]), timeoutMs, what);
    } catch (err) {
      if (this.dead) throw new BrowserCrashedError(this.pid, this.dead);
      if (err instanceof TandemError) throw err;
      throw new BrowserCrashedError(this.pid, `stopped answering while ${what}: ${(err as Error).message}`);
    }
    if (answer.ok) return answer.value;
    throw fromPageError(answer.error);
  }

  /** Loads the model again in the running page with other probe options (e.g. another forced backend). */
  async reload(probe: ProbeOptions): Promise<PageLoadResult> {
    if (this.dead) throw new BrowserCrashedError(this.pid, this.dead);
    this.loaded = await this.call('loading the model', this.opts.loadTimeoutMs, 'load', { ...probe, impl: this.opts.impl });
    return this.loaded;
  }

  /** Generates in the page; `timeoutMs` bounds the whole round trip. */
  async generate(req: EngineRequest, timeoutMs: number): Promise<Sequence[]> {
    if (this.dead) throw new BrowserCrashedError(this.pid, this.dead);
    return sequencesFromPage(await this.call('generating', timeoutMs, 'generate', req), req.count);
  }

  /** Makes the page fetch `url` (a diagnostic for the network block): 'loaded ...' or 'refused: ...'. */
  tryFetch(url: string, timeoutMs = 10_000): Promise<string> {
    return withTimeout(
      this.page.evaluate((u: string) => (window as TandemWindow).tandem!.tryFetch(u), url),
      timeoutMs,
      `fetching ${url} from the page`,
    );
  }

  /** Round trip of an empty call through the page (ms), for benches. */
  async ping(): Promise<number> {
    const t0 = performance.now();
    await this.page.evaluate(() => 0);
    return performance.now() - t0;
  }

  /**
   * Closes the page; the last page of the browser ends it and waits until its process is gone.
   * Never throws. `polite` asks the browser to quit first (up to 5 s); a failed page that will
   * not close takes its browser down (see BrowserLease.release).
   */
  async close(polite = true): Promise<void> {
    this.closing = true;
    this.browser.off('disconnected', this.onDisconnect);
    await this.lease.release(polite && !this.dead);
  }
}
