import { seedToInt32 } from '../../src/models/controls';
import { PPQ } from '../../src/time/units';
import type { SessionController, Suggestion } from '../session/controller';
import type { OscCommand } from './address-space';
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
        reply.send('/tandem/status', { s: s.model }, { s: session.style }, { f: s.density }, { f: s.temperature }, { i: s.bars }, { i: s.fillEvery }, { i: seedToInt32(s.seed) }, { i: t.follow ? 1 : 0 }, { f: t.bpm }, { i: t.playing ? 1 : 0 }, { s: s.key ?? '' }, { s: s.chords ?? '' });
        return;
      }
      case '/tandem/ping':
        reply.send('/tandem/pong');
        return;
      case '/tandem/generate':
        return this.generate(msg.id, reply);
      default: {
        const never: never = msg;
        throw new Error(`unhandled OSC command ${JSON.stringify(never)}`);
      }
    }
  }

  /** The request (and its seed) is fixed here, on arrival; errors are answered with the request's id. */
  private generate(id: number | undefined, reply: Reply): Promise<void> {
    let request: Promise<Suggestion>;
    try {
      request = this.session.generate({ id });
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
}

/** Sends a saved suggestion: its notes in chunks, then done (with the file, the seed used and the model). */
export function sendSuggestion(s: Suggestion, reply: Reply): void {
  const notes = s.sequence.notes;
  const chunks = Math.max(1, Math.ceil(notes.length / NOTES_PER_CHUNK));
  for (let k = 0; k < chunks; k++) {
    const args: ReplyArg[] = [{ i: s.id }, { i: k }, { i: chunks }];
    for (const n of notes.slice(k * NOTES_PER_CHUNK, (k + 1) * NOTES_PER_CHUNK)) {
      args.push({ i: n.pitch }, { i: n.velocity }, { f: n.startTicks / PPQ }, { f: n.durationTicks / PPQ });
    }
    reply.send('/tandem/suggestion', ...args);
  }
  reply.send('/tandem/suggestion/done', { i: s.id }, { i: notes.length }, { f: s.sequence.totalTicks / PPQ }, { s: s.file }, { i: seedToInt32(s.seed) }, { s: s.model });
}
