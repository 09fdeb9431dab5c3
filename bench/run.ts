/**
 * npm run bench: speed figures printed as one table. Nothing here asserts; tests check behaviour.
 *   MIDI file parse/write throughput, data build time, baseline and network generation speed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { readMidiFile } from '../src/midi-file/read';
import { writeMidiFile } from '../src/midi-file/write';
import { parseDrumRequest } from '../src/models/request';
import { GrooveRnn } from '../src/models/drums/groove-rnn';
import { buildAll } from '../bridge/data/build';
import { datasetsDir } from '../bridge/data/paths';
import { initNodeTf } from '../bridge/engine/node-tf';
import { loadDrumNgram, readDrumNetArtifacts } from '../bridge/models/load';
import { readMelodyNetArtifacts } from '../bridge/models/load-melody';
import { MelodyRnn } from '../src/models/melody/melody-rnn';
import { parseMelodyRequest } from '../src/models/melody/request';
import { medianMs } from './timing';

interface Row {
  what: string;
  value: string;
  unit: string;
}
const rows: Row[] = [];
const add = (what: string, value: number, unit: string, digits = 1) => {
  rows.push({ what, value: value.toFixed(digits), unit });
  console.error(`  ${what}: ${value.toFixed(digits)} ${unit}`);
};

const time = medianMs;

function midiFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) midiFiles(join(dir, e.name), out);
    else if (e.name.endsWith('.mid')) out.push(join(dir, e.name));
  }
  return out;
}

async function main(): Promise<void> {
  console.error('tandem bench (progress on stderr, table on stdout)');
  const root = datasetsDir();
  const files = midiFiles(join(root, 'groove-midi'));
  const blobs = files.map((f) => readFileSync(f));
  const mb = blobs.reduce((a, b) => a + b.length, 0) / 1e6;
  const parseMs = await time(() => blobs.map((b) => readMidiFile(b)), 3);
  add(`MIDI parse (${files.length} Groove MIDI files, ${mb.toFixed(1)} MB)`, mb / (parseMs / 1000), 'MB/s');
  const seqs = blobs.map((b) => readMidiFile(b).sequence);
  const writeMs = await time(() => seqs.map((s) => writeMidiFile(s)), 3);
  const outMb = seqs.map((s) => writeMidiFile(s).length).reduce((a, b) => a + b, 0) / 1e6;
  add('MIDI write (same notes)', outMb / (writeMs / 1000), 'MB/s', 2);

  const cache = mkdtempSync(join(tmpdir(), 'tandem-bench-'));
  for (const c of ['drums', 'melody'] as const) {
    const [s] = buildAll({ cache, only: [c] });
    add(`data build: ${c} corpus (${s.tracks} tracks)`, s.ms / 1000, 's', 2);
  }

  const ngram = loadDrumNgram();
  const req = (count: number) => parseDrumRequest({ genre: 'funk', density: 0.6, bars: 8, count, seed: 1 });
  add('baseline n-gram: 8 bars x 1', await time(() => ngram.generateSync(req(1))), 'ms');
  add('baseline n-gram: 8 bars x 16', await time(() => ngram.generateSync(req(16)), 3), 'ms');

  const art = readDrumNetArtifacts();
  if (!art) {
    rows.push({ what: 'drum network', value: 'absent', unit: 'train it: npm run train:drums' });
  } else {
    for (const backend of ['wasm', 'cpu'] as const) {
      await initNodeTf('wasm');
      await tf.setBackend(backend);
      const t0 = performance.now();
      const net = GrooveRnn.load(art);
      add(`network ${backend}: load`, performance.now() - t0, 'ms');
      const one = await time(() => net.generateSync(req(1)));
      add(`network ${backend}: 8 bars x 1`, one, 'ms');
      const sixteen = await time(() => net.generateSync(req(16)), 3);
      add(`network ${backend}: 8 bars x 16`, sixteen, 'ms');
      add(`network ${backend}: steps per second (batch 1)`, 128 / (one / 1000), 'steps/s', 0);
      add(`network ${backend}: 8 bars vs a bar's length at 120 BPM (2 s)`, one / 2000, 'x', 3);
      net.dispose();
    }
  }
  const melodyArt = readMelodyNetArtifacts();
  if (!melodyArt) {
    rows.push({ what: 'melody/bass network', value: 'absent', unit: 'train it: npm run train:melody' });
  } else {
    for (const backend of ['wasm', 'cpu'] as const) {
      await tf.setBackend(backend);
      const t0 = performance.now();
      const net = MelodyRnn.load(melodyArt);
      add(`melody/bass network ${backend}: load`, performance.now() - t0, 'ms');
      for (const voice of ['melody', 'bass'] as const) {
        const mreq = (count: number) => parseMelodyRequest({ voice, style: 'pop', key: 'C major', chords: 'C G Am F', density: 0.6, bars: 8, count, seed: 1 });
        add(`melody/bass network ${backend}: ${voice} 8 bars x 1`, await time(() => net.generateSync(mreq(1))), 'ms');
        add(`melody/bass network ${backend}: ${voice} 8 bars x 16`, await time(() => net.generateSync(mreq(16)), 3), 'ms');
      }
      // issue 12 point 6: a band's next phrase (play --parts drums,bass: 8 bars of each, one after
      // the other in one process) against one bar at 180 BPM (1,333 ms).
      if (backend === 'wasm' && art) {
        const drums = GrooveRnn.load(art);
        const bass = parseMelodyRequest({ voice: 'bass', style: 'pop', key: 'C major', chords: 'C G Am F', density: 0.6, bars: 8, count: 1, seed: 1 });
        const phrase = await time(async () => {
          await drums.generate(req(1));
          await net.generate(bass);
        }, 9);
        add('next phrase, drums + bass 8 bars x 1 (wasm)', phrase, 'ms');
        add("next phrase vs a bar's length at 180 BPM (1,333 ms)", phrase / (4 * (60_000 / 180)), 'x', 3);
        drums.dispose();
      }
      net.dispose();
    }
  }
  const w = Math.max(...rows.map((r) => r.what.length));
  console.log(`\n${'figure'.padEnd(w)}  ${'value'.padStart(9)}  unit`);
  console.log(`${'-'.repeat(w)}  ${'-'.repeat(9)}  ----`);
  for (const r of rows) console.log(`${r.what.padEnd(w)}  ${r.value.padStart(9)}  ${r.unit}`);
}

await main();
