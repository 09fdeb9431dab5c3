import { Option, type Command } from 'commander';
import { allowedText, CONTROLS, SEED_MAX, type ControlName, type ControlSpec } from '../../src/models/controls';
import { controlUsers, MODEL_NAMES, MODEL_SPECS } from '../../src/models/registry';

/** `<0..1>`, `<bars>`, `<text>`: the value a flag takes, from its row in the control table. */
function valueName(c: ControlSpec): string {
  if (c.name === 'style') return '<name>';
  if (c.kind === 'text') return '<text>';
  if (c.unit === '0..1') return '<0..1>';
  return c.integer ? '<n>' : '<x>';
}

/** Help text of a control: what it does, which models take it, its range and default. */
export function controlHelp(name: ControlName, defaults: Partial<Record<ControlName, string>> = {}): string {
  const c = CONTROLS[name];
  const users = controlUsers(name);
  const who = users.length === MODEL_NAMES.length ? '' : `${users.join(', ')} only; `;
  if (name === 'style') return `${c.doc} (${MODEL_SPECS.map((s) => `${s.name}: default ${s.defaultStyle}`).join('; ')})`;
  const range = c.kind === 'number' ? (c.max === SEED_MAX ? `0..2^32-1` : `${c.min}..${c.max}`) : allowedText(c);
  const dflt = defaults[name] ?? (c.default === undefined ? undefined : String(c.default));
  return `${c.doc} (${who}${range}${dflt !== undefined ? `, default ${dflt}` : ''})`;
}

/**
 * Declares a flag per control on a command, from the one table (no default values here: a value
 * left out stays undefined, so presets and the table's defaults apply in one place).
 */
export function addControlFlags(cmd: Command, names: readonly ControlName[], defaults: Partial<Record<ControlName, string>> = {}): Command {
  for (const n of names) cmd.addOption(new Option(`--${CONTROLS[n].flag} ${valueName(CONTROLS[n])}`, controlHelp(n, defaults)));
  return cmd;
}
