/**
 * npx tsx bench/drums-speed.ts DIR [DIR ...]: CPU time (user + system) of one drum generation in
 * Node's wasm backend, 8 bars for 1 and for 16 variations, for each drum network folder, the
 * folders alternating request by request so that a loaded machine weighs on them alike (wall
 * time on a shared machine says little; issue 13 compares a new head with the weights before it).
 * Prints the median of 15 requests each, after 3 warm-ups.
 */
import { initNodeTf } from '../bridge/engine/node-tf';
import { readDrumNetArtifacts } from '../bridge/models/load';
import { GrooveRnn } from '../src/models/drums/groove-rnn';
import { parseDrumRequest } from '../src/models/request';

const dirs = process.argv.slice(2);
if (!dirs.length) {
  console.error('usage: npx tsx bench/drums-speed.ts DIR [DIR ...] (folders with a drum model.json)');
  process.exit(2);
}
await initNodeTf('wasm');
const models = dirs.map((d) => {
  const art = readDrumNetArtifacts(d);
  if (!art) {
    console.error(`${d}: no drum model.json there`);
    process.exit(2);
  }
  return GrooveRnn.load(art);
});
const cpuMs = (f: () => void) => {
  const t = process.cpuUsage();
  f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
};
const request = (seed: number, count: number) => parseDrumRequest({ genre: 'rock', bars: 8, seed, count });
for (const m of models) for (let i = 0; i < 3; i++) [1, 16].forEach((n) => m.generateSync(request(i, n)));
const times = dirs.map(() => ({ one: [] as number[], sixteen: [] as number[] }));
for (let r = 0; r < 15; r++) {
  models.forEach((m, k) => {
    times[k].one.push(cpuMs(() => m.generateSync(request(100 + r, 1))));
    times[k].sixteen.push(cpuMs(() => m.generateSync(request(100 + r, 16))));
  });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
dirs.forEach((d, k) => {
  const one = median(times[k].one);
  const sixteen = median(times[k].sixteen);
  console.log(`${d}: 8 bars x1 ${one.toFixed(1)} ms CPU, x16 ${sixteen.toFixed(1)} ms CPU (x16/x1 ${(sixteen / one).toFixed(2)})`);
});
models.forEach((m) => m.dispose());
