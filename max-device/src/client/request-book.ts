import { seedToInt32 } from '../../../src/models/controls';
import type { ClipPrimer } from '../../../src/music/clip-primer';
import type { DeviceSettings, RequestClip } from './client-types';
import { primerMessages } from './clip-primer';
import type { OscLink } from './osc-link';

/** A request in flight, by its id (ableton-js keeps pending ids the same way). */
export interface Request {
  settings: DeviceSettings;
  /** The key asked for (melody, bass), '' for none. */
  key: string;
  /** The musician's clip this request continues (Continue). */
  clip?: RequestClip;
  write: boolean;
  retried: boolean;
}

/**
 * What one `/tandem/generate` asks for (a device's or a MIDI Tool's request): the settings it sends
 * (`bars` counts the primer's bars too), its seed, the key to play in ('' for none: the device's
 * Key menu resolved by the client) and the notes before the new ones (Continue, a tool's notes
 * before the selection), sent first under the same id.
 */
export type GenerateAsk = Pick<DeviceSettings, 'model' | 'genre' | 'density' | 'temperature' | 'bars' | 'fill'> & {
  seed: number;
  key: string;
  primer?: ClipPrimer;
};

/**
 * Sends request `id` with every setting in it (`/tandem/generate id model genre density temperature
 * bars fill seed key chords`: the bridge's session is shared with other devices and tools, whose
 * settings stay as they are), after its primer (`/tandem/primer` with the same id).
 */
export function sendGenerate(link: OscLink, id: number, a: GenerateAsk): void {
  if (a.primer) for (const args of primerMessages(id, a.primer)) link.send('/tandem/primer', ...args);
  link.send(
    '/tandem/generate',
    { i: id },
    { s: a.model },
    { s: a.genre },
    { f: a.density },
    { f: a.temperature },
    { i: a.bars },
    { i: a.fill },
    { i: seedToInt32(a.seed) },
    { s: a.key },
    { s: '' },
  );
}

/**
 * The device's requests in flight: each sent with an id of its own and every setting
 * (`/tandem/generate id model genre density temperature bars fill seed key chords`: the bridge's
 * session is shared), the clip to continue first (`/tandem/primer` with the same id); kept until
 * its answer settles it, given up after `timeoutMs` (then `expired` hears its id).
 */
export class RequestBook {
  private readonly inFlight = new Map<number, Request & { timer: NodeJS.Timeout }>();

  constructor(
    private readonly link: OscLink,
    private readonly timeoutMs: number,
    private readonly expired: (id: number) => void,
  ) {}

  /** Sends request `id` and keeps it until settled or expired. */
  send(id: number, r: Request, seed: number): void {
    sendGenerate(this.link, id, { ...r.settings, seed, key: r.key, primer: r.clip });
    const timer = setTimeout(() => {
      if (this.inFlight.delete(id)) this.expired(id);
    }, this.timeoutMs);
    timer.unref?.();
    this.inFlight.set(id, { ...r, timer });
  }

  /** Whether request `id` awaits its answer. */
  has(id: number): boolean {
    return this.inFlight.has(id);
  }

  /** Takes request `id` out of the book (its answer came, or failed): what was asked, or undefined if none is in flight. */
  settle(id: number): Request | undefined {
    const r = this.inFlight.get(id);
    if (!r) return undefined;
    clearTimeout(r.timer);
    this.inFlight.delete(id);
    const { timer: _, ...asked } = r;
    return asked;
  }

  /** Forgets every request (the client closes). */
  clear(): void {
    for (const r of this.inFlight.values()) clearTimeout(r.timer);
    this.inFlight.clear();
  }
}
