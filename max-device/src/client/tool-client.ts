import { modelSpec } from '../../../src/models/registry';
import { seedToInt32 } from '../../../src/models/controls';
import { placeGenerated, parseToolRequest, ToolRequestError, type GenerateJob, type HumanizeJob, type ToolJob } from '../miditool/live-dicts';
import type MaxApi from 'max-api';
import { TandemClient, type MaxApiLike, type TandemClientOptions } from './client';
import { sendGenerate } from './request-book';

/** The max-api the tool client uses: the device client's, and the dictionaries. */
export type ToolMaxApi = MaxApiLike & Pick<typeof MaxApi, 'getDict' | 'setDict'>;
import type { OscIn } from './osc-link';
import type { Suggestion } from './suggestions';

/** One held answer, as the tool's js reads it from the store dict. */
export interface ToolEntry {
  key: string;
  /** Generate: the notes to add (clip beats). Humanize: per input note, its velocity and start at amount 100 %. */
  notes?: { pitch?: number; start_time: number; duration?: number; velocity: number }[];
  /** The status line while this answer is applied. */
  text?: string;
  /** Why there is no answer (shown instead; the js does not ask again for this key). */
  error?: string;
}

/** Answers kept per tool (turning a control back and forth finds the earlier answer at once). */
export const KEPT_ANSWERS = 8;

/** A job sent to the bridge, by request id. */
interface Sent {
  job: ToolJob;
  timer: NodeJS.Timeout;
}

/**
 * The node.script side of the Tandem MIDI Tools (Generate and Humanize). The tool's js asks with
 * `request <dict>` (see tandem-miditool.js); this client asks the bridge in the background, one
 * job at a time (the latest waiting one next), each request carrying all its settings (the
 * bridge's session is shared with the device), stores the answer in the js's `reply` dict (max-api setDict),
 * and sends `apply`, which the patch turns into a bang of live.miditool.in: the next apply cycle
 * finds the answer. It never sends notes to live.miditool.out itself: that would be asynchronous.
 * Finding, starting and watching the bridge is the device client's (TandemClient).
 */
export class ToolClient extends TandemClient {
  /** Answers by the reply dict they go into. */
  private readonly kept = new Map<string, ToolEntry[]>();
  private readonly sent = new Map<number, Sent>();
  private waiting: ToolJob | undefined;
  private running: ToolJob | undefined;
  /** The key the js asked for last: only its answer re-applies. */
  private latestKey = '';
  private readyOnce = false;

  constructor(
    private readonly api: ToolMaxApi,
    options: TandemClientOptions,
  ) {
    super(api, options);
    this.nextRequestId = 1_000_000; // apart from the device's own ids on a shared bridge
  }

  /** One handler: `request <dict name>` from the js (written out for `npm run check:device`). */
  override registerHandlers(): void {
    this.max.addHandler('request', (name: unknown) => void this.onRequest(name));
  }

  /** Kept answers for a reply dict (tests read them). */
  entries(reply: string): readonly ToolEntry[] {
    return this.kept.get(reply) ?? [];
  }

  private async onRequest(name: unknown): Promise<void> {
    if (typeof name !== 'string' || name === '') return this.error(`request needs the name of a dictionary, got ${JSON.stringify(name)}`);
    let job: ToolJob;
    try {
      job = parseToolRequest(await this.api.getDict(name));
    } catch (err) {
      if (err instanceof ToolRequestError) return this.error(err.message);
      return this.error(`cannot read the request dictionary ${name}: ${(err as Error).message}`);
    }
    this.latestKey = job.key;
    // Asked again for what is being made or already held: nothing to do (the js asks every cycle it waits).
    if (this.running?.key === job.key || this.entries(job.reply).some((e) => e.key === job.key)) return;
    if (job.role === 'generate') {
      const problem = styleProblem(job);
      if (problem) return this.answer(job, { key: job.key, error: problem });
    }
    this.waiting = job;
    this.next();
  }

  protected override connected(how: 'found' | 'started'): void {
    super.connected(how);
    if (this.running || this.waiting) return this.next();
    // A request sent before this script ran was dropped (Node for Max drops messages before the
    // script is ready): one apply makes the js ask again.
    if (!this.readyOnce) void this.max.outlet('apply');
    this.readyOnce = true;
  }

  /** Sends the waiting job when the bridge is there and nothing is in flight. */
  private next(): void {
    if (this.running || !this.waiting || this.phase !== 'connected') return;
    const job = this.waiting;
    this.waiting = undefined;
    this.running = job;
    const id = this.nextRequestId++;
    const timer = setTimeout(() => this.finish(id, undefined, 'the Tandem bridge did not answer within 60 s'), 60_000);
    timer.unref?.();
    this.sent.set(id, { job, timer });
    if (job.role === 'generate') this.askGenerate(id, job);
    else this.askHumanize(id, job);
  }

