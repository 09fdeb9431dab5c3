import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type HTTPRequest, type Page } from 'puppeteer-core';
import { TandemError } from '../../src/errors';
import type { Sequence } from '../../src/music/sequence';
import { BrowserCrashedError, BrowserLaunchError, withTimeout, type EngineRequest, type EngineTimings } from './engine';
import { fromPageError } from './page/errors';
import { pageAssets, type PageAsset } from './page-bundle';
import { leaseProfile, pidAlive, type ProfileLease } from './profiles';
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

/** One running browser with the engine page: launch, serve, evaluate, kill. ChromiumEngine owns its life. */
export class ChromiumHost {
  readonly blocked: string[] = [];
  readonly timings: EngineTimings = { assetsMs: 0, launchMs: 0, pageReadyMs: 0, modelLoadedMs: 0 };
  version?: string;
  loaded?: PageLoadResult;
  private dead?: string;
  private deathWaiters: Array<(reason: string) => void> = [];
  private closing = false;

  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
    private readonly assets: Map<string, PageAsset>,
    private readonly profile: ProfileLease,
    private readonly opts: HostLaunchOptions,
  ) {}

  get pid(): number | undefined {
    return this.browser.process()?.pid;
  }

  /** Launches a browser with a fresh profile, opens the page and loads the model. */
  static async launch(opts: HostLaunchOptions): Promise<ChromiumHost> {
    const t0 = performance.now();
    const assets = await pageAssets(opts.modelDir);
    const assetsMs = performance.now() - t0;
    if (!existsSync(opts.executablePath)) throw new BrowserLaunchError(opts.executablePath, 'no such file');
    // Named after this process, removed on every exit path that runs JavaScript, and swept at the
    // next start when this process is killed outright (see profiles.ts).
    const profile = leaseProfile();
    const profileDir = profile.dir;
    let browser: Browser;
    try {
      browser = await puppeteer.launch({
        executablePath: opts.executablePath,
        headless: true,
        pipe: true,
        userDataDir: profileDir,
        args: chromiumArgs(opts),
        timeout: opts.launchTimeoutMs,
        // Our own deadlines bound every call; puppeteer's 180 s would cut long cpu batches.
        protocolTimeout: 24 * 3600 * 1000,
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
    } catch (err) {
      profile.release();
      throw new BrowserLaunchError(opts.executablePath, (err as Error).message);
    }
    profile.setBrowser(browser.process()?.pid);
    const host = await (async () => {
      const [page] = await browser.pages();
      const h = new ChromiumHost(browser, page ?? (await browser.newPage()), assets, profile, opts);
      h.version = await browser.version();
      return h;
    })().catch(async (err: Error) => {
      await killBrowser(browser);
      profile.release();
      throw new BrowserLaunchError(opts.executablePath, err.message);
    });
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
    this.browser.on('disconnected', () => this.die('disconnected (crashed or killed)'));
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

  /** Calls the page's API with a deadline, failing at once if the browser dies meanwhile. */
  private async call<M extends 'load' | 'generate'>(what: string, timeoutMs: number, method: M, arg: Parameters<PageApi[M]>[0]): Promise<PageCallResult<M>> {
    type Answer = PageAnswer<PageCallResult<M>>;
    const run = this.page.evaluate(
      (m: string, a: unknown) => (window as unknown as { tandem: Record<string, (a: unknown) => Promise<unknown>> }).tandem[m](a),
      method,
      arg as unknown,
    ) as Promise<Answer>;
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
   * Ends the browser and waits until its process is gone. Never throws. `polite` asks it to quit
   * first (up to 5 s); a failed browser is killed at once.
   */
  async close(polite = true): Promise<void> {
    this.closing = true;
    const pid = this.pid;
    if (polite && !this.dead) {
      await withTimeout(this.browser.close(), 5_000, 'closing the browser').catch(() => undefined);
    }
    await killBrowser(this.browser);
    if (pid) await waitGone(pid, 5_000);
    this.profile.release();
  }
}

/** SIGKILLs the browser's process group (puppeteer starts it as a group leader on POSIX), then the process. */
async function killBrowser(browser: Browser): Promise<void> {
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
