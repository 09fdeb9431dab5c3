import { InvalidValueError } from '../../src/errors';
import { MODEL_NAMES, modelSpec } from '../../src/models/registry';
import type { ModelSpec } from '../../src/models/spec';

/** `--parts drums,bass`: registry models, each once, in the order given. */
export function parseParts(text: string): ModelSpec[] {
  const names = text
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter(Boolean);
  if (!names.length) throw new InvalidValueError('parts', text, `a comma-separated list of ${MODEL_NAMES.join(', ')} (e.g. drums,bass)`);
  const specs: ModelSpec[] = [];
  for (const n of names) {
    if (!(MODEL_NAMES as readonly string[]).includes(n))
      throw new InvalidValueError('parts', n, `a comma-separated list of ${MODEL_NAMES.join(', ')} (e.g. drums,bass)`);
    if (specs.some((s) => s.name === n)) throw new InvalidValueError('parts', text, `each part once (${n} is named twice)`);
    specs.push(modelSpec(n));
  }
  return specs;
}

/**
 * `--genre` for several parts: `rock` goes to every part that knows it (the others keep their
 * default style); `drums:funk,bass:pop` names one per part. Returns the style per part given one.
 */
export function parsePartStyles(text: string | undefined, parts: readonly ModelSpec[]): Record<string, string> {
  if (text === undefined) return {};
  const out: Record<string, string> = {};
  const allowed = parts.map((p) => `${p.name}: ${p.styles.join(' ')}`).join('; ');
  if (!text.includes(':')) {
    const style = text.trim().toLowerCase();
    for (const p of parts) if (p.styles.includes(style) || (style === 'any' && p.anyStyle)) out[p.name] = style;
    if (!Object.keys(out).length)
      throw new InvalidValueError('genre', text, `a genre of one of the parts (${allowed}), or one per part as drums:funk,bass:pop`);
    return out;
  }
  for (const pair of text.split(',')) {
    const [name, style] = pair.split(':').map((x) => x.trim().toLowerCase());
    const part = parts.find((p) => p.name === name);
    if (!part || !style)
      throw new InvalidValueError(
        'genre',
        pair,
        `part:genre with a part of ${parts.map((p) => p.name).join(', ')} (e.g. ${parts[0].name}:${parts[0].defaultStyle})`,
      );
    out[part.name] = style; // checked against the part by the session controller
  }
  return out;
}
