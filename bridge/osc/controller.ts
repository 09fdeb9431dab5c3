import { seedToInt32 } from '../../src/models/controls';
import { parseHumanizeOptions } from '../../src/models/drums/humanize';
import { DRUM_CHANNEL, type Note, type Sequence } from '../../src/music/sequence';
import { barsToTicks, PPQ } from '../../src/time/units';
import type { RequestSettings, SessionController, Suggestion } from '../session/controller';
import type { HumanizeNote, OscCommand } from './address-space';
import { PrimerStore } from './primers';
import type { Reply } from './server';
import type { ReplyArg } from './codec';

/** Notes per /tandem/suggestion chunk (4 arguments each): keeps a datagram well under 1 KB. */
export const NOTES_PER_CHUNK = 32;

/**
 * The OSC front-end of the session controller: turns checked OSC commands into the controller's
 * typed calls and renders its answers as replies. It holds no rule of its own: ranges, defaults,
 * styles and the seed policy are the controller's.
 */
export class BridgeController {
  /** Clips sent with /tandem/primer, until the /tandem/generate with their id. */
  readonly primers = new PrimerStore();

  constructor(readonly session: SessionController) {}

  async handle(msg: OscCommand, reply: Reply): Promise<void> {
    const session = this.session;
    switch (msg.address) {
      case '/tandem/model':
        session.set('model', msg.model);
        return;
      case 'control':
        // '' clears a text control; numbers and strings were typed by the address table.
        session.set(msg.control, msg.value);
        return;
      case '/tandem/follow':
        session.setTransport({ follow: msg.on });
        return;
      case '/tandem/transport':
        session.setTransport({ bpm: msg.bpm, beat: msg.beat, playing: msg.playing });
        return;
      case '/tandem/status': {
        const s = session.settings;
        const t = session.transport;
        reply.send(
          '/tandem/status',
          { s: s.model },
          { s: session.style },
          { f: s.density },
          { f: s.temperature },
          { i: s.bars },
          { i: s.fillEvery },
          { i: seedToInt32(s.seed) },
          { i: t.follow ? 1 : 0 },
          { f: t.bpm },
          { i: t.playing ? 1 : 0 },
          { s: s.key ?? '' },
          { s: s.chords ?? '' },
        );
        return;
      }
      case '/tandem/ping':
        reply.send('/tandem/pong');
        return;
      case '/tandem/primer':
        this.primers.add(reply.peer, msg);
        return;
      case '/tandem/generate':
        return this.generate(msg.id, reply, msg.settings);
      case '/tandem/humanize':
        return this.humanize(msg, reply);
      default: {
        const never: never = msg;
        throw new Error(`unhandled OSC command ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * The request (and its seed) is fixed here, on arrival, from the session's settings or the
   * request's own (all of them after the id); errors are answered with the request's id. A clip the same
   * client sent with this id (/tandem/primer) is continued.
   */
  private generate(id: number | undefined, reply: Reply, settings?: RequestSettings): Promise<void> {
    let request: Promise<Suggestion>;
    try {
      const clip = id === undefined ? undefined : this.primers.take(reply.peer, id);
      request = this.session.generate({ id, clip, settings });
    } catch (err) {
      return Promise.reject(Object.assign(err as Error, { id }));
    }
    return request.then(
      (s) => sendSuggestion(s, reply),
      (err: Error & { id?: number }) => {
        throw Object.assign(err, { id: err.id ?? id });
      },
    );
  }

  /** Humanizes the notes given; the answer keeps their order (a MIDI Tool maps them back by index). */
  private async humanize(msg: Extract<OscCommand, { address: '/tandem/humanize' }>, reply: Reply): Promise<void> {
    try {
      const options = parseHumanizeOptions({ genre: msg.genre, amount: msg.amount, seed: msg.seed });
      const clip = clipOfNotes(msg.notes);
      const h = await this.session.humanize(clip, options, { id: msg.id });
      sendNotes(h.id, h.notes, clip.totalTicks, h.file, h.seed, 'humanize', reply);
    } catch (err) {
      throw Object.assign(err as Error, { id: msg.id });
    }
  }
}

/** A drum clip from /tandem/humanize notes: channel 10, whole bars long. */
export function clipOfNotes(notes: readonly HumanizeNote[]): Sequence {
  const out: Note[] = notes.map((n) => ({
    pitch: n.pitch,
    velocity: n.velocity,
    startTicks: Math.round(n.startBeats * PPQ),
    durationTicks: Math.max(1, Math.round(n.durationBeats * PPQ)),
    channel: DRUM_CHANNEL,
  }));
  const end = Math.max(1, ...out.map((n) => n.startTicks + 1));
  const bar = barsToTicks(1);
  return { notes: out, tempos: [{ ticks: 0, bpm: 120 }], meters: [], totalTicks: Math.ceil(end / bar) * bar };
}

/** Sends a saved suggestion: its notes in chunks, then done (with the file, the seed used and the model). */
export function sendSuggestion(s: Suggestion, reply: Reply): void {
  sendNotes(s.id, s.sequence.notes, s.sequence.totalTicks, s.file, s.seed, s.model, reply, s.primerTicks);
}

/** Notes in /tandem/suggestion chunks (in the order given), then /tandem/suggestion/done (with where the new bars begin). */
export function sendNotes(
  id: number,
  notes: readonly Note[],
  totalTicks: number,
  file: string,
  seed: number,
  model: string,
  reply: Reply,
  primerTicks = 0,
): void {
  const chunks = Math.max(1, Math.ceil(notes.length / NOTES_PER_CHUNK));
  for (let k = 0; k < chunks; k++) {
    const args: ReplyArg[] = [{ i: id }, { i: k }, { i: chunks }];
    for (const n of notes.slice(k * NOTES_PER_CHUNK, (k + 1) * NOTES_PER_CHUNK)) {
      args.push({ i: n.pitch }, { i: n.velocity }, { f: n.startTicks / PPQ }, { f: n.durationTicks / PPQ });
    }
    reply.send('/tandem/suggestion', ...args);
  }
  reply.send(
    '/tandem/suggestion/done',
    { i: id },
    { i: notes.length },
    { f: totalTicks / PPQ },
    { s: file },
    { i: seedToInt32(seed) },
    { s: model },
    { f: primerTicks / PPQ },
  );
}
