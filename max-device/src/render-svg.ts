import { DEVICE_HEIGHT as DEVICE_H } from './patcher/builder';
import type { Box, Patcher } from './patcher/types';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const C = { bg: '#3b3b3b', panel: '#2f2f2f', text: '#e6e6e6', dim: '#9a9a9a', accent: '#f5a623', field: '#1e1e1e', line: '#5a5a5a' };

/** The value a parameter shows at its default, as Live would print it. */
function defaultLabel(b: Box): string {
  const v = b.saved_attribute_attributes?.valueof;
  if (!v) return '';
  const initial = v.parameter_initial?.[0] ?? 0;
  if (v.parameter_type === 2) return v.parameter_enum?.[initial] ?? '';
  if (v.parameter_unitstyle === 5) return `${initial} %`;
  return v.parameter_type === 1 || v.parameter_unitstyle === 0 ? String(Math.round(initial)) : initial.toFixed(2);
}

function dial(b: Box, [x, y, w, h]: number[]): string {
  const v = b.saved_attribute_attributes!.valueof!;
  const cx = x + w / 2;
  const cy = y + h / 2 + 1;
  const r = Math.min(w, h) / 2 - 9;
  const lo = v.parameter_mmin ?? 0;
  const hi = v.parameter_mmax ?? 1;
  const frac = ((v.parameter_initial?.[0] ?? lo) - lo) / (hi - lo || 1);
  const a0 = (135 * Math.PI) / 180;
  const a = a0 + frac * ((270 * Math.PI) / 180);
  const pt = (ang: number) => `${(cx + r * Math.cos(ang)).toFixed(1)} ${(cy + r * Math.sin(ang)).toFixed(1)}`;
  const arc = (from: number, to: number, color: string) =>
    `<path d="M ${pt(from)} A ${r} ${r} 0 ${to - from > Math.PI ? 1 : 0} 1 ${pt(to)}" stroke="${color}" stroke-width="3" fill="none"/>`;
  return [
    `<text x="${cx}" y="${y + 8}" fill="${C.text}" font-size="9" text-anchor="middle">${esc(v.parameter_shortname)}</text>`,
    arc(a0, a0 + (270 * Math.PI) / 180 - 0.001, C.line),
    frac > 0 ? arc(a0, a, C.accent) : '',
    `<line x1="${cx}" y1="${cy}" x2="${pt(a).split(' ')[0]}" y2="${pt(a).split(' ')[1]}" stroke="${C.text}" stroke-width="1.5"/>`,
    `<text x="${cx}" y="${y + h - 1}" fill="${C.text}" font-size="9" text-anchor="middle">${esc(defaultLabel(b))}</text>`,
  ].join('');
}

/** Words in lines that fit `width` px at 10 px Arial (about 5.2 px a character), as Max wraps a comment. */
function wrap(text: string, width: number): string[] {
  const per = Math.max(8, Math.floor(width / 5.2));
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= per) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

function boxSvg(b: Box): string {
  const r = b.presentation_rect!;
  const [x, y, w, h] = r;
  switch (b.maxclass) {
    case 'live.dial':
      return dial(b, r);
    case 'live.numbox':
      return `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${C.field}" stroke="${C.line}"/><text x="${x + w / 2}" y="${y + h - 4}" fill="${C.text}" font-size="10" text-anchor="middle">${esc(defaultLabel(b))}</text>`;
    case 'live.menu':
      return `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${C.field}" stroke="${C.line}"/><text x="${x + 4}" y="${y + h - 4}" fill="${C.text}" font-size="10">${esc(defaultLabel(b))}</text><path d="M ${x + w - 10} ${y + 6} l 6 0 l -3 4 z" fill="${C.dim}"/>`;
    case 'live.tab': {
      const items = b.saved_attribute_attributes?.valueof?.parameter_enum ?? [];
      const cell = w / Math.max(1, items.length);
      return items
        .map(
          (item, i) =>
            `<rect x="${x + i * cell}" y="${y}" width="${cell}" height="${h}" fill="${item === defaultLabel(b) ? C.accent : C.field}" stroke="${C.line}"/><text x="${x + i * cell + cell / 2}" y="${y + h - 5}" fill="${C.text}" font-size="9" text-anchor="middle">${esc(String(item))}</text>`,
        )
        .join('');
    }
    case 'live.toggle':
      return `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${defaultLabel(b) === 'on' ? C.accent : C.field}" stroke="${C.line}"/>`;
    case 'live.text':
    case 'live.button':
      return `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="2" fill="${C.panel}" stroke="${C.line}"/><text x="${x + w / 2}" y="${y + h / 2 + 4}" fill="${C.text}" font-size="11" text-anchor="middle">${esc(String(b.text ?? ''))}</text>`;
    case 'live.comment':
    case 'comment':
      return wrap(String(b.text ?? ''), w)
        .map((line, i) => `<text x="${x + 1}" y="${y + 11 + 12 * i}" fill="${b.varname === 'status' ? C.dim : C.text}" font-size="10">${esc(line)}</text>`)
        .join('');
    default:
      return `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="${C.dim}" stroke-dasharray="2 2"/>`;
  }
}

/**
 * Draws the device face from the patcher's presentation boxes (positions, sizes, parameter
 * names and defaults), for the README. An approximation of Live's look, not a screenshot.
 */
export function renderDeviceSvg(patcher: Patcher, title = 'Tandem', face?: readonly [number, number]): string {
  const w = face ? face[0] : patcher.devicewidth;
  const DEVICE_HEIGHT = face ? face[1] : DEVICE_H;
  const titleH = 18;
  const boxes = patcher.boxes.map((b) => b.box).filter((b) => b.presentation === 1 && b.presentation_rect);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w + 2}" height="${DEVICE_HEIGHT + titleH + 2}" viewBox="-1 ${-titleH - 1} ${w + 2} ${DEVICE_HEIGHT + titleH + 2}" font-family="Arial, Helvetica, sans-serif">`,
    `<rect x="-1" y="${-titleH - 1}" width="${w + 2}" height="${titleH}" fill="#262626"/>`,
    `<text x="6" y="-5" fill="${C.text}" font-size="11" font-weight="bold">${esc(title)}</text>`,
    `<rect x="0" y="0" width="${w}" height="${DEVICE_HEIGHT}" fill="${C.bg}" stroke="#222"/>`,
    ...boxes.map(boxSvg),
    '</svg>',
    '',
  ].join('\n');
}
