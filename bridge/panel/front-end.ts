import { InvalidValueError, TandemError } from '../../src/errors';
import { modelSpec } from '../../src/models/registry';
import type { SessionController } from '../session/controller';
import type { SuggestionStore } from '../storage/suggestions';
import type { PanelHistory } from './history';
import type { PanelCommand, PanelControl, PanelEvent, PanelTransport } from './protocol';

/** What the command that runs the session (play, serve) lends the panel. */
export interface PanelHost {
  mode: 'play' | 'serve';
  /** The one session controller: the panel changes the session only through it. */
  session: SessionController;
  /** Where the session saves (the panel lists, serves and marks its files). */
  store: SuggestionStore;
  /** Models the panel may switch to (play: the parts it plays; the menu then picks which part's genre is set). */
  models: readonly string[];
  /** The parts a live session plays (play), so the page offers every control one of them takes. */
  parts?: readonly string[];
  /** Controls this session does not use, with why (play: bars, as a phrase is always the live session's length). */
  unused?: Readonly<Partial<Record<PanelControl, string>>>;
  /** "drums-gru in Chromium (wasm)". */
  engine(): string;
  transport(): PanelTransport;
  /**
   * Applies a control change (play: the live session's setControls, which sets it through the
   * controller). Default: the controller's set.
   */
  set?(control: PanelControl, value: string | number): void;
  /** Makes one suggestion now (serve, as /tandem/generate); absent where the session generates by itself. */
  generate?(): Promise<unknown>;
}

/** A command the session cannot take in this mode (generate in play, follow in play). */
export class PanelUnsupportedError extends TandemError {
  constructor(
    readonly command: string,
    why: string,
  ) {
    super(`${command}: ${why}`);
  }
}

/**
 * The panel's front-end of the session controller, as BridgeController is OSC's: it turns checked
 * page commands into the controller's calls and answers with events. It holds no rule of its own
 * (ranges, styles, seeds are the controller's); what it adds is which commands a mode offers.
 */
export class PanelFrontEnd {
  constructor(
    readonly host: PanelHost,
    readonly history: PanelHistory,
  ) {}

  /** Handles one command; returns the events for the sender (state changes are pushed to all by the server). */
  async handle(cmd: PanelCommand): Promise<PanelEvent[]> {
    const h = this.host;
    switch (cmd.type) {
      case 'set': {
        if (cmd.control === 'model') {
          const name = modelSpec(cmd.value).name;
          if (!h.models.includes(name))
            throw new InvalidValueError(
              'model',
              cmd.value,
              `${h.models.join(', ')}: this session plays ${h.models.length > 1 ? 'these parts' : 'one model'} (restart with --model or --parts)`,
            );
        }
        if (h.set) h.set(cmd.control, cmd.value);
        else h.session.set(cmd.control, cmd.value);
        return [];
      }
      case 'follow':
        if (h.mode !== 'serve') throw new PanelUnsupportedError('follow', 'play follows a clock when started with --clock midi');
        h.session.setTransport({ follow: cmd.on });
        return [];
      case 'generate':
        if (!h.generate) throw new PanelUnsupportedError('generate', 'a playing session generates ahead of the playhead by itself');
        await h.generate(); // the store's save event draws it
        return [];
      case 'keep':
        this.history.keep(cmd.ref);
        return [{ type: 'kept', ref: cmd.ref }];
      case 'load':
        return [{ type: 'notes', ref: cmd.ref, ...this.history.notes(cmd.ref) }];
      default: {
        const never: never = cmd;
        throw new TandemError(`unhandled panel command ${JSON.stringify(never)}`);
      }
    }
  }

  /** The state event: settings, transport, engine. */
  state(): PanelEvent {
    const s = this.host.session.settings;
    const { styles: _styles, ...rest } = s;
    return {
      type: 'state',
      settings: { ...rest, style: this.host.session.style },
      transport: this.host.transport(),
      engine: this.host.engine(),
      saved: this.host.store.saved,
    };
  }
}
