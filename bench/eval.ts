/**
 * npm run eval [-- --json] [-- --quick] [-- --net DIR] [-- --compare DIR]: the drum models measured
 * on the Groove MIDI validation split (never the training split).
 *  - held-out NLL per step (network vs n-gram baseline)
 *  - density adherence (Spearman, busiest/sparsest ratio)
 *  - genre adherence (a classifier trained on the training split judges generated grooves)
 *  - realism statistics next to real playing
 *  - realism on matched conditions (issue 13): a grouped real-vs-generated discriminator and the
 *    2-bar-window table per genre, the first bar of unprimed grooves (bench/eval-realism.ts)
 *  - copy check (generated 2-bar patterns found verbatim in the training data)
 * --net DIR evaluates the network in DIR instead of models/drums; --compare DIR adds a second one
 * (for example the previous weights) beside it; --realism-only runs only the matched-condition part.
 */
import { DRUM_GENRES, type DrumGenre } from '../src/conditioning/genres';
import { NUM_DRUM_CLASSES, DRUM_CLASSES } from '../src/music/drum-map';
import { parseDrumRequest } from '../src/models/request';
import { onsetsPerBar, stepPattern, type DrumGrid } from '../src/tokens/drum-grid';
import { GrooveRnn } from '../src/models/drums/groove-rnn';
import type { DrumModel } from '../src/models/types';
import { drumDensityRange, drumLoudnessRange, loadDrumCorpus, trackDensity, trackGrid, trackLoudness, tracksOf } from '../bridge/data/drum-corpus';
import { initNodeTf } from '../bridge/engine/node-tf';
import { DRUM_NET_DIR, loadDrumNgram, readDrumNetArtifacts } from '../bridge/models/load';
import type { DrumTrack } from '../bridge/data/corpus-types';
import type { DensityRange } from '../src/conditioning/density';
import { GenreClassifier, grooveFeatures } from './genre-classifier';
import { generateMatched, matchTargets, realAgainstReal, realismReport, type RealismReport } from './eval-realism';
import { printRealism } from './eval-print';
import { spearman } from './stats';

const argv = process.argv.slice(2);
const args = new Set(argv);
const asJson = args.has('--json');
const quick = args.has('--quick');
const optionValue = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (!v || v.startsWith('--')) throw new Error(`${name} needs a folder with model.json and its weights`);
  return v;
};
const netDir = optionValue('--net') ?? DRUM_NET_DIR;
const compareDir = optionValue('--compare');
/** Only the matched-condition realism (issue 13), which is what changes with sampling settings. */
const realismOnly = args.has('--realism-only');
const log = (s: string) => console.error(s);
const C = NUM_DRUM_CLASSES;
const BARS = 4;
const SEG = BARS * 16;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const std = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

/** Whole-bar segments of SEG steps cut from a grid. */
function segments(g: DrumGrid): DrumGrid[] {
  const out: DrumGrid[] = [];
  for (let s = 0; s + SEG <= g.steps; s += SEG)
    out.push({ steps: SEG, velocity: g.velocity.slice(s * C, (s + SEG) * C), offset: g.offset.slice(s * C, (s + SEG) * C) });
  return out;
}

/** Keys of every bar-aligned 2-bar hit pattern in a grid. */
function twoBarKeys(g: DrumGrid): string[] {
  const keys: string[] = [];
  for (let s = 0; s + 32 <= g.steps; s += 16) {
    const ps: number[] = [];
    for (let k = 0; k < 32; k++) ps.push(stepPattern(g, s + k));
    if (ps.some((p) => p)) keys.push(ps.join(','));
  }
  return keys;
}

function realism(grids: DrumGrid[]) {
  const hist = new Array(C).fill(0);
  const vel: number[] = [];
  const off: number[] = [];
  const onsets: number[] = [];
  for (const g of grids) {
    onsets.push(...onsetsPerBar(g));
    for (let i = 0; i < g.velocity.length; i++) {
      if (!g.velocity[i]) continue;
      hist[i % C]++;
      vel.push(g.velocity[i]);
      off.push(g.offset[i]);
    }
  }
  const total = hist.reduce((a, b) => a + b, 0);
  return {
    onsetsPerBar: +mean(onsets).toFixed(2),
    classShare: Object.fromEntries(DRUM_CLASSES.map((c, i) => [c, +(hist[i] / Math.max(1, total)).toFixed(3)])),
    velocityMean: +mean(vel).toFixed(1),
    velocityStd: +std(vel).toFixed(1),
    offsetStdMs120: +(std(off) * 125).toFixed(1), // a 16th at 120 BPM lasts 125 ms
  };
}

