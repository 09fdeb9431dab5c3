/**
 * npx tsx bench/realism-features.ts [--net DIR] [--sampling JSON] [--top N] [--runs R] [--split train] [--groups] [--real]: which of the
 * discriminator's window features tell generated drums from real playing (issue 13), on matched
 * validation conditions as `npm run eval`: the standardised mean difference of every feature
 * (generated minus real, in real windows' standard deviations), largest first, and the
 * discriminator's accuracy (with --runs R, also its mean over R generations with other seeds,
 * since one run moves by a few points from seed to seed; with --groups, the discriminator on the
 * pattern, velocity and timing features alone; --real puts real playing on the other side, each
 * validation performance against the training performance nearest in genre, kind and density: the
 * floor). --sampling JSON overrides fields of model.json's `spec.sampling` to try settings.
 */
import { DRUM_CLASSES } from '../src/music/drum-map';
import { GrooveRnn } from '../src/models/drums/groove-rnn';
import { drumDensityRange, loadDrumCorpus, tracksOf } from '../bridge/data/drum-corpus';
import { initNodeTf } from '../bridge/engine/node-tf';
import { DRUM_NET_DIR, readDrumNetArtifacts } from '../bridge/models/load';
import { makeRng } from '../src/random';
import { discriminate } from './discriminator';
import { generateMatched, matchTargets, realAgainstReal, realismReport } from './eval-realism';
import { TABLE_ROWS, windowFeatures, windows } from './realism';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const dir = opt('--net', DRUM_NET_DIR);
const top = Number(opt('--top', '15'));
const runs = Number(opt('--runs', '1'));
const sampling = argv.includes('--sampling') ? (JSON.parse(opt('--sampling', '{}')) as Record<string, unknown>) : undefined;

/** Names of windowFeatures' columns, in its order. */
const NAMES = [
  ...DRUM_CLASSES.flatMap((c) => ['hits', 'vel mean', 'vel std', 'offset mean', 'offset std'].map((f) => `${c} ${f}`)),
  ...Array.from({ length: 16 }, (_, i) => `hits on 16th ${i + 1}`),
  'off-16th share',
  'ghost share',
  'crash share',
  'toms share',
  'velocity mean',
  'velocity std',
  'offset mean',
  'offset std',
  'bar 1 hits',
  'bar 2 hits',
  'bar-to-bar changes',
  'distinct step patterns',
];

const corpus = loadDrumCorpus();
// --split train: 90 training performances (as `npm run tune:drums`), to calibrate without the validation split.
const split = opt('--split', 'validation') === 'train' ? 'train' : 'validation';
const pool = tracksOf(corpus, split).filter((t) => split === 'validation' || t.steps >= 32);
const pickRng = makeRng('tune');
const chosen =
  split === 'validation'
    ? pool
    : pool
        .map((t) => ({ t, k: pickRng() }))
        .sort((a, b) => a.k - b.k)
        .slice(0, 90)
        .map((x) => x.t);
const targets = matchTargets(chosen, drumDensityRange(corpus));
const art = readDrumNetArtifacts(dir);
if (!art) throw new Error(`no drum network in ${dir}`);
await initNodeTf('wasm');
const spec = sampling
  ? { ...art.modelJson.spec, sampling: { ...(art.modelJson.spec.sampling ?? { pattern: 1, velocity: 1, offset: 1 }), ...sampling } }
  : art.modelJson.spec;
const model = GrooveRnn.load({ ...art, modelJson: { ...art.modelJson, spec } });
const pairs = argv.includes('--real') ? realAgainstReal(targets, tracksOf(corpus, 'train'), drumDensityRange(corpus)) : await generateMatched(model, targets);
const r = realismReport(pairs);
const accuracies = [r.discriminator.accuracy];
for (let k = 1; k < runs; k++) accuracies.push(realismReport(await generateMatched(model, targets, 1000 + 7919 * k)).discriminator.accuracy);
const real = pairs.flatMap((p) => windows(p.real).map(windowFeatures));
const gen = pairs.flatMap((p) => (p.more ?? [p.other]).flatMap((g) => windows(g).map(windowFeatures)));
const col = (rows: number[][], j: number) => rows.map((r) => r[j]);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const std = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const gaps = NAMES.map((name, j) => {
  const r = col(real, j);
  const g = col(gen, j);
  return { name, real: mean(r), gen: mean(g), d: (mean(g) - mean(r)) / Math.max(1e-9, std(r)) };
}).sort((a, b) => Math.abs(b.d) - Math.abs(a.d));
console.log(
  `${dir} sampling ${JSON.stringify(spec.sampling ?? {})}: discriminator ${(100 * r.discriminator.accuracy).toFixed(1)} % (folds ${r.discriminator.perFold.map((x) => (100 * x).toFixed(0)).join('/')})${runs > 1 ? `, mean of ${runs} runs ${(100 * mean(accuracies)).toFixed(1)} % (${accuracies.map((a) => (100 * a).toFixed(1)).join(' / ')})` : ''}`,
);
const t = r.table.all;
console.log(TABLE_ROWS.map((row) => `${row.key} ${t.other[row.key].toFixed(row.digits)}/${t.real[row.key].toFixed(row.digits)}`).join('  '));
for (const g of gaps.slice(0, top)) console.log(`${g.d >= 0 ? '+' : ''}${g.d.toFixed(2)}\t${g.name}\treal ${g.real.toFixed(3)}\tgenerated ${g.gen.toFixed(3)}`);
if (argv.includes('--groups')) {
  // Column groups of windowFeatures: per class [hits, vel mean, vel std, offset mean, offset std], 16 positions, then the summary figures.
  const perClass = (k: number[]) => DRUM_CLASSES.flatMap((_, c) => k.map((j) => 5 * c + j));
  const groups: Record<string, number[]> = {
    'hit pattern': [...perClass([0]), ...Array.from({ length: 16 }, (_, i) => 45 + i), 61, 63, 64, 69, 70, 71, 72],
    velocity: [...perClass([1, 2]), 62, 65, 66],
    timing: [...perClass([3, 4]), 67, 68],
  };
  for (const [name, cols] of Object.entries(groups)) {
    const samples = pairs.flatMap((p) => [
      ...windows(p.real).map((w) => ({ features: cols.map((j) => windowFeatures(w)[j]), label: 1 as const, group: p.group })),
      ...windows(p.other).map((w) => ({ features: cols.map((j) => windowFeatures(w)[j]), label: 0 as const, group: p.group })),
    ]);
    console.log(`discriminator on ${name} features alone (${cols.length}): ${(100 * discriminate(samples).accuracy).toFixed(1)} %`);
  }
}
model.dispose();
