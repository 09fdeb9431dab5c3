import { loadMelodyCorpus } from '../models/training/prepare-melody';
import { collectSegments, generateTwin } from './melody-eval-data';
import { initNodeTf } from '../bridge/engine/node-tf';
import { MELODY_NET_DIR, readMelodyNetArtifacts } from '../bridge/models/load-melody';
import { MelodyRnn } from '../src/models/melody/melody-rnn';
const style = process.argv[2] ?? 'reel';
const corpus = loadMelodyCorpus();
await initNodeTf('wasm');
const net = MelodyRnn.load(readMelodyNetArtifacts(MELODY_NET_DIR)!);
const segs = collectSegments(corpus.tracks, (process.argv[3] ?? 'bass') as 'bass', 'validation', net.spec.densityRanges, 80).filter((s) => s.style === style).slice(0, 8);
const show = (notes: readonly (readonly [number, number, number])[], spb: number) => {
  const bars: string[] = [];
  for (let b = 0; b < 8; b++) bars.push(notes.filter(([, s]) => Math.floor(s / spb) === b).map(([p, s, d]) => `${p}@${s % spb}:${d}`).join(' '));
  return bars.join(' | ');
};
segs.forEach((s, i) => {
  const t = generateTwin(net, s, 1000 + i);
  console.log('chords', s.barChords.map((c) => (c && c.root >= 0 ? c.root : 'NC')).join(' '), 'dens', s.density.toFixed(2));
  console.log('real ', show(s.notes, s.stepsPerBar));
  console.log('twin ', show(t.notes, s.stepsPerBar));
});
