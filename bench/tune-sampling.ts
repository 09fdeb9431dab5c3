/**
 * npm run tune:drums [-- --net DIR] [-- --tracks N] [-- --grid JSON] [-- --write P,V,O[,VS,OS]] [-- --set JSON]: chooses the drum network's sampling settings
 * (pattern temperature, velocity and timing noise scales, the shares of the velocity and timing
 * noise drawn once per groove; model.json `spec.sampling`) on TRAINING
 * performances, so that `npm run eval` can report them on the validation split untouched.
 * For each setting: one groove per performance matched as in the eval, the grouped discriminator's
 * accuracy and the issue-13 table. Prints a table; with --write, only records the chosen setting
 * in DIR/model.json. A grid entry is [P, V, O] or [P, V, O, VS, OS]. --set JSON merges fields into
 * DIR/model.json's `spec.sampling` (the biases: repeatBar, classBias, restBias, offsetShift; each
 * groove's and class's character: offsetLoose, velocityLoose, velocityClassGroove,
 * velocityClassTemperature, velocityClassShift, loudnessWander), checked by loading the model
 * before anything is written.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { drumDensityRange, loadDrumCorpus, tracksOf } from '../bridge/data/drum-corpus';
import { writeFileAtomic } from '../bridge/fs/atomic-write';
import { initNodeTf } from '../bridge/engine/node-tf';
import { DRUM_NET_DIR, readDrumNetArtifacts } from '../bridge/models/load';
import { GrooveRnn } from '../src/models/drums/groove-rnn';
import { makeRng } from '../src/random';
import { generateMatched, matchTargets, realismReport } from './eval-realism';
import { relativeGap, TABLE_ROWS } from './realism';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const dir = opt('--net', DRUM_NET_DIR);
const n = Number(opt('--tracks', '90'));
const grid = JSON.parse(opt('--grid', '[[1,1,1],[1,1,1,0.5,0],[1,1,1,0.8,0],[1,1,1,0.5,0.5],[1,1,1,0.8,0.5],[0.9,1,1,0.8,0.5]]')) as number[][];
/** A grid entry or --write's numbers as model.json's sampling settings (shares default to 0). */
const settings = ([pattern, velocity, offset, velocityShared = 0, offsetShared = 0]: number[]) => ({ pattern, velocity, offset, velocityShared, offsetShared });

if (argv.includes('--set')) {
  const file = join(dir, 'model.json');
  const json = JSON.parse(readFileSync(file, 'utf8')) as { spec: Record<string, unknown> };
  let extra: Record<string, unknown>;
  try {
    extra = JSON.parse(opt('--set', '')) as Record<string, unknown>;
  } catch {
    console.error(`--set ${opt('--set', '')}: needs a JSON object of sampling fields, for example '{"repeatBar":1}'`);
    process.exit(2);
  }
  json.spec.sampling = { ...((json.spec.sampling as object | undefined) ?? settings([1, 1, 1])), ...extra };
  const art = readDrumNetArtifacts(dir);
  if (!art) throw new Error(`no drum network in ${dir}`);
  await initNodeTf('wasm');
  try {
    GrooveRnn.load({ ...art, modelJson: json as unknown as typeof art.modelJson }).dispose();
  } catch (e) {
    console.error(`--set: ${(e as Error).message}`);
    process.exit(2);
  }
  writeFileAtomic(file, JSON.stringify(json, null, 1), { replace: true });
  console.log(`wrote sampling ${JSON.stringify(json.spec.sampling)} into ${file}`);
  process.exit(0);
}

const write = argv.includes('--write') ? opt('--write', '').split(',').map(Number) : undefined;
if (write) {
  const ok =
    (write.length === 3 || write.length === 5) &&
    write.slice(0, 3).every((x) => Number.isFinite(x) && x > 0 && x <= 2) &&
    write.slice(3).every((x) => Number.isFinite(x) && x >= 0 && x < 1);
  if (!ok) {
    console.error(
      `--write ${write.join(',')}: needs three numbers in (0, 2] (pattern temperature, velocity scale, timing scale), then optionally two in [0, 1) (shared velocity and timing noise)`,
    );
    process.exit(2);
  }
  const file = join(dir, 'model.json');
  const json = JSON.parse(readFileSync(file, 'utf8')) as { spec: Record<string, unknown> };
  json.spec.sampling = settings(write);
  writeFileAtomic(file, JSON.stringify(json, null, 1), { replace: true });
  console.log(`wrote sampling ${JSON.stringify(json.spec.sampling)} into ${file}`);
  process.exit(0);
}

const corpus = loadDrumCorpus();
const range = drumDensityRange(corpus);
// A fixed random subset of training performances of two bars or more.
const rng = makeRng('tune');
const pool = tracksOf(corpus, 'train').filter((t) => t.steps >= 32);
const picked = pool
  .map((t) => ({ t, k: rng() }))
  .sort((a, b) => a.k - b.k)
  .slice(0, n)
  .map((x) => x.t);
const targets = matchTargets(picked, range);
const art = readDrumNetArtifacts(dir);
if (!art) throw new Error(`no drum network in ${dir}`);
await initNodeTf('wasm');
console.log(`sampling settings on ${targets.length} training performances (${dir})`);
console.log(['pattern T', 'vel', 'off', 'vel shared', 'off shared', 'discr.', ...TABLE_ROWS.map((r) => r.key), 'mean gap'].join('\t'));
for (const entry of grid) {
  const sampling = settings(entry);
  const model = GrooveRnn.load({ ...art, modelJson: { ...art.modelJson, spec: { ...art.modelJson.spec, sampling } } });
  const r = realismReport(await generateMatched(model, targets), { trees: 40 });
  model.dispose();
  const t = r.table.all;
  const gaps = TABLE_ROWS.slice(0, 5).map((row) => relativeGap(t.other[row.key], t.real[row.key]));
  console.log(
    [
      sampling.pattern,
      sampling.velocity,
      sampling.offset,
      sampling.velocityShared,
      sampling.offsetShared,
      (100 * r.discriminator.accuracy).toFixed(1),
      ...TABLE_ROWS.map((row) => `${t.other[row.key].toFixed(row.digits)}/${t.real[row.key].toFixed(row.digits)}`),
      ((100 * gaps.reduce((a, b) => a + b, 0)) / gaps.length).toFixed(0) + '%',
    ].join('\t'),
  );
}
