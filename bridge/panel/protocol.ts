import { TandemError } from '../../src/errors';
import { CONTROLS } from '../../src/models/controls';
import { MODEL_SPECS } from '../../src/models/registry';
import { CLASS_LABELS, CLASS_TO_GM_PITCH, knownDrumPitches, drumClassOfPitch } from '../../src/music/drum-map';
import { DRUM_CHANNEL } from '../../src/music/sequence';
import { PPQ, TICKS_PER_STEP } from '../../src/time/units';
import { SESSION_CONTROLS, type SessionControl } from '../session/controller';

/**
 * What crosses the panel's WebSocket: commands from the page (checked here into typed values, as
 * the OSC address table does for datagrams) and events to it (plain JSON). The page holds no rule:
 * ranges and defaults come from the control table in the hello event, and every value is checked
 * again by the session controller.
 */

/** Largest page message accepted (bytes); ws closes a connection that sends more (code 1009). */
export const PANEL_MAX_MESSAGE_BYTES = 16 * 1024;

/** A suggestion's reference: `<session folder>/<file>.mid`, both plain names (no path). */
export const REF_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}\/[A-Za-z0-9_-][A-Za-z0-9._-]{0,159}\.mid$/;

/** A settable control: the model or one of the session's controls. */
export type PanelControl = 'model' | SessionControl;
const SETTABLE: readonly string[] = ['model', ...SESSION_CONTROLS];

/** A checked page message. */
export type PanelCommand =
  | { type: 'set'; control: PanelControl; value: string | number }
  | { type: 'follow'; on: boolean }
  | { type: 'generate' }
  | { type: 'keep'; ref: string }
  | { type: 'load'; ref: string };

export const COMMAND_TYPES = ['set', 'follow', 'generate', 'keep', 'load'] as const;

/** A page message that is not one of the commands: answered with an error event, the connection stays. */
export class PanelMessageError extends TandemError {
  constructor(readonly detail: string) {
    super(`panel message: ${detail}`);
  }
}

const show = (v: unknown): string => {
  const t = JSON.stringify(v) ?? String(v);
  return t.length > 60 ? `${t.slice(0, 60)}...` : t;
};

/** Parses one text frame from the page; throws PanelMessageError saying what was wrong and what is allowed. */
export function parsePanelMessage(text: string): PanelCommand {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new PanelMessageError(`not JSON (${show(text)}); send an object like {"type":"set","control":"density","value":0.7}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PanelMessageError(`${show(raw)} is not an object with a "type"`);
  const m = raw as Record<string, unknown>;
  const type = m.type;
  switch (type) {
    case 'set': {
      if (typeof m.control !== 'string' || !SETTABLE.includes(m.control))
        throw new PanelMessageError(`set: control must be one of ${SETTABLE.join(', ')}, got ${show(m.control)}`);
      if (!((typeof m.value === 'number' && Number.isFinite(m.value)) || typeof m.value === 'string'))
        throw new PanelMessageError(`set ${m.control}: value must be a number or a text, got ${show(m.value)}`);
      return { type, control: m.control as PanelControl, value: m.value };
    }
    case 'follow':
      if (typeof m.on !== 'boolean') throw new PanelMessageError(`follow: on must be true or false, got ${show(m.on)}`);
      return { type, on: m.on };
    case 'generate':
      return { type };
    case 'keep':
    case 'load':
      if (typeof m.ref !== 'string' || !REF_PATTERN.test(m.ref))
        throw new PanelMessageError(`${type}: ref must name a saved suggestion as "<session>/<file>.mid", got ${show(m.ref)}`);
      return { type, ref: m.ref };
    default:
      throw new PanelMessageError(`unknown type ${show(type)} (known: ${COMMAND_TYPES.join(', ')})`);
  }
}

/** A note as the page gets it: [pitch, velocity, start ticks, length ticks, channel 0-15]. */
export type PanelNote = [number, number, number, number, number];

/** One saved suggestion (notes only once loaded). */
export interface PanelItem {
  ref: string;
  session: string;
  file: string;
  /** Registry name of the part ('drums'), from the implementation id in the log. */
  part: string;
  impl: string;
  style: string;
  density: number;
  seed: number;
  bars: number;
  bpm: number;
  /** Song position (ticks) a live phrase was made for. */
  atTicks?: number;
  savedAt: string;
  kept: boolean;
  /** Whether it was saved by this run (else read from a session folder at start). */
  live: boolean;
  notes?: PanelNote[];
  totalTicks?: number;
  /** The meter the .mid is in (known once its notes are). */
  meter?: PanelMeter;
}

/** The transport as the panel shows it. */
export interface PanelTransport {
  /** 'internal' (own clock), 'midi' (followed MIDI clock) or 'host' (what an OSC client reports). */
  source: 'internal' | 'midi' | 'host';
  bpm: number;
  playing: boolean;
  /** Song position, ticks at PPQ. */
  ticks: number;
  follow: boolean;
  /** Time signature and bar length (ticks) the song position is counted in. */
  meter: PanelMeter;
}

/** A meter as the page counts bars and draws bar lines. */
export interface PanelMeter {
  numerator: number;
  denominator: number;
  barTicks: number;
}

/** The page's meter of a time signature (a 6/8 bar is 2880 ticks at PPQ 960). */
export function panelMeter(numerator: number, denominator: number): PanelMeter {
  return { numerator, denominator, barTicks: Math.round((numerator * 4 * PPQ) / denominator) };
}

/** The registry and the control table as the page reads them (menus, ranges, units, lanes). */
export function describeForPage() {
  const models = MODEL_SPECS.map((s) => ({
    name: s.name,
    description: s.description,
    styles: s.styles,
    anyStyle: s.anyStyle,
    defaultStyle: s.defaultStyle,
    controls: s.controls,
    channel: s.channel,
    drums: s.channel === DRUM_CHANNEL,
    voiceRange: s.voiceRange,
  }));
  const controls = SESSION_CONTROLS.map((n) => ({ ...CONTROLS[n], osc: CONTROLS[n].osc ?? null }));
  const drumRows = CLASS_LABELS.map((label, cls) => ({
    label,
    pitch: CLASS_TO_GM_PITCH[cls],
    pitches: knownDrumPitches().filter((p) => drumClassOfPitch(p) === cls),
  }));
  return { models, controls, drumRows, ppq: PPQ, ticksPerStep: TICKS_PER_STEP };
}

/** Events to the page. */
export type PanelEvent =
  | ({
      type: 'hello';
      mode: 'play' | 'serve';
      choosable: readonly string[];
      parts: readonly string[] | null;
      unused: Readonly<Partial<Record<PanelControl, string>>>;
      outDir: string;
      session: string;
    } & ReturnType<typeof describeForPage>)
  | { type: 'state'; settings: Record<string, unknown>; transport: PanelTransport; engine: string; saved: number }
  | { type: 'history'; items: PanelItem[] }
  | { type: 'suggestion'; item: PanelItem }
  | { type: 'notes'; ref: string; notes: PanelNote[]; totalTicks: number; meter: PanelMeter }
  | { type: 'kept'; ref: string }
  | { type: 'error'; message: string };
