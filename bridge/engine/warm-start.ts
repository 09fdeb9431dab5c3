import { InvalidValueError } from '../../src/errors';
import type { PartModel, PartRequest } from '../../src/models/spec';
import type { Sequence } from '../../src/music/sequence';
import { EngineClosedError } from './engine';

/** A model being started in the Chromium engine, and how to end it (also while it starts). */
export interface StartedEngineModel {
  model: PartModel;
  /** Resolves when the engine can generate; rejects when it cannot start. */
  ready: Promise<void>;
  /** "Chromium (wasm)": said in the switch's log line (asked once ready). */
  where(): string;
  close(): Promise<void>;
}

/** Options of {@link WarmStartPart}; every field but startEngine and parityRequest has a default. */
export interface WarmStartOptions {
  /** Starts the engine model (browser launch, backend probe or its cached result, weights). */
  startEngine: () => StartedEngineModel | Promise<StartedEngineModel>;
  /** What both engines generate to show they give the same notes before the switch. */
  parityRequest: PartRequest;
  /**
   * ms after construction when the engine starts even if no request has come; it starts at once
   * after the first finished request otherwise, so its launch never competes with the first groove.
   * Default 1500.
   */
  idleStartMs?: number;
  log?: (line: string) => void;
}

export const WARM_START_DEFAULTS = Object.freeze({ idleStartMs: 1500 });

/** Where a warm start ended: on the engine, or on the worker (with why). */
export type WarmStartOutcome = { on: 'engine' } | { on: 'worker'; why: string };

/**
 * How two runs' notes differ: undefined when every sequence has the same notes (pitch, velocity,
 * start, length, channel) and length, else a short description.
 */
export function notesDiffer(a: Sequence[], b: Sequence[]): string | undefined {
  if (a.length !== b.length) return `${a.length} vs ${b.length} sequences`;
  for (let s = 0; s < a.length; s++) {
    const x = a[s].notes;
    const y = b[s].notes;
    if (a[s].totalTicks !== b[s].totalTicks) return `length ${a[s].totalTicks} vs ${b[s].totalTicks} ticks`;
    if (x.length !== y.length) return `${x.length} vs ${y.length} notes`;
    const diff = x.filter(
      (n, i) =>
        n.pitch !== y[i].pitch ||
        n.velocity !== y[i].velocity ||
        n.startTicks !== y[i].startTicks ||
        n.durationTicks !== y[i].durationTicks ||
        n.channel !== y[i].channel,
    ).length;
    if (diff) return `${diff} of ${x.length} notes differ`;
  }
  return undefined;
}

/**
 * A live model (serve, play) that answers from the first moment on the Node worker thread and
 * moves to the Chromium engine once that is up and has given the same notes as the worker for the
 * same request and seed, so the switch cannot be heard. The browser starts after the first
 * finished request (or after `idleStartMs`), so its launch and a cold backend probe never delay
 * the first groove. If the engine cannot start, differs, or fails later, the worker (kept
 * running) carries on, said once.
 */
export class WarmStartPart implements PartModel {
  private engine?: StartedEngineModel;
  /** The engine while it starts and is checked. */
  private pending?: StartedEngineModel;
  private settled?: Promise<WarmStartOutcome>;
  private readonly idleTimer: NodeJS.Timeout;
  private closed = false;
  /** The engine was given up (it failed to start, differed, or failed later): the worker stays. */
  private stayed = false;
  private readonly log: (line: string) => void;

  constructor(
    private readonly worker: PartModel,
    private readonly opts: WarmStartOptions,
  ) {
    this.log = opts.log ?? ((l) => console.error(l));
    this.idleTimer = setTimeout(() => void this.upgrade(), opts.idleStartMs ?? WARM_START_DEFAULTS.idleStartMs);
    this.idleTimer.unref();
  }

  get id(): string {
    return this.worker.id;
  }

  /** Where it generates now, in words: the worker thread (and whether Chromium may still take over), or the engine. */
  describe(): string {
    if (this.engine) return `${this.id} in ${this.engine.where()}`;
    return `${this.id} in a Node worker thread${this.stayed ? '' : ' (the Chromium engine takes over once up and checked)'}`;
  }

  /** 'chromium' once switched, else 'node' (the worker thread). */
  get running(): 'chromium' | 'node' {
    return this.engine ? 'chromium' : 'node';
  }

  async generate(request: PartRequest): Promise<Sequence[]> {
    const engine = this.engine;
    if (!engine) {
      const out = await this.worker.generate(request);
      void this.upgrade();
      return out;
    }
    try {
      return await engine.model.generate(request);
    } catch (err) {
      // A bad request or a closed engine is not the browser's failure.
      if (err instanceof InvalidValueError || err instanceof EngineClosedError) throw err;
      if (this.engine === engine) {
        this.engine = undefined;
        this.stayed = true;
        this.log(`tandem: the Chromium engine failed (${(err as Error).message}); ${this.id} runs in the Node worker thread from now on`);
        void engine.close().catch(() => undefined);
      }
      return this.worker.generate(request);
    }
  }

  /**
   * Starts the engine (once) and switches to it when its notes match the worker's. Resolves with
   * where generation ended up; never rejects.
   */
  upgrade(): Promise<WarmStartOutcome> {
    this.settled ??= this.tryEngine().then((outcome) => {
      if (outcome.on === 'worker') this.stayed = true;
      if (outcome.on === 'worker' && !this.closed) this.log(`tandem: ${this.id} stays in the Node worker thread: ${outcome.why}`);
      return outcome;
    });
    clearTimeout(this.idleTimer);
    return this.settled;
  }

  private async tryEngine(): Promise<WarmStartOutcome> {
    if (this.closed) return { on: 'worker', why: 'closed' };
    let started: StartedEngineModel;
    try {
      started = await this.opts.startEngine();
      this.pending = started;
      await started.ready;
    } catch (err) {
      if (this.closed) return { on: 'worker', why: 'closed' };
      this.pending = undefined;
      return { on: 'worker', why: `the Chromium engine could not start (${(err as Error).message})` };
    }
    try {
      if (this.closed) throw new EngineClosedError('chromium');
      // One after the other, so the check does not slow a groove being made on the worker.
      const onWorker = await this.worker.generate(this.opts.parityRequest);
      const onEngine = await started.model.generate(this.opts.parityRequest);
      const differ = notesDiffer(onWorker, onEngine);
      if (differ) throw new Error(`the Chromium engine's notes differ from the worker's for the same seed (${differ})`);
    } catch (err) {
      this.pending = undefined;
      await started.close().catch(() => undefined);
      return { on: 'worker', why: this.closed ? 'closed' : (err as Error).message };
    }
    this.pending = undefined;
    if (this.closed) {
      await started.close().catch(() => undefined);
      return { on: 'worker', why: 'closed' };
    }
    this.engine = started;
    this.log(`tandem: ${this.id} moved to ${started.where()}: same notes as the Node worker thread for the same seed`);
    return { on: 'engine' };
  }

  dispose(): void {
    void this.close();
  }

  /** Ends the browser (if started) and the worker, and waits for both. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    // A browser still starting is ended now (its launch gives up), not waited for.
    const engines = [this.pending, this.engine];
    this.pending = this.engine = undefined;
    await Promise.all(engines.map((e) => e?.close().catch(() => undefined)));
    this.worker.dispose();
  }
}