  private askGenerate(id: number, job: GenerateJob): void {
    // Every setting in the request itself (the bridge's session is shared with the device and
    // other tools, whose settings stay as they are), after the notes before the selection.
    const key = modelSpec(job.model).controls.includes('key') ? (job.key_name ?? '') : '';
    sendGenerate(this.link, id, { ...job, bars: job.bars + (job.primer?.bars ?? 0), key });
  }

  private askHumanize(id: number, job: HumanizeJob): void {
    const notes = job.notes.flatMap((n) => [{ i: n.pitch }, { i: n.velocity }, { f: n.startBeats }, { f: n.durationBeats }]);
    this.link.send('/tandem/humanize', { i: id }, { f: 1 }, { s: job.genre }, { i: seedToInt32(job.seed) }, ...notes);
  }

  protected override receive(m: OscIn): void {
    if (m.address === '/tandem/error' && typeof m.args[1] === 'number' && this.sent.has(m.args[1]))
      return this.finish(m.args[1], undefined, `bridge: ${String(m.args[0])}`);
    super.receive(m);
  }

  protected override expects(id: number): boolean {
    return this.sent.has(id) || super.expects(id);
  }

  protected override complete(r: Suggestion | { id: number; missing: string; seed?: number }): void {
    if (!this.sent.has(r.id)) return super.complete(r);
    if ('missing' in r) return this.finish(r.id, undefined, `${r.missing}; apply again`);
    this.finish(r.id, r);
  }

  /** A job's answer (or its failure) becomes an entry; the next job goes out. */
  private finish(id: number, r: Suggestion | undefined, failure?: string): void {
    const sent = this.sent.get(id);
    if (!sent) return;
    clearTimeout(sent.timer);
    this.sent.delete(id);
    const { job } = sent;
    this.running = undefined;
    if (failure || !r) {
      // A lost bridge is tried again on the next apply; a refused request is remembered as refused.
      if (failure?.startsWith('bridge: ')) void this.answer(job, { key: job.key, error: failure });
      else this.error(failure ?? 'no answer');
    } else if (job.role === 'generate') {
      if (job.primer && !(r.primerBeats && r.primerBeats > 0)) {
        void this.answer(job, {
          key: job.key,
          error: 'the bridge did not continue the notes before the selection (it is older than this tool: update Tandem)',
        });
        return this.next();
      }
      const notes = placeGenerated(r.notes, job, r.primerBeats ?? 0);
      const bars = job.bars;
      const cont = job.primer ? `, continuing ${job.primer.bars} bar${job.primer.bars === 1 ? '' : 's'} before` : '';
      void this.answer(job, {
        key: job.key,
        notes,
        text: `${job.model === 'drums' ? '' : `${job.model} `}${job.genre} d${job.density} #${job.seed}${job.scale ? ` in ${job.key_name}` : ''}: ${notes.length} notes in ${bars} bar${bars === 1 ? '' : 's'}${cont}`,
      });
    } else if (r.notes.length !== job.notes.length) {
      void this.answer(job, { key: job.key, error: `the bridge answered ${r.notes.length} notes for ${job.notes.length}; update Tandem` });
    } else {
      const notes = r.notes.map((n) => ({ start_time: Math.round((job.origin + n.startBeats) * 1e6) / 1e6, velocity: n.velocity }));
      void this.answer(job, { key: job.key, notes, text: `${job.genre} #${job.seed}: ${notes.length} notes humanized` });
    }
    this.next();
  }

  /** Stores the entry in the js's reply dict, then re-applies if it is what the js asked for last. */
  private async answer(job: ToolJob, entry: ToolEntry): Promise<void> {
    const list = [entry, ...this.entries(job.reply).filter((e) => e.key !== entry.key)].slice(0, KEPT_ANSWERS);
    this.kept.set(job.reply, list);
    try {
      await this.api.setDict(job.reply, { entries: list } as never);
    } catch (err) {
      return this.error(`cannot write the answer into ${job.reply}: ${(err as Error).message}`);
    }
    if (entry.error) this.error(entry.error);
    if (job.key === this.latestKey) await this.max.outlet('apply');
  }
}

/** Why a Generate job's genre does not fit its model, or undefined. */
function styleProblem(job: GenerateJob): string | undefined {
  const spec = modelSpec(job.model);
  if (job.genre === 'any' ? spec.anyStyle : spec.styles.includes(job.genre)) return undefined;
  return `${job.genre} is not a style of the ${job.model} model: pick one of ${spec.styles.join(', ')}${spec.anyStyle ? ' or any' : ''}`;
}
