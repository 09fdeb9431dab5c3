/**
 * npx tsx bench/humanize-figures.ts [--net DIR]: the model card's Humanize table (issue 13). The
 * validation split's rock beats (up to 32 bars) quantized to velocity 100 on the 16th grid, then
 * humanized with --genre rock (seed = the beat's index): velocity mean and spread, snare and
 * closed-hat mean velocity, timing mean and spread, beside the drummers' own playing.
 */
import { loadDrumCorpus, trackGrid, tracksOf } from '../bridge/data/drum-corpus';
import { initNodeTf } from '../bridge/engine/node-tf';
import { DRUM_NET_DIR, readDrumNetArtifacts } from '../bridge/models/load';
import { GrooveRnn } from '../src/models/drums/groove-rnn';
import { hitCount } from '../src/models/drums/humanize';
import type { DrumGrid } from '../src/tokens/drum-grid';
import { firstBars } from './realism';

const argv = process.argv.slice(2);
const dir = argv.includes('--net') ? argv[argv.indexOf('--net') + 1] : DRUM_NET_DIR;
const C = 9;
/** One 16th at 120 BPM, in ms. */
const STEP_MS = 125;

const corpus = loadDrumCorpus();
const beats = tracksOf(corpus, 'validation')
  .filter((t) => t.genre === 'rock' && t.beatType === 'beat')
  .map((t) => firstBars(trackGrid(t), 32));
const art = readDrumNetArtifacts(dir);
if (!art) throw new Error(`no drum network in ${dir}`);
await initNodeTf('wasm');
const model = GrooveRnn.load(art);

const quantize = (g: DrumGrid): DrumGrid => ({ steps: g.steps, velocity: g.velocity.map((v) => (v ? 100 : 0)), offset: new Float32Array(g.offset.length) });
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const std = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
function figures(grids: DrumGrid[]) {
  const vel: number[] = [];
  const off: number[] = [];
  const byClass = (c: number) => grids.flatMap((g) => Array.from(g.velocity).filter((v, i) => v > 0 && i % C === c));
  for (const g of grids) for (let i = 0; i < g.velocity.length; i++) if (g.velocity[i]) (vel.push(g.velocity[i]), off.push(g.offset[i]));
  return {
    hits: vel.length,
    velMean: mean(vel),
    velStd: std(vel),
    snare: mean(byClass(1)),
    closedHat: mean(byClass(2)),
    offMeanMs: mean(off) * STEP_MS,
    offStdMs: std(off) * STEP_MS,
  };
}
const humanized = beats.map((g, i) => model.humanize(quantize(g), { genre: 'rock', amount: 1, seed: i }));
const same = humanized.every((h, i) => hitCount(h) === hitCount(beats[i]) && h.velocity.every((v, j) => v > 0 === beats[i].velocity[j] > 0));
console.log(`${beats.length} validation rock beats, ${dir}; same hits on the same steps: ${same}`);
console.log('what\thits\tvelocity mean / std\tsnare / closed-hat velocity\ttiming mean / std (ms at 120 BPM)');
for (const [name, gs] of [
  ['drummers', beats],
  ['quantized', beats.map(quantize)],
  ['humanized', humanized],
] as const) {
  const f = figures(gs);
  console.log(
    `${name}\t${f.hits}\t${f.velMean.toFixed(1)} / ${f.velStd.toFixed(1)}\t${f.snare.toFixed(1)} / ${f.closedHat.toFixed(1)}\t${f.offMeanMs.toFixed(1)} / ${f.offStdMs.toFixed(1)}`,
  );
}
model.dispose();
