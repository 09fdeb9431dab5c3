import type { ReplyArg } from '../../../bridge/osc/codec';
import { GENRE_ITEMS, KEY_ITEMS, MODEL_ITEMS, PARAMETERS } from '../parameters';
import type { DeviceSettings } from './client-types';

/** The device's controls the patcher reports by name (Seed and the transport are the client's own). */
export type ControlName = 'model' | 'genre' | 'density' | 'temperature' | 'bars' | 'fill' | 'follow' | 'key';

/** What a control's change comes to: one line naming the value and what is allowed, or the settings changed and what to tell the bridge. */
export type ControlOutcome = { error: string } | { send?: [address: string, ...args: ReplyArg[]] };

/**
 * Checks a control's value from the patcher and keeps it in `settings`: the Model and Genre menus
 * by index or name, Density (0-100 %, kept in 0.1 % steps as the dial shows them, 0..1 for the
 * bridge), Temperature, Bars and Fill in their parameter ranges, Follow 0/1, and the Key menu
 * (0 = the Set's scale, else the keys by name; a request sends it, the session has no key of its own).
 */
export function applyControl(settings: DeviceSettings, name: ControlName, v: unknown): ControlOutcome {
  if (name === 'model' || name === 'genre') {
    const items = name === 'model' ? MODEL_ITEMS : GENRE_ITEMS;
    let item: string | undefined;
    if (typeof v === 'number' && Number.isInteger(v)) item = items[v];
    else if (typeof v === 'string') item = items.find((x) => x === v.toLowerCase());
    if (item === undefined) return { error: `${name} must be an index 0..${items.length - 1} or one of ${items.join(', ')}, got ${JSON.stringify(v)}` };
    settings[name] = item;
    return { send: [`/tandem/${name}`, { s: item }] };
  }
  if (name === 'follow') {
    if (v !== 0 && v !== 1) return { error: `follow must be 0 or 1, got ${JSON.stringify(v)}` };
    settings.follow = v === 1;
    // The patch itself opens or closes its player (and stops what sounds): no round trip through the client.
    return { send: ['/tandem/follow', { i: v }] };
  }
  if (name === 'key') {
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < KEY_ITEMS.length))
      return { error: `key must be an index 0..${KEY_ITEMS.length - 1}, got ${JSON.stringify(v)}` };
    settings.key = v === 0 ? '' : KEY_ITEMS[v];
    return {};
  }
  const spec = PARAMETERS[name];
  const unit = name === 'density' ? ' %' : '';
  if (typeof v !== 'number' || !Number.isFinite(v) || v < spec.min || v > spec.max)
    return { error: `${name} must be between ${spec.min} and ${spec.max}${unit}, got ${JSON.stringify(v)}` };
  if (spec.type === 'int' && !Number.isInteger(v)) return { error: `${name} must be a whole number, got ${v}` };
  if (name === 'density') {
    settings.density = Math.round(v * 10) / 1000;
    return { send: ['/tandem/density', { f: settings.density }] };
  }
  if (name === 'temperature') {
    settings.temperature = v;
    return { send: ['/tandem/temperature', { f: v }] };
  }
  settings[name] = v;
  return { send: [name === 'bars' ? '/tandem/bars' : '/tandem/fill', { i: v }] };
}
