// Draws one suggestion as a drum grid (one row per drum class) or a piano roll (one row per
// pitch), as SVG: every note is one <rect class="note">, so what is drawn can be counted.
const SVG = 'http://www.w3.org/2000/svg';
// Drawing units: a suggestion of any length spans WIDTH (the SVG scales to the page), so labels
// keep their size; rows are ROW_H high, thinner when a piano roll needs many.
const WIDTH = 800;
const ROW_H = 16;
const LABEL_W = 30;

function el(name, attrs, parent) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}

const NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];
/** "C4" for MIDI 60. */
export const pitchName = (p) => `${NAMES[p % 12]}${Math.floor(p / 12) - 1}`;

/**
 * Rows of a drawing: drums by class (from the registry's drum map), other parts by pitch, high at
 * the top, spanning at least an octave.
 */
function rowsFor(item, hello) {
  const model = hello.models.find((m) => m.name === item.part);
  if (model && model.drums) {
    const rowOf = new Map();
    hello.drumRows.forEach((r, i) => r.pitches.forEach((p) => rowOf.set(p, i)));
    return { labels: hello.drumRows.map((r) => r.label), row: (p) => rowOf.get(p) ?? hello.drumRows.length - 1, drums: true };
  }
  const ps = item.notes.map((n) => n[0]);
  let lo = ps.length ? Math.min(...ps) : 60;
  let hi = ps.length ? Math.max(...ps) : 71;
  if (hi - lo < 11) {
    const pad = 11 - (hi - lo);
    lo -= Math.floor(pad / 2);
    hi += Math.ceil(pad / 2);
  }
  const labels = [];
  for (let p = hi; p >= lo; p--) labels.push(p % 12 === 0 ? pitchName(p) : '');
  return { labels, row: (p) => hi - p, drums: false };
}

/**
 * Draws `item` (with notes) into `container`; returns `playhead(ticks | null)` to move the
 * playhead line (null hides it).
 */
export function drawRoll(container, item, hello) {
  const ppq = hello.ppq;
  const step = hello.ticksPerStep;
  const total = Math.max(item.totalTicks || 0, step * 16);
  const steps = Math.ceil(total / step);
  const { labels, row, drums } = rowsFor(item, hello);
  const STEP_W = (WIDTH - LABEL_W) / steps;
  const rowH = drums ? ROW_H : Math.max(5, Math.min(ROW_H, Math.floor(220 / labels.length)));
  const width = WIDTH;
  const height = labels.length * rowH;
  const svg = el('svg', { class: 'roll', viewBox: `0 0 ${width} ${height}`, 'data-ref': item.ref, 'data-notes': item.notes.length });
  labels.forEach((l, i) => {
    if (l) el('text', { class: 'label', x: 2, y: i * rowH + Math.min(rowH, 12) - 2 }, svg).textContent = l;
  });
  // Bar and beat lines in the suggestion's meter (6/8: a bar of six eighths), 4/4 when unknown.
  const bar = (item.meter && item.meter.barTicks) || 4 * ppq;
  const beat = bar / ((item.meter && item.meter.numerator) || 4);
  for (let t = 0; t <= total; t += beat) {
    const x = LABEL_W + (t / step) * STEP_W;
    el('line', { class: Math.round(t) % bar === 0 ? 'bar' : 'beat', x1: x, x2: x, y1: 0, y2: height }, svg);
  }
  const xOf = (ticks) => LABEL_W + (ticks / step) * STEP_W;
  for (const [pitch, velocity, start, length] of item.notes) {
    const w = drums ? Math.max(2, STEP_W - 2) : Math.max(2, (length / step) * STEP_W - 1);
    el(
      'rect',
      {
        class: 'note',
        x: xOf(start).toFixed(1),
        y: row(pitch) * rowH + 1,
        width: w.toFixed(1),
        height: rowH - 2,
        rx: 2,
        'fill-opacity': (0.35 + (0.65 * velocity) / 127).toFixed(2),
        'data-pitch': pitch,
      },
      svg,
    );
  }
  const head = el('line', { class: 'playhead', x1: LABEL_W, x2: LABEL_W, y1: 0, y2: height, visibility: 'hidden' }, svg);
  container.replaceChildren(svg);
  return (ticks) => {
    if (ticks === null || !(ticks >= 0) || ticks > total) {
      head.setAttribute('visibility', 'hidden');
      return;
    }
    const x = xOf(ticks).toFixed(1);
    head.setAttribute('x1', x);
    head.setAttribute('x2', x);
    head.setAttribute('visibility', 'visible');
  };
}
