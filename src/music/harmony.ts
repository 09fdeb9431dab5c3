/** Pitch-class names, sharps (for keys and chord roots). */
export const PITCH_CLASSES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'] as const;

const CHORD_TEMPLATES: Array<[string, number[]]> = [
  ['', [0, 4, 7]],
  ['m', [0, 3, 7]],
  ['7', [0, 4, 7, 10]],
  ['maj7', [0, 4, 7, 11]],
  ['m7', [0, 3, 7, 10]],
  ['dim', [0, 3, 6]],
  ['aug', [0, 4, 8]],
  ['sus4', [0, 5, 7]],
  ['6', [0, 4, 7, 9]],
];

/**
 * Names a chord from the pitches sounding together (root + quality, like `Am` or `G7`),
 * by the template that covers the most pitch classes with the fewest extras. The lowest
 * note breaks ties (so C-E-G-A over A is Am7-ish `Am`, over C is `C6`). `N` when fewer than 2
 * pitch classes sound.
 */
export function nameChord(pitches: readonly number[]): string {
  const pcs = new Set(pitches.map((p) => ((p % 12) + 12) % 12));
  if (pcs.size < 2) return 'N';
  const bass = ((Math.min(...pitches) % 12) + 12) % 12;
  let best = { score: -Infinity, name: 'N' };
  for (let root = 0; root < 12; root++) {
    for (const [q, iv] of CHORD_TEMPLATES) {
      const tpl = new Set(iv.map((i) => (root + i) % 12));
      let hit = 0;
      for (const pc of pcs) if (tpl.has(pc)) hit++;
      const score = hit * 2 - (pcs.size - hit) * 2 - (tpl.size - hit) + (root === bass ? 0.5 : 0) - iv.length * 0.01;
      if (score > best.score) best = { score, name: PITCH_CLASSES[root] + q };
    }
  }
  return best.name;
}

// Krumhansl-Kessler key profiles.
const MAJOR = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const MINOR = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];

function correlation(a: number[], b: number[]): number {
  const ma = a.reduce((x, y) => x + y, 0) / a.length;
  const mb = b.reduce((x, y) => x + y, 0) / b.length;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - ma) * (b[i] - mb);
    da += (a[i] - ma) ** 2;
    db += (b[i] - mb) ** 2;
  }
  return num / Math.sqrt(da * db || 1);
}

/** Estimates the key (`G major`, `E minor`) from notes weighted by duration (Krumhansl-Schmuckler). */
export function estimateKey(notes: ReadonlyArray<{ pitch: number; duration: number }>): string {
  const hist = new Array(12).fill(0);
  for (const n of notes) hist[((n.pitch % 12) + 12) % 12] += n.duration;
  let best = { r: -Infinity, key: 'C major' };
  for (let tonic = 0; tonic < 12; tonic++) {
    const rot = hist.map((_, i) => hist[(i + tonic) % 12]);
    const rMaj = correlation(rot, MAJOR);
    const rMin = correlation(rot, MINOR);
    if (rMaj > best.r) best = { r: rMaj, key: `${PITCH_CLASSES[tonic]} major` };
    if (rMin > best.r) best = { r: rMin, key: `${PITCH_CLASSES[tonic]} minor` };
  }
  return best.key;
}

/** ABC key field (`K:Gm`, `K:D`, `K:Ador`) to `G minor`, `D major`, `A dorian`. */
export function abcKeyName(k: string): string {
  const m = /^\s*([A-Ga-g])([#b]?)\s*(m|min|minor|maj|major|dor|dorian|mix|mixolydian|phr|lyd|loc|aeo)?/i.exec(k);
  if (!m) return k.trim() || 'unknown';
  const tonic = m[1].toUpperCase() + m[2];
  const mode = (m[3] ?? '').toLowerCase();
  const modes: Record<string, string> = {
    '': 'major',
    maj: 'major',
    major: 'major',
    m: 'minor',
    min: 'minor',
    minor: 'minor',
    aeo: 'minor',
    dor: 'dorian',
    dorian: 'dorian',
    mix: 'mixolydian',
    mixolydian: 'mixolydian',
    phr: 'phrygian',
    lyd: 'lydian',
    loc: 'locrian',
  };
  return `${tonic} ${modes[mode] ?? mode}`;
}
