import { Command, CommanderError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { InvalidValueError, TandemError } from '../../src/errors';
import { DRUM_GENRES } from '../../src/conditioning/genres';
import { DRUM_REQUEST_DEFAULTS } from '../../src/models/request';
import { buildAll, CORPORA, type CorpusName } from '../data/build';
import { corpusStats, formatStats } from '../data/stats';
import { browserBackends, runDoctor } from '../doctor';
import { EXIT, flagMessage, UsageError } from './errors';
import { describeGrid, MODELS, runGenerate, type GenerateFlags } from './generate';
import { parseDuration, runPlay, type PlayFlags } from './play';
import { runServe, type ServeFlags } from './serve';
import { loadMelodyNgram } from '../models/load';
import { errnoCode, FileAccessError, reasonOf } from '../fs/errors';
import type { DrumGrid } from '../../src/tokens/drum-grid';

const program = new Command();
program
  .name('tandem')
  .description('Tandem: an AI co-player for your DAW. Generates drum grooves by genre and density as MIDI.')
  .version('0.1.0')
  .exitOverride()
  .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, 'tandem: ')) });

program
  .command('generate')
  .description('generate drum grooves and write them as Standard MIDI Files')
  .addOption(new Option('--model <name>', 'what to generate: drums, melody or bass').default('drums'))
  .addOption(new Option('--model-impl <impl>', 'network (trained GRU) or baseline (n-gram)').default('network'))
  .option('--genre <genre>', `drums: one of ${DRUM_GENRES.join(', ')}, or any (default rock); melody/bass: a style from tandem genres --model melody`)
  .option('--density <0..1>', `how busy: 0 sparsest, 1 busiest (default ${DRUM_REQUEST_DEFAULTS.density})`)
  .option('--bars <n>', `length in bars (default ${DRUM_REQUEST_DEFAULTS.bars})`)
  .option('--temperature <t>', `sampling temperature, 0.05-3 (default ${DRUM_REQUEST_DEFAULTS.temperature})`)
  .option('--seed <n>', 'same flags + same seed = same notes (default 0)')
  .option('--count <n>', 'variations to generate (default 1)')
  .option('--fill-every <n>', 'a fill every N bars, 0 for none (default 0)')
  .option('--bpm <bpm>', 'tempo written into the files', '120')
  .option('--primer <file.mid>', 'continue these bars (whole bars of 4/4 are kept)')
  .option('--preset <name>', 'start from a preset in presets/ (flags override it)')
  .option('--engine <engine>', 'where the network runs: auto (Chromium when a browser is found), chromium or node', 'auto')
  .option('--backend <name>', 'TF.js backend: webgpu, webgl, wasm or cpu (default: the fastest correct one; wasm in Node)')
  .option('--out <dir-or-file.mid>', 'folder or .mid file to write (folder names carry every setting; an existing file is never replaced without --force)', 'tandem-out/')
  .option('--force', 'replace existing files of the same names')
  .option('--json', 'print one JSON line: {"files","notes","model","engine","ms",...}')
  .option('--quiet', 'print only the file paths')
  .action(async (opts: GenerateFlags) => {
    const res = (await runGenerate(opts)) as Awaited<ReturnType<typeof runGenerate>> & { grids: DrumGrid[] };
    const { grids, sequences, ...json } = res as typeof res & { sequences?: unknown };
    void sequences;
    if (opts.json) {
      process.stdout.write(JSON.stringify(json) + '\n');
      return;
    }
    if (res.note) console.error(`note: ${res.note}`);
    if (!opts.quiet) {
      const r = res.request;
      console.log(`${res.model} (${res.engine}${res.backend ? `/${res.backend}` : ''}) ${r.genre ?? 'any'} density ${r.density} temperature ${r.temperature} seed ${r.seed}: ${res.files.length} x ${r.bars} bars in ${res.ms} ms`);
      if (grids.length) console.log(describeGrid(grids[0]));
    }
    res.files.forEach((f, i) => console.log(opts.quiet ? f : `wrote ${f}  (${res.onsetsPerBar[i]} ${opts.model === 'drums' ? 'hits' : 'notes'}/bar)`));
  });

