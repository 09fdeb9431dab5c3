import { modelSpec } from '../../../src/models/registry';
import { setScale } from '../miditool/live-dicts';
import { fitMeter, meterName, modelMeter, readMeter, type Meter } from './meter';

/** What the Live Set tells a device about its harmony and bars: the scale's key and the time signature. */
export interface LiveSetLines {
  /** A line for the status bar and the Max window (a meter note). */
  say(text: string): void;
  /** A line for the Max window only. */
  log(text: string): void;
  /** A bad message from the Live reader. */
  error(text: string): void;
}

/**
 * The Live Set as the device follows it (sent by the Live reader, tandem-live-reader.js): the key
 * of its scale while Scale Mode is on, and its time signature, with the notes the device shows
 * about them once a session each.
 */
export class LiveSetContext {
  /** The key of the Set's scale while its Scale Mode is on (Song.root_note, scale_intervals, scale_mode). */
  key: string | undefined;
  /** The Set's time signature (Song.signature_numerator / signature_denominator), once the Live reader sent it. */
  meter: Meter | undefined;
  /** The line about a Live without Song.scale_mode was posted (once a session). */
  private scaleModeSaid = false;
  /** Meter mismatches already shown (`3/4 4/4`: the Set's, the model's), each once a session. */
  private readonly meterSaid = new Set<string>();
  /** The status line shows a line about the meter (the client clears it when it shows another). */
  meterNoteShown = false;

  constructor(private readonly lines: LiveSetLines) {}

  /** `scale <mode 1|0|-1> <root 0-11> <interval>...`: the Set's key while Scale Mode is on. */
  onScale(v: unknown[]): void {
    const [mode, root, ...intervals] = v;
    try {
      this.key = setScale({ scale_mode: mode === 1 ? 1 : 0, root_note: root as number, scale_intervals: intervals as number[] })?.key;
    } catch (err) {
      this.key = undefined;
      return this.lines.error(`the Set's scale: ${(err as Error).message}`);
    }
    // Said once a session: the reader sends a line at every scale change (issue 11 follow-up).
    if (mode === -1 && !this.scaleModeSaid) {
      this.scaleModeSaid = true;
      this.lines.log('this Live has no Song.scale_mode (Live 12.1+): melody and bass use the Key menu');
    }
  }

  /** `meter <numerator> <denominator>`: the Set's time signature, now and on every change (playing or not). */
  onMeter(v: unknown[], model: string, genre: string): void {
    const m = readMeter(v);
    if ('problem' in m) return this.lines.error(m.problem);
    this.meter = m;
    this.sayMeter(model, genre);
  }

  /**
   * Where the model's style does not play the Set's meter, says so on the status line, once a
   * session for each pair of meters (the next suggestion's line carries a short reminder). When
   * the line shown is such a note and the meters now fit (a change passes through a meter on the
   * way: 3/4 to 6/8 notifies 6/4 first), it says they fit instead of leaving a stale note.
   */
  sayMeter(model: string, genre: string): void {
    const set = this.meter;
    if (!set) return;
    const fit = fitMeter(set, model, genre);
    const own = meterName(modelMeter(model, genre));
    if (fit.fits || !fit.note) {
      if (this.meterNoteShown) this.sayLine(`Live's time signature is ${meterName(set)}: ${model} ${genre} plays ${own} bars, in step with the Set's`);
      return;
    }
    const key = `${meterName(set)} ${own}`;
    if (this.meterSaid.has(key)) return;
    this.meterSaid.add(key);
    this.sayLine(fit.note);
  }

  private sayLine(text: string): void {
    this.lines.say(text);
    this.meterNoteShown = true;
  }

  /** The key a request for `model` asks for: the Key menu's (`menuKey`), else the Set's scale's, else none (the style's usual keys). */
  keyFor(model: string, menuKey: string): string {
    if (!modelSpec(model).controls.includes('key')) return '';
    return menuKey || this.key || '';
  }
}