/** Section 6: every model's matched-condition realism, and real against real as the floor. */
async function matchedRealism(
  models: Array<{ name: string; model: DrumModel }>,
  val: DrumTrack[],
  train: DrumTrack[],
  range: DensityRange,
): Promise<Record<string, RealismReport>> {
  log('matched-condition realism and discriminator ...');
  const targets = matchTargets(val, range);
  const trees = quick ? 20 : undefined;
  const out: Record<string, RealismReport> = { 'real vs real (training)': realismReport(realAgainstReal(targets, train, range), { trees }) };
  for (const { name, model } of models) out[name] = realismReport(await generateMatched(model, targets), { trees });
  return out;
}

async function main(): Promise<void> {
  const corpus = loadDrumCorpus();
  const range = drumDensityRange(corpus);
  const loudRange = drumLoudnessRange(corpus);
  const train = tracksOf(corpus, 'train');
  const val = tracksOf(corpus, 'validation');
  const ngram = loadDrumNgram();
  const art = readDrumNetArtifacts(netDir);
  const models: Array<{ name: string; model: DrumModel }> = [{ name: 'n-gram baseline', model: ngram }];
  let net: GrooveRnn | undefined;
  if (compareDir) {
    const other = readDrumNetArtifacts(compareDir);
    if (!other) throw new Error(`--compare ${compareDir}: no model.json there`);
    await initNodeTf('wasm');
    models.unshift({ name: `compared (${compareDir.split('/').filter(Boolean).at(-1)})`, model: GrooveRnn.load(other) });
  }
  if (art) {
    await initNodeTf('wasm');
    net = GrooveRnn.load(art);
    models.unshift({ name: `network (GRU-${art.modelJson.spec.hidden})`, model: net });
  }
  const report: Record<string, unknown> = { split: 'validation', validationTracks: val.length, densityRange: range };

  if (realismOnly) {
    const r = await matchedRealism(models, val, train, range);
    if (asJson) console.log(JSON.stringify(r, null, 1));
    else printRealism(r, {});
    return;
  }

  // 1. Held-out NLL per step (nats), teacher forced, true genre / fill / density.
  log('NLL on validation ...');
  const nll: Record<string, number> = {};
  {
    const rs = val.map((t) => ngram.logLikelihood(trackGrid(t), t.genre, t.beatType === 'fill' ? 1 : 0));
    nll['n-gram baseline'] = rs.reduce((a, r) => a + r.nll, 0) / rs.reduce((a, r) => a + r.steps, 0);
  }
  for (const { name, model } of models) {
    if (!(model instanceof GrooveRnn)) continue;
    const batch = val.map((t) => ({
      grid: trackGrid(t),
      bars: { density: trackDensity(t, range), loudness: trackLoudness(t, loudRange) },
      req: parseDrumRequest({ genre: t.genre, fillEvery: t.beatType === 'fill' ? 1 : 0 }),
    }));
    const r = model.logLikelihood(batch);
    nll[name] = r.nll / r.steps;
  }
  report.nllPerStep = nll;

  // 2. Density adherence.
  log('density sweep ...');
  const genres: DrumGenre[] = quick ? ['rock', 'funk'] : ['rock', 'funk', 'jazz', 'hiphop', 'latin'];
  const densities = Array.from({ length: 9 }, (_, i) => i / 8);
  const perModelDensity: Record<string, unknown> = {};
  const generatedByModel = new Map<string, Array<{ genre: DrumGenre; grid: DrumGrid }>>();
  for (const { name, model } of models) {
    const rows: Record<string, { means: number[]; spearmanOfMeans: number; spearmanAll: number; ratio: number }> = {};
    const gen: Array<{ genre: DrumGenre; grid: DrumGrid }> = [];
    for (const genre of genres) {
      const means: number[] = [];
      const xs: number[] = [];
      const ys: number[] = [];
      for (const d of densities) {
        const grids = await model.generate(parseDrumRequest({ genre, density: d, bars: BARS * 2, count: 16, seed: 100 }));
        const per = grids.map((g) => mean(onsetsPerBar(g)));
        means.push(mean(per));
        per.forEach((p) => {
          xs.push(d);
          ys.push(p);
        });
        if (d === 0.5) grids.forEach((grid) => gen.push({ genre, grid }));
      }
      rows[genre] = {
        means: means.map((m) => +m.toFixed(1)),
        spearmanOfMeans: +spearman(densities, means).toFixed(3),
        spearmanAll: +spearman(xs, ys).toFixed(3),
        ratio: +(means.at(-1)! / Math.max(0.01, means[0])).toFixed(2),
      };
    }
    perModelDensity[name] = rows;
    generatedByModel.set(name, gen);
  }
  report.density = perModelDensity;

  // 3. Genre adherence: classifier trained on 4-bar segments of the training split.
  log('genre classifier ...');
  const trainSegs = train.flatMap((t) => segments(trackGrid(t)).map((g) => ({ x: grooveFeatures(g), y: DRUM_GENRES.indexOf(t.genre) })));
  const clf = new GenreClassifier(DRUM_GENRES.length);
  clf.train(
    trainSegs.map((s) => s.x),
    trainSegs.map((s) => s.y),
    quick ? 100 : 300,
  );
  const acc = (items: Array<{ x: Float64Array; y: number }>) => {
    const ranks = items.map((i) => clf.rank(i.x, i.y));
    return { n: items.length, top1: +mean(ranks.map((r) => (r === 0 ? 1 : 0))).toFixed(3), top3: +mean(ranks.map((r) => (r < 3 ? 1 : 0))).toFixed(3) };
  };
  const realVal = val
    .filter((t) => genres.includes(t.genre))
    .flatMap((t) => segments(trackGrid(t)).map((g) => ({ x: grooveFeatures(g), y: DRUM_GENRES.indexOf(t.genre) })));
  const genreReport: Record<string, unknown> = { realValidation: acc(realVal), genres };
  for (const [name, gen] of generatedByModel)
    genreReport[name] = acc(gen.flatMap(({ genre, grid }) => segments(grid).map((g) => ({ x: grooveFeatures(g), y: DRUM_GENRES.indexOf(genre) }))));
  report.genre = genreReport;

  // 4. Realism next to real playing; 5. copy check.
  log('realism and copy check ...');
  const trainKeys = new Set(train.flatMap((t) => twoBarKeys(trackGrid(t))));
  const copyRate = (grids: DrumGrid[]) => {
    const keys = grids.flatMap(twoBarKeys);
    return { windows: keys.length, inTraining: +mean(keys.map((k) => (trainKeys.has(k) ? 1 : 0))).toFixed(4) };
  };
  const realGrids = val.filter((t) => genres.includes(t.genre)).map(trackGrid);
  report.realism = { realValidation: realism(realGrids), ...Object.fromEntries([...generatedByModel].map(([n, g]) => [n, realism(g.map((x) => x.grid))])) };
  report.copy = { realValidation: copyRate(realGrids), ...Object.fromEntries([...generatedByModel].map(([n, g]) => [n, copyRate(g.map((x) => x.grid))])) };

  // 6. Realism on matched conditions (issue 13).
  const realism13 = await matchedRealism(models, val, train, range);
  report.matchedRealism = realism13;

  if (asJson) {
    console.log(JSON.stringify(report, null, 1));
    return;
  }
  const line = (cells: Array<string | number>, w = [36, 28, 28, 14]) => console.log(cells.map((c, i) => String(c).padEnd(w[i] ?? 14)).join(''));
  const names = models.map((m) => m.name);
  console.log(`\nDrum models on the Groove MIDI validation split (${val.length} tracks); density range ${range.low}-${range.high} onsets/bar`);
  line(['figure', ...names, 'real validation']);
  line(['NLL per step (nats, lower better)', ...names.map((n) => nll[n]?.toFixed(3) ?? '-'), '']);
  for (const genre of genres) {
    line([
      `density ${genre}: Spearman of means`,
      ...names.map((n) => (perModelDensity[n] as Record<string, { spearmanOfMeans: number }>)[genre].spearmanOfMeans),
      '',
    ]);
    line([`density ${genre}: Spearman, all`, ...names.map((n) => (perModelDensity[n] as Record<string, { spearmanAll: number }>)[genre].spearmanAll), '']);
    line([`density ${genre}: busiest/sparsest`, ...names.map((n) => (perModelDensity[n] as Record<string, { ratio: number }>)[genre].ratio), '']);
    line([
      `density ${genre}: means 0..1`,
      ...names.map((n) => (perModelDensity[n] as Record<string, { means: number[] }>)[genre].means.filter((_, i) => i % 2 === 0).join('/')),
      '',
    ]);
  }
  const g = report.genre as Record<string, { top1: number; top3: number }>;
  line(['genre top-1 (classifier)', ...names.map((n) => g[n].top1), g.realValidation.top1]);
  line(['genre top-3 (classifier)', ...names.map((n) => g[n].top3), g.realValidation.top3]);
  const re = report.realism as Record<string, ReturnType<typeof realism>>;
  line(['onsets per bar (d=0.5)', ...names.map((n) => re[n].onsetsPerBar), re.realValidation.onsetsPerBar]);
  line([
    'velocity mean / std',
    ...names.map((n) => `${re[n].velocityMean}/${re[n].velocityStd}`),
    `${re.realValidation.velocityMean}/${re.realValidation.velocityStd}`,
  ]);
  line(['timing spread (ms at 120 BPM)', ...names.map((n) => re[n].offsetStdMs120), re.realValidation.offsetStdMs120]);
  for (const c of DRUM_CLASSES) line([`share of hits: ${c}`, ...names.map((n) => re[n].classShare[c]), re.realValidation.classShare[c]]);
  const cp = report.copy as Record<string, { inTraining: number; windows: number }>;
  line(['2-bar patterns found in training', ...names.map((n) => cp[n].inTraining), cp.realValidation.inTraining]);
  printRealism(realism13, genreReport as Record<string, { top1: number }>);
}

await main();
