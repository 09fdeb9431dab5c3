import { DRUM_GENRES, type DrumGenre } from '../../src/conditioning/genres';
import { parseDrumRequest } from '../../src/models/request';
import type { DrumModel } from '../../src/models/types';
import { gridToSequence } from '../../src/tokens/drum-grid';
import { PPQ } from '../../src/time/units';
import type { SuggestionStore } from '../storage/suggestions';
import type { ParsedMessage } from './address-space';
import type { Reply, ReplyArg } from './server';

/** Notes per /tandem/suggestion chunk (4 arguments each): keeps a datagram well under 1 KB. */
export const NOTES_PER_CHUNK = 32;

/** What the device (or any OSC client) controls, and the host transport it reported. */
export interface BridgeState {
  model: 'drums';
  genre: DrumGenre | 'any';
  density: number;
  temperature: number;
  bars: number;
  fillEvery: number;
  seed: number;
  follow: boolean;
  bpm: number;
  beat: number;
  playing: boolean;
}

export const BRIDGE_DEFAULTS: Readonly<BridgeState> = Object.freeze({ model: 'drums', genre: 'rock', density: 0.5, temperature: 1, bars: 4, fillEvery: 0, seed: 0, follow: false, bpm: 120, beat: 0, playing: false });

/**
 * Turns checked OSC messages into state changes and suggestions. Each suggestion is saved (.mid +
 * session log) before its notes are sent; /tandem/generate without a new seed uses seed+1 next time.
 */
export class BridgeController {
  readonly state: BridgeState = { ...BRIDGE_DEFAULTS };
  private suggestions = 0;

  constructor(
    private readonly model: DrumModel,
    private readonly store: SuggestionStore,
  ) {}

  async handle(msg: ParsedMessage, reply: Reply): Promise<void> {
    const [a, b, c] = msg.args;
    const s = this.state;
    switch (msg.address) {
      case '/tandem/model':
        s.model = 'drums';
        return;
      case '/tandem/genre':
        s.genre = a === 'any' ? 'any' : (DRUM_GENRES.find((g) => g === a) ?? s.genre);
        return;
      case '/tandem/density':
        s.density = a as number;
        return;
      case '/tandem/temperature':
        s.temperature = a as number;
        return;
      case '/tandem/bars':
        s.bars = a as number;
        return;
      case '/tandem/fill':
        s.fillEvery = a as number;
        return;
      case '/tandem/seed':
        s.seed = a as number;
        return;
      case '/tandem/follow':
        s.follow = a === 1;
        return;
      case '/tandem/transport':
        s.bpm = a as number;
        s.beat = b as number;
        s.playing = c === 1;
        return;
      case '/tandem/status':
        reply.send('/tandem/status', { s: s.model }, { s: s.genre }, { f: s.density }, { f: s.temperature }, { i: s.bars }, { i: s.fillEvery }, { i: s.seed }, { i: s.follow ? 1 : 0 }, { f: s.bpm }, { i: s.playing ? 1 : 0 });
        return;
      case '/tandem/ping':
        reply.send('/tandem/pong');
        return;
      case '/tandem/generate':
        return this.generate(reply);
      default: {
        const never: never = msg.address;
        throw new Error(`unhandled address ${String(never)}`);
      }
    }
  }

  private async generate(reply: Reply): Promise<void> {
    const s = this.state;
    const req = parseDrumRequest({ genre: s.genre, density: s.density, temperature: s.temperature, bars: s.bars, fillEvery: s.fillEvery, seed: s.seed, count: 1 });
    const [grid] = await this.model.generate(req);
    const seq = gridToSequence(grid, { bpm: s.bpm });
    const file = this.store.save(seq, { model: this.model.id, genre: req.genre, density: req.density, temperature: req.temperature, seed: req.seed, bars: req.bars, bpm: s.bpm, fillEvery: req.fillEvery });
    const id = ++this.suggestions;
    const chunks = Math.max(1, Math.ceil(seq.notes.length / NOTES_PER_CHUNK));
    for (let k = 0; k < chunks; k++) {
      const args: ReplyArg[] = [{ i: id }, { i: k }, { i: chunks }];
      for (const n of seq.notes.slice(k * NOTES_PER_CHUNK, (k + 1) * NOTES_PER_CHUNK)) {
        args.push({ i: n.pitch }, { i: n.velocity }, { f: n.startTicks / PPQ }, { f: n.durationTicks / PPQ });
      }
      reply.send('/tandem/suggestion', ...args);
    }
    reply.send('/tandem/suggestion/done', { i: id }, { i: seq.notes.length }, { f: seq.totalTicks / PPQ }, { s: file });
    s.seed = (s.seed + 1) % 2 ** 31;
  }
}
