/**
 * npm run eval:melody [-- --quick] [-- --json] [-- --model DIR]: the melody/bass network (and the
 * n-gram baseline, where it makes sense) measured on the VALIDATION split, issue 12 point 5.
 *
 * Every real validation line is cut into 8-bar segments (at most a cap per voice and style,
 * spread over the pieces); for each, the network is asked for a twin with the same voice, style,
 * key, chord per bar (the chord at the real bar's downbeat; with --half-bar-chords two per bar) and density (the segment's own,
 * normalised with model.json's densityRanges as training does). The n-gram takes only style and
 * density; its key is estimated from its notes and it has no chord figures.
 */
import { loadMelodyCorpus } from '../models/training/prepare-melody';
import { initNodeTf } from '../bridge/engine/node-tf';
import { loadMelodyNgram } from '../bridge/models/load';
import { readMelodyNetArtifacts } from '../bridge/models/load-melody';
import { parseArgs } from './eval-melody-args';
import { MelodyRnn } from '../src/models/melody/melody-rnn';
import { parseMelodyRequest } from '../src/models/melody/request';
import { STEPS_PER_BAR, STYLE_METER, STYLES, VOICES, type MelodyStyle, type Voice } from '../src/models/melody/spec';
import type { MelodyNgram } from '../src/models/baseline/melody-ngram';
import { TICKS_PER_STEP } from '../src/time/units';
import { parseKey } from '../src/music/chords';
import { TandemError } from '../src/errors';
import { featureGaps, realVsGenerated, realVsReal, styleRecognition, type FeatureGap, type StyleRecognition } from './melody-classify';
import { collectSegments, generateNgramTwin, generateTwin, SEGMENT_BARS, trainingLines, type RealSegment } from './melody-eval-data';
import { COPY_MIN_NOTES, HIST_NAMES, twoBarKeys, type EvalLine, type NoteTriple } from './melody-metrics';
import { densityFigures, groupFigures, type DensityFigures, type GroupFigures } from './melody-report';
import type { GroupedAccuracy } from './forest';

const opts = parseArgs(process.argv.slice(2));
/** The resolution the twins were given chords at, named in the chord rows. */
const GIVEN = opts.halfBarChords ? 'half bar' : 'bar';
const log = (s: string) => console.error(s);
/** Real validation segments per voice and style, training segments per style for the style classifier, lines per density point. */
const CAPS = opts.quick ? { val: 10, train: 40, density: 3, trees: 30 } : { val: 80, train: 200, density: 12, trees: 60 };
const DENSITIES = [0, 0.25, 0.5, 0.75, 1];
const NET = 'network';
const NGRAM = 'n-gram';

interface VoiceReport {
  figures: Record<string, GroupFigures>;
  style: StyleRecognition;
  /** model -> accuracy telling real from its twins; `real` -> validation vs training segments (the reference). */
  realVsGenerated: Record<string, GroupedAccuracy>;
  density: Record<string, Record<string, DensityFigures>>;
  /** With --gaps: style -> the features that most tell the network's twins from real segments. */
  gaps?: Record<string, FeatureGap[]>;
}

function ngramLines(ngram: MelodyNgram, style: MelodyStyle, density: number, count: number): EvalLine[] {
  const spb = STEPS_PER_BAR[STYLE_METER[style]];
  return ngram.generate({ style, density, bars: SEGMENT_BARS, temperature: 1, seed: 7, count }).map((seq) => ({
    notes: seq.notes.map((n) => [n.pitch, Math.round(n.startTicks / TICKS_PER_STEP), Math.max(1, Math.round(n.durationTicks / TICKS_PER_STEP))] as NoteTriple),
    key: parseKey('C major'),
    meter: STYLE_METER[style],
    stepsPerBar: spb,
    steps: SEGMENT_BARS * spb,
    barChords: [],
  }));
}