program
  .command('play')
  .description('play along: follow a clock, generate ahead of the playhead, send notes to a MIDI port')
  .option('--clock <source>', 'internal (own tempo) or midi (follow the clock on the input port)', 'internal')
  .option('--bpm <bpm>', 'tempo of the internal clock (also the first guess when following)', '120')
  .option('--port <name>', 'send to this existing MIDI output instead of a virtual "Tandem Out" (Windows: a loopMIDI port)')
  .option('--clock-port <name>', 'follow the clock on this existing input instead of a virtual "Tandem Clock"')
  .option('--bars-ahead <n>', 'bars generated ahead of the playhead', '2')
  .option('--duration <time>', 'stop after this long (30s, 2m, 500ms)')
  .option('--genre <genre>', 'drum genre', 'rock')
  .option('--density <0..1>', 'how busy', '0.5')
  .option('--temperature <t>', 'sampling temperature', '1.0')
  .option('--fill-every <n>', 'a fill every N bars, 0 for none', '0')
  .option('--seed <n>', 'seed of the first phrase (each next phrase adds 1)', '0')
  .addOption(new Option('--model-impl <impl>', 'network or baseline').default('network'))
  .option('--engine <engine>', 'where the network runs: auto (Chromium when a browser is found, else a Node worker thread), chromium or node', 'auto')
  .option('--backend <name>', 'TF.js backend in Chromium: webgpu, webgl, wasm or cpu (default: the fastest correct one)')
  .option('--latency <ms>', 'shift every note by this many ms (negative = earlier)', '0')
  .option('--out <dir>', 'where each session folder of suggestions goes', 'tandem-out')
  .action(async (opts: PlayFlags) => {
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
  .addOption(new Option('--model-impl <impl>', 'network or baseline').default('network'))
  .option('--engine <engine>', 'where the network runs: auto (Chromium when a browser is found, else a Node worker thread), chromium or node', 'auto')
  .option('--backend <name>', 'TF.js backend in Chromium: webgpu, webgl, wasm or cpu (default: the fastest correct one)')
  .option('--out <dir>', 'where suggestions are saved', 'tandem-out')
  .option('--duration <time>', 'stop after this long (30s, 2m)')
  .option('--lease <time>', 'stop when no OSC message has arrived for this long (20s); the device starts the bridge with it and pings every 5 s')
  .action(async (opts: ServeFlags) => {
    await runServe(opts, opts.duration ? parseDuration(opts.duration) : undefined);
  });

program
  .command('genres')
  .description('list the genres a model knows')
  .option('--model <name>', 'model', 'drums')
  .option('--json', 'print a JSON array')
  .action((opts: { model: string; json?: boolean }) => {
    if (!(MODELS as readonly string[]).includes(opts.model)) throw new InvalidValueError('model', opts.model, `one of ${MODELS.join(', ')}`);
    const list = opts.model === 'drums' ? [...DRUM_GENRES] : loadMelodyNgram(opts.model as 'melody' | 'bass').styles;
    console.log(opts.json ? JSON.stringify(list) : list.join('\n'));
  });

program
  .command('doctor')
  .description('check what this machine can do: Node, browser, TF.js backends, MIDI, OSC, models, datasets')
  .option('--json', 'print JSON')
  .option('--no-browser', 'skip launching Chromium to probe its TF.js backends')
  .action(async (opts: { json?: boolean; browser?: boolean }) => {
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
  .action((opts: { datasets?: string; cache?: string; only?: string }) => {
    if (opts.only && !(CORPORA as readonly string[]).includes(opts.only)) throw new InvalidValueError('only', opts.only, `one of ${CORPORA.join(', ')}`);
    const bar = new cliProgress.SingleBar({ format: '{corpus} [{bar}] {value}/{total} {label}', hideCursor: true, clearOnComplete: true, stream: process.stderr }, cliProgress.Presets.shades_classic);
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
    for (const s of summary) console.log(`${s.corpus}: ${s.tracks} tracks, ${s.skipped} files skipped (see "skipped" in the file), ${(s.ms / 1000).toFixed(1)} s -> ${s.file}`);
  });
data
  .command('stats')
  .description('per-corpus counts, bars per genre and density distributions')
  .option('--cache <dir>', 'cache folder')
  .option('--json', 'print JSON')
  .action((opts: { cache?: string; json?: boolean }) => {
    const stats = corpusStats(opts.cache);
    console.log(opts.json ? JSON.stringify(stats, null, 1) : formatStats(stats));
  });

async function main(argv: string[]): Promise<number> {
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage; // commander already printed its one line
    }
    if (err instanceof FileAccessError) {
      console.error(`tandem: ${err.message}`);
      return err.badInput ? EXIT.usage : EXIT.failure;
    }
    if (errnoCode(err) && typeof (err as NodeJS.ErrnoException).path === 'string') {
      // A file-system error no check above caught: still one line with the path and the reason.
      const e = err as NodeJS.ErrnoException;
      console.error(`tandem: cannot ${e.syscall ?? 'use'} ${e.path}: ${reasonOf(e)}`);
      return EXIT.failure;
    }
    if (err instanceof InvalidValueError) {
      console.error(`tandem: ${flagMessage(err)}`);
      return EXIT.usage;
    }
    if (err instanceof UsageError || (err instanceof TandemError && err.name === 'PresetError')) {
      console.error(`tandem: ${err.message}`);
      return EXIT.usage;
    }
    if (err instanceof TandemError) {
      console.error(`tandem: ${err.message}`);
      if (err.name === 'MidiUnavailableError') return EXIT.failure;
      return err.name === 'MidiFileError' ? EXIT.usage : EXIT.failure;
    }
    console.error(`tandem: unexpected error: ${(err as Error).stack ?? String(err)}`);
    return EXIT.failure;
  }
}

process.exitCode = await main(process.argv);
