import { modelSpec } from '../../src/models/registry';
import type { PartModel } from '../../src/models/spec';
import { startPart, type StartedPart, type StartPartOptions } from '../models/start-part';

/**
 * The models a long-running session (serve, play) generates with: each started on first use (in
 * Chromium or a worker thread, never on the main thread) and kept until close().
 */
export class PartPool {
  private readonly started = new Map<string, Promise<StartedPart>>();

  constructor(
    private readonly opts: Omit<StartPartOptions, 'mode'>,
    private readonly log: (line: string) => void = (l) => console.error(l),
  ) {}

  /** Starts (once) and returns the model by registry name. */
  async part(model: string): Promise<PartModel> {
    return (await this.start(model)).model;
  }

  /** Starts (once) the model by registry name; says where it runs the first time. */
  start(model: string): Promise<StartedPart> {
    const spec = modelSpec(model);
    let p = this.started.get(spec.name);
    if (!p) {
      p = startPart(spec, { ...this.opts, mode: 'live', log: this.log }).then((s) => {
        if (s.note) this.log(`tandem: ${s.note}`);
        return s;
      });
      // A model that failed to start may be asked for again (the next request retries).
      p.catch(() => this.started.delete(spec.name));
      this.started.set(spec.name, p);
    }
    return p;
  }

  /** Frees every started model (ends browsers and worker threads). */
  async close(): Promise<void> {
    const all = [...this.started.values()];
    this.started.clear();
    await Promise.allSettled(all.map(async (p) => (await p).close()));
  }
}
