import { Command } from 'commander';
import { InvalidValueError, TandemError } from '../../src/errors';
import { CONTROL_NAMES, CONTROLS } from '../../src/models/controls';
import { DEFAULT_MODEL, MODEL_NAMES, MODEL_SPECS, modelSpec } from '../../src/models/registry';
import { CORPORA, type CorpusName } from '../data/corpora';
import { addControlFlags } from './control-flags';
import type { GenerateFlags } from './generate';
import type { PlayFlags } from './play';
import type { ServeFlags } from './serve';
import type { HumanizeFlags } from './humanize';
import { DRUM_GENRES } from '../../src/conditioning/genres';
import { listPresets } from '../presets';
import { SHARED_OPTIONS as O } from './options';
import { WorkerPartModel } from '../live/worker-part';

// Each command loads its own modules when it runs (TF.js, puppeteer, OSC, MIDI, the data
// builder): `generate` on the Node engine starts without the browser's or the server's code.

/**
 * The command line: every command and option of `tandem`. Options several commands take are
 * declared once (./options.ts), the models' controls come from the control table.
 */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('tandem')
    .description(`Tandem: an AI co-player for your DAW. Generates ${MODEL_NAMES.join(', ')} as MIDI.`)
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, 'tandem: ')) });

  const generate = program
    .command('generate')
    .description('generate drum grooves, melodies or bass lines and write them as Standard MIDI Files')
    .addOption(O.model(`what to generate (${MODEL_SPECS.map((s) => `${s.name}: ${s.description}`).join('; ')})`));
  addControlFlags(generate, CONTROL_NAMES);
  generate
    .addOption(O.modelImpl())
    .addOption(O.bpm('tempo written into the files'))
    .option('--primer <file.mid>', "continue these bars (whole bars of 4/4; notes on the model's channel)")
    .option('--preset <name>', `start from a preset in presets/ (flags override it): ${listPresets().join(', ')}`)
    .addOption(O.engine('in this process; Chromium for a large batch on a GPU'))
    .addOption(O.backend())
    .addOption(
      O.out('folder or .mid file to write (folder names carry every setting; an existing file is never replaced without --force)', '<dir-or-file.mid>'),
    )
    .addOption(O.force('replace existing files of the same names'))
    .addOption(O.json('one line, {"files","notes","model","engine","ms",...}'))
    .option('--quiet', 'print only the file paths')
    .action(async (opts: GenerateFlags) => {
      const { runGenerate } = await import('./generate');
      const { sequences, ...res } = await runGenerate(opts);
      if (opts.json) {
        process.stdout.write(JSON.stringify(res) + '\n');
        return;
      }
      if (res.note) console.error(`note: ${res.note}`);
      if (!opts.quiet) {
        const r = res.request;
        console.log(
          `${res.model} (${res.engine}${res.backend ? `/${res.backend}` : ''}) ${r.genre} density ${r.density} temperature ${r.temperature} seed ${r.seed}: ${res.files.length} x ${r.bars} bars in ${res.ms} ms`,
        );
        const picture = modelSpec(r.model).picture;
        if (picture && sequences.length) console.log(picture(sequences[0]));
      }
      res.files.forEach((f, i) => console.log(opts.quiet ? f : `wrote ${f}  (${res.onsetsPerBar[i]} notes/bar)`));
    });

  program
    .command('humanize')
    .description("give a quantized drum clip a drummer's velocities and timing (every note kept on its 16th)")
    .argument('<in.mid>', 'the drum clip (General MIDI drums on channel 10)')
    .option('--out <file.mid>', 'where the humanized clip goes')
    .option('--amount <0..1>', '0 keeps the input, 1 plays it as the network would (default 1)')
    .option('--genre <genre>', `whose feel: one of ${DRUM_GENRES.join(', ')}, or any (default any)`)
    .option('--seed <n>', 'same clip + flags + seed = same result (default 0)')
    .addOption(O.force('replace --out if it exists'))
    .addOption(O.json('one line, {"file","notes","untouched","quantized","ms",...}'))
    .action(async (input: string, opts: HumanizeFlags) => {
      const { runHumanize } = await import('./humanize');
      const res = await runHumanize(input, opts);
      if (opts.json) {
        process.stdout.write(JSON.stringify(res) + '\n');
        return;
      }
      if (res.quantized) console.error(`note: ${res.quantized} of ${res.notes} drum notes were off the 16th grid; quantized first`);
      if (res.untouched) console.error(`note: ${res.untouched} notes (other channels or other drum pitches) passed through unchanged`);
      console.log(`humanized ${res.notes} drum notes (${res.options.genre ?? 'any'}, amount ${res.options.amount}, seed ${res.options.seed}) in ${res.ms} ms`);
      console.log(`wrote ${res.file}`);
    });

  const play = program
    .command('play')
    .description('play along: follow a clock, generate ahead of the playhead, send notes to a MIDI port')
    .option('--clock <source>', 'internal (own tempo) or midi (follow the clock on the input port)', 'internal')
    .addOption(O.bpm('tempo of the internal clock (also the first guess when following)'))
    .option('--port <name>', 'send to this existing MIDI output instead of a virtual "Tandem Out" (Windows: a loopMIDI port)')
    .option('--clock-port <name>', 'follow the clock on this existing input instead of a virtual "Tandem Clock"')
    .option('--bars-ahead <n>', 'bars generated ahead of the playhead', '2')
    .addOption(O.duration())
    .addOption(O.model('what to play'))
    .option(
      '--parts <list>',
      `several parts at once, each on its own MIDI channel, sharing tempo, key and chords (e.g. drums,bass or drums,bass,melody); --genre then takes one genre for the parts that know it, or one per part: drums:funk,bass:pop`,
    );
  addControlFlags(play, ['style', 'density', 'temperature', 'seed', 'fillEvery', 'key', 'chords'], { seed: '0; each next phrase takes the next seed' });
  play
    .addOption(O.modelImpl())
    .addOption(O.engine('a Node worker thread'))
    .addOption(O.backend())
    .option('--latency <ms>', 'shift every note by this many ms (negative = earlier)', '0')
    .addOption(O.out('where each session folder of suggestions goes'))
    .addOption(O.panel('see, hear, steer and keep suggestions in a browser'))
    .addOption(O.panelPort())
    .action(async (opts: PlayFlags) => {
      const { runPlay } = await import('./play');
      const r = await runPlay(opts);
      console.log(`played ${r.phrases} phrase(s)${r.repeats ? ` (${r.repeats} repeated while the model was late)` : ''}; saved in ${r.dir}`);
      // Played from memory, but not everything is on disk: the exit code says so.
      if (r.unsaved) throw new TandemError(`${r.unsaved} suggestion(s) could not be saved${r.saveError ? ` (last: ${r.saveError})` : ''}`);
    });

  program
    .command('serve')
    .description('run the OSC control bridge (for the Max for Live device or any OSC client) on 127.0.0.1')
    .option('--osc-port <port>', 'UDP port to listen on', '57121')
    .option('--reply-port <port>', 'send replies to this port on 127.0.0.1 (default: to the sender)')
    .addOption(O.modelImpl())
    .addOption(O.engine('a Node worker thread'))
    .addOption(O.backend())
    .addOption(O.out('where each session folder of suggestions goes'))
    .addOption(O.duration())
    .option('--lease <time>', 'stop when no OSC message has arrived for this long (20s); the device starts the bridge with it and pings every 5 s')
    .addOption(O.panel('the same session as OSC'))
    .addOption(O.panelPort())
    .action(async (opts: ServeFlags) => {
      // The default model's worker thread starts before the server's code loads, so TF.js starts
      // and warms up on the other core meanwhile (issue 15); runServe's pool takes it. With
      // --engine chromium no worker runs; a bad flag is refused by runServe as before.
      if (String(opts.engine).toLowerCase() !== 'chromium' && (opts.modelImpl === 'network' || opts.modelImpl === 'baseline'))
        void WorkerPartModel.prestart(DEFAULT_MODEL, opts.modelImpl);
      const [{ runServe }, { parseDuration }] = await Promise.all([import('./serve'), import('./play')]);
      await runServe(opts, opts.duration ? parseDuration(opts.duration) : undefined);
    });

  program
    .command('genres')
    .description('list the genres (styles) a model knows')
    .addOption(O.model('whose genres'))
    .addOption(O.json('an array'))
    .action((opts: { model: string; json?: boolean }) => {
      const list = [...modelSpec(opts.model).styles];
      console.log(opts.json ? JSON.stringify(list) : list.join('\n'));
    });

  program
    .command('models')
    .description('list the models: controls, styles, voice range, MIDI channel, implementations')
    .addOption(O.json(''))
    .action((opts: { json?: boolean }) => {
      const rows = MODEL_SPECS.map((s) => ({
        name: s.name,
        description: s.description,
        styles: s.styles,
        defaultStyle: s.defaultStyle,
        controls: s.controls,
        voiceRange: s.voiceRange,
        channel: s.channel + 1,
        implementations: s.implementations.map((i) => i.id),
      }));
      if (opts.json) return console.log(JSON.stringify(rows, null, 1));
      for (const r of rows)
        console.log(
          `${r.name}: ${r.description}\n  channel ${r.channel}, pitches ${r.voiceRange.low}-${r.voiceRange.high}, runs ${r.implementations.join(' or ')}\n  controls: ${['genre', ...r.controls.map((c) => CONTROLS[c].flag)].join(', ')}\n  genres: ${r.styles.join(', ')} (default ${r.defaultStyle})`,
        );
    });

  program
    .command('doctor')
    .description('check what this machine can do: Node, browser, TF.js backends, MIDI, OSC, models, datasets')
    .addOption(O.json(''))
    .option('--no-browser', 'skip launching Chromium to probe its TF.js backends')
    .action(async (opts: { json?: boolean; browser?: boolean }) => {
      const { browserBackends, runDoctor } = await import('../doctor');
      const checks = await runDoctor();
      const browser = opts.browser === false ? undefined : await browserBackends();
      if (browser) checks.push(browser.check);
      if (opts.json) {
        console.log(JSON.stringify({ checks, backends: browser?.info?.backends ?? [] }, null, 1));
        return;
      }
      const w = Math.max(...checks.map((c) => c.name.length));
      for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'warn'}  ${c.name.padEnd(w)}  ${c.detail}`);
      if (browser?.table) console.log(`\n${browser.table}`);
    });

  const data = program.command('data').description('build and inspect the training corpora');
  data
    .command('build')
    .description('read ../shared/datasets and write normalised corpora into the cache folder')
    .option('--datasets <dir>', 'datasets folder (default ../shared/datasets or $TANDEM_DATASETS)')
    .option('--cache <dir>', 'output folder (default .cache/ in the repo or $TANDEM_CACHE)')
    .option('--only <corpus>', `one of ${CORPORA.join(', ')}`)
    .action(async (opts: { datasets?: string; cache?: string; only?: string }) => {
      if (opts.only && !(CORPORA as readonly string[]).includes(opts.only)) throw new InvalidValueError('only', opts.only, `one of ${CORPORA.join(', ')}`);
      const [{ buildAll }, { default: cliProgress }] = await Promise.all([import('../data/build'), import('cli-progress')]);
      const bar = new cliProgress.SingleBar(
        { format: '{corpus} [{bar}] {value}/{total} {label}', hideCursor: true, clearOnComplete: true, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      );
      let current = '';
      const summary = buildAll({
        datasets: opts.datasets,
        cache: opts.cache,
        only: opts.only ? [opts.only as CorpusName] : undefined,
        onProgress: (corpus, done, total, label) => {
          if (corpus !== current) {
            if (current) bar.stop();
            current = corpus;
            bar.start(total, 0, { corpus, label: '' });
          }
          bar.setTotal(total);
          bar.update(done, { corpus, label: label.length > 40 ? '...' + label.slice(-37) : label });
        },
      });
      bar.stop();
      for (const s of summary)
        console.log(`${s.corpus}: ${s.tracks} tracks, ${s.skipped} files skipped (see "skipped" in the file), ${(s.ms / 1000).toFixed(1)} s -> ${s.file}`);
    });
  data
    .command('stats')
    .description('per-corpus counts, bars per genre and density distributions')
    .option('--cache <dir>', 'cache folder')
    .addOption(O.json(''))
    .action(async (opts: { cache?: string; json?: boolean }) => {
      const { corpusStats, formatStats } = await import('../data/stats');
      const stats = corpusStats(opts.cache);
      console.log(opts.json ? JSON.stringify(stats, null, 1) : formatStats(stats));
    });
  return program;
}