function evalVoice(voice: Voice, tracks: Parameters<typeof collectSegments>[0], net: MelodyRnn | undefined, ngram: MelodyNgram | undefined): VoiceReport {
  const ranges = net?.spec.densityRanges;
  const real = collectSegments(tracks, voice, 'validation', ranges, CAPS.val, opts.halfBarChords);
  const train = collectSegments(tracks, voice, 'train', ranges, CAPS.train);
  log(`${voice}: ${real.length} validation segments, ${train.length} training segments for the style classifier; generating twins ...`);
  const t0 = Date.now();
  const twins: Record<string, Array<EvalLine | undefined>> = {};
  if (net) twins[NET] = real.map((r, i) => generateTwin(net, r, (opts.seed ?? 1000) + i, opts.temperature));
  log(`${voice}: network twins in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (ngram) twins[NGRAM] = real.map((r, i) => generateNgramTwin(ngram, r, (opts.seed ?? 1000) + i));
  const trainKeys = new Set(trainingLines(tracks, voice).flatMap((l) => twoBarKeys(l)));
  const ctx = { trainKeys, voiceRange: (style: string) => net?.voiceRange(voice, style as MelodyStyle) };
  const chordsKnown = { [NET]: true, [NGRAM]: false };
  const pick = (keep: (r: RealSegment) => boolean) => {
    const idx = real.map((r, i) => (keep(r) ? i : -1)).filter((i) => i >= 0);
    return groupFigures(
      idx.map((i) => real[i]),
      Object.fromEntries(Object.entries(twins).map(([n, t]) => [n, idx.map((i) => t[i])])),
      ctx,
      chordsKnown,
    );
  };
  const figures: Record<string, GroupFigures> = { all: pick(() => true) };
  for (const style of STYLES) if (real.some((r) => r.style === style)) figures[style] = pick((r) => r.style === style);
  log(`${voice}: classifiers ...`);
  const styles = real.map((r) => r.style);
  const style = styleRecognition(
    train,
    { real: { lines: real, styles }, ...Object.fromEntries(Object.entries(twins).map(([n, t]) => [n, { lines: t, styles }])) },
    { trees: CAPS.trees },
  );
  const rvg = Object.fromEntries(Object.entries(twins).map(([n, t]) => [n, realVsGenerated(real, t, { trees: CAPS.trees })]));
  rvg.real = realVsReal(real, train, { trees: CAPS.trees });
  log(`${voice}: density sweep ...`);
  const density: VoiceReport['density'] = {};
  for (const st of STYLES) {
    if (!real.some((r) => r.style === st)) continue;
    density[st] = {};
    if (net)
      density[st][NET] = densityFigures(
        DENSITIES,
        DENSITIES.map((d) => net.generateSync(parseMelodyRequest({ voice, style: st, density: d, bars: SEGMENT_BARS, count: CAPS.density, seed: 7 }))),
      );
    if (ngram?.model.styles[st])
      density[st][NGRAM] = densityFigures(
        DENSITIES,
        DENSITIES.map((d) => ngramLines(ngram, st, d, CAPS.density)),
      );
  }
  let gaps: VoiceReport['gaps'];
  if (opts.gaps && twins[NET]) {
    gaps = {};
    for (const st of STYLES) {
      const idx = real.map((r, i) => (r.style === st && twins[NET][i] ? i : -1)).filter((i) => i >= 0);
      if (idx.length)
        gaps[st] = featureGaps(
          idx.map((i) => real[i]),
          idx.map((i) => twins[NET][i]!),
          opts.gaps,
        );
    }
  }
  return { figures, style, realVsGenerated: rvg, density, gaps };
}

// ---- printing ----
const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '-' : (100 * x).toFixed(1));
const dec = (x: number | undefined, d = 3) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(d));

function printVoice(voice: Voice, r: VoiceReport, models: string[]): void {
  const cols = Object.keys(r.figures);
  const W = 22;
  const row = (label: string, cells: string[]) => console.log(label.padEnd(37) + cells.map((c) => c.padStart(W)).join(''));
  const cell = (vals: string[], real: string) => `${vals.join(' ')} | ${real}`;
  const per = (f: (g: GroupFigures, side: string) => string, realToo = true) =>
    cols.map((c) =>
      cell(
        models.map((m) => (r.figures[c].models[m] ? f(r.figures[c], m) : '-')),
        realToo ? f(r.figures[c], 'real') : '',
      ),
    );
  const sideOf = (g: GroupFigures, s: string) => (s === 'real' ? g.real : g.models[s]);
  console.log(`\n== ${voice}: cells are ${models.join(' ')} | real validation`);
  row('', cols);
  row(
    'segments (pieces)',
    cols.map((c) => `${r.figures[c].segments} (${r.figures[c].pieces})`),
  );
  row(
    'in key %',
    per((g, s) => pct(sideOf(g, s).inKey)),
  );
  row(
    `strong-beat chord tones % (${GIVEN})`,
    per((g, s) => pct(sideOf(g, s).chordTones)),
  );
  row(
    '  real, chord sounding there %',
    cols.map((c) => pct(r.figures[c].real.chordTonesActual)),
  );
  row(
    `strong-beat on chord root % (${GIVEN})`,
    per((g, s) => pct(sideOf(g, s).onRoot)),
  );
  row(
    '  real, chord sounding there %',
    cols.map((c) => pct(r.figures[c].real.onRootActual)),
  );
  row(
    `downbeat on chord root % (${GIVEN})`,
    per((g, s) => pct(sideOf(g, s).onRootDownbeat)),
  );
  for (const h of HIST_NAMES)
    row(
      `TV ${h} (real: half vs half)`,
      per((g, s) => dec(sideOf(g, s).hist[h].tv)),
    );
  row(
    'notes per bar',
    per((g, s) => dec(sideOf(g, s).notesPerBar, 2)),
  );
  row(
    '2-bar stretches in training %',
    per((g, s) => pct(sideOf(g, s).copied)),
  );
  row(
    '  2-bar stretches checked',
    per((g, s) => String(sideOf(g, s).copyWindows)),
  );
  row(
    'pitch min-max',
    per((g, s) => `${sideOf(g, s).minPitch}-${sideOf(g, s).maxPitch}`),
  );
  row(
    'outside trained range %',
    per((g, s) => pct(sideOf(g, s).outsideRange)),
  );
  row(
    'ends on a bar line %',
    per((g, s) => pct(sideOf(g, s).endsOnBar)),
  );
  row(
    'style recognised %',
    cols.map((c) =>
      cell(
        models.map((m) => pct(c === 'all' ? r.style.balanced[m] : r.style.perStyle[m]?.[c])),
        pct(c === 'all' ? r.style.balanced.real : r.style.perStyle.real?.[c]),
      ),
    ),
  );
  const dens = (f: (d: DensityFigures) => string) =>
    cols.map((c) => (c === 'all' ? '' : models.map((m) => (r.density[c]?.[m] ? f(r.density[c][m]) : '-')).join(' ')));
  row(
    'density Spearman (of means)',
    dens((d) => dec(d.spearmanMeans, 2)),
  );
  row(
    'density Spearman (all lines)',
    dens((d) => dec(d.spearmanAll, 2)),
  );
  row(
    'density busiest/sparsest',
    dens((d) => dec(d.ratio, 2)),
  );
  for (const m of models)
    row(
      `  ${m} notes/bar at ${DENSITIES.join('/')}`,
      cols.map((c) => (c === 'all' || !r.density[c]?.[m] ? '' : r.density[c][m].means.map((x) => x.toFixed(1)).join('/'))),
    );
  for (const m of models) {
    const w = r.style.worst[m];
    console.log(
      `${m}: style recognised at ${dec(r.style.ratio[m], 2)} of the real rate (worst ${w?.style ?? '-'}: ${pct(w?.accuracy)} %, ${dec(w?.ratio, 2)} of real); real-vs-generated classifier ${pct(r.realVsGenerated[m]?.accuracy)} % (${r.realVsGenerated[m]?.samples} segments, ${r.realVsGenerated[m]?.groups} pieces; 50 % = indistinguishable)`,
    );
  }
  const ref = r.realVsGenerated.real;
  console.log(
    `reference: the same classifier, real validation vs real training segments of the same styles: ${pct(ref?.accuracy)} % (${ref?.samples} segments)`,
  );
  for (const [st, gaps] of Object.entries(r.gaps ?? {}))
    console.log(
      `gaps ${voice} ${st}: ${gaps.map((g) => `${g.name} ${g.d >= 0 ? '+' : ''}${g.d.toFixed(2)} (${dec(g.real)} real, ${dec(g.generated)} net)`).join('; ')}`,
    );
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const corpus = loadMelodyCorpus();
  let art: ReturnType<typeof readMelodyNetArtifacts>;
  try {
    art = readMelodyNetArtifacts(opts.modelDir);
  } catch (err) {
    // The loader throws raw TypeError/SyntaxError on a malformed model.json: one line here.
    throw new TandemError(`cannot read the melody network in ${opts.modelDir}: ${(err as Error).message}`);
  }
  if (!art && opts.modelGiven)
    throw new TandemError(`--model ${opts.modelDir}: no model.json there (a folder written by train_melody.py: model.json + weights.bin)`);
  let net: MelodyRnn | undefined;
  if (art) {
    await initNodeTf('wasm');
    try {
      net = MelodyRnn.load(art);
      if (opts.rootBias !== undefined) net.downbeatRootBias = opts.rootBias;
      if (opts.noRegister) net.foldRegister = false;
      if (opts.bassPlaysNoChord) net.bassRestsOnNoChord = false;
      if (opts.noPickup) net.pickupOnNoChord = false;
      if (opts.noIntervalPrior) net.intervalPrior = false;
      if (opts.noOnsetCalibration) net.onsetCalibration = false;
      if (opts.middleEveryBar) net.middleRootEveryBar = true;
      if (opts.densityGain !== undefined) {
        net.densityGain = { melody: opts.densityGain, bass: opts.densityGain };
        net.densityStretch = {};
      }
      for (const [key, gain] of Object.entries(opts.styleDensityGain ?? {}))
        net.densityStretch = { ...net.densityStretch, [key]: { ...(net.densityStretch[key] ?? { from: 0.25, to: 0.75 }), gain } };
      if (opts.chordToneBarBias !== undefined) net.chordToneBarBias = opts.chordToneBarBias;
      if (opts.noRegisterTilt) net.registerCalibration = false;
      if (opts.chordToneBias !== undefined) net.chordToneBias = opts.chordToneBias;
      if (opts.minP !== undefined) net.minP = { melody: opts.minP, bass: opts.minP };
      if (opts.restBias !== undefined) net.restBias = opts.restBias;
      if (opts.middleBias !== undefined) net.middleBeatRootBias = opts.middleBias;
    } catch (err) {
      // MelodyWeights throws a TypeError (not a TandemError) when model.json's spec lacks fields.
      throw err instanceof TandemError ? err : new TandemError(`the melody network in ${opts.modelDir} does not load: ${(err as Error).message}`);
    }
  } else log(`no melody network in ${opts.modelDir}: only the n-gram baseline is measured`);
  const training = art?.modelJson.training as { epochs?: number; bestEpoch?: number; validation?: Record<string, number> } | undefined;
  const report: Record<string, unknown> = {
    split: 'validation',
    quick: opts.quick,
    segmentBars: SEGMENT_BARS,
    caps: CAPS,
    network: art ? { dir: opts.modelDir, epochs: training?.epochs, bestEpoch: training?.bestEpoch, validationNll: training?.validation } : null,
    voices: {} as Record<string, VoiceReport>,
  };
  const voices: Record<string, VoiceReport> = {};
  const measured = opts.voice ? [opts.voice] : VOICES;
  for (const voice of measured) {
    let ngram: MelodyNgram | undefined;
    try {
      ngram = loadMelodyNgram(voice);
    } catch (err) {
      log((err as Error).message);
    }
    voices[voice] = evalVoice(voice, corpus.tracks, net, ngram);
  }
  report.voices = voices;
  report.seconds = (Date.now() - t0) / 1000;
  if (opts.json) {
    console.log(JSON.stringify(report, null, 1));
    return;
  }
  const models = [...(net ? [NET] : []), NGRAM];
  console.log(
    `Melody and bass on the validation split, ${SEGMENT_BARS}-bar segments${opts.quick ? ' (quick)' : ''}; network: ${art ? `${opts.modelDir}, best epoch ${training?.bestEpoch} of ${training?.epochs}, temperature ${opts.temperature}, bass downbeat / middle-beat root bonus ${net?.downbeatRootBias} / ${net?.middleBeatRootBias}, register ${net?.foldRegister && net.register('bass') ? 'kept' : 'not kept'}, min-p ${net ? `${net.minP.melody} / ${net.minP.bass}` : '-'}, rest bias ${net?.restBias}, seeds from ${opts.seed ?? 1000}` : 'none'}; chords given ${opts.halfBarChords ? 'per half bar (3/4: per bar), chord figures against them' : "one per bar (the downbeat's)"}`,
  );
  console.log('TV = total variation distance of the histogram to real lines of the other half of the pieces (real: half vs half, the floor).');
  console.log(
    'The n-gram takes no key or chords: its key is estimated from its notes, its chord figures are "-"; it knows fewer styles (bass: pop, chorale), so its "all" covers those.',
  );
  console.log(
    `Copy check: 2-bar stretches (every bar offset) with >= ${COPY_MIN_NOTES} notes, onsets and key-relative pitches, found verbatim in the training lines of the voice.`,
  );
  for (const voice of measured) printVoice(voice, voices[voice], models);
  console.log(`\n(${report.seconds} s)`);
}

try {
  await main();
} catch (err) {
  if (!(err instanceof TandemError)) throw err;
  console.error(`eval:melody: ${err.message}`);
  process.exit(1);
}
