import { NUM_DRUM_CLASSES } from '../../music/drum-map';
import { DRUM_GENRES } from '../../conditioning/genres';
import { emptyGrid, stepPattern, type DrumGrid } from '../../tokens/drum-grid';
import { gaussian, makeRng, sampleIndex, softmaxInto } from '../../random';
import { InvalidValueError } from '../../errors';
import { isFillBar, type DrumRequest } from '../request';
import type { DrumModel } from '../types';
import { DRUM_INPUT, DRUM_PATTERNS, DRUM_STEPS_PER_BAR } from './spec';
import { completeHead, DrumNetwork, type DrumNetArtifacts } from './network';

const C = NUM_DRUM_CLASSES;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));

/** Primer bars kept from a request (whole bars only); errors when they leave nothing to generate. */
export function primerSteps(req: DrumRequest): number {
  if (!req.primer) return 0;
  const bars = Math.floor(req.primer.steps / DRUM_STEPS_PER_BAR);
  if (bars < 1) throw new InvalidValueError('primer', `${req.primer.steps} steps`, 'at least one whole bar of 4/4');
  if (bars >= req.bars) throw new InvalidValueError('primer', `${bars} bars`, `shorter than the requested length (${req.bars} bars): raise --bars`);
  return bars * DRUM_STEPS_PER_BAR;
}

/** Writes the model input row for one variation at one step. */
export function fillInputRow(x: Float32Array, row: number, grid: DrumGrid, step: number, req: DrumRequest): void {
  const o = row * DRUM_INPUT.size;
  x.fill(0, o, o + DRUM_INPUT.size);
  if (step > 0) {
    for (let c = 0; c < C; c++) {
      const v = grid.velocity[(step - 1) * C + c];
      if (!v) continue;
      x[o + DRUM_INPUT.prevHits + c] = 1;
      x[o + DRUM_INPUT.prevVel + c] = v / 127;
      x[o + DRUM_INPUT.prevOff + c] = grid.offset[(step - 1) * C + c] * 2;
    }
  }
  x[o + DRUM_INPUT.position + (step % DRUM_STEPS_PER_BAR)] = 1;
  x[o + DRUM_INPUT.density] = req.density;
  x[o + DRUM_INPUT.fill] = isFillBar(Math.floor(step / DRUM_STEPS_PER_BAR), req.fillEvery) ? 1 : 0;
  if (req.genre) x[o + DRUM_INPUT.genre + DRUM_GENRES.indexOf(req.genre)] = 1;
}

/**
 * The trained drum network as a DrumModel: samples all variations of a request in one batch,
 * one 16th step at a time, each variation with its own seeded generator (seed:index).
 */
export class GrooveRnn implements DrumModel {
  readonly id = 'drums-gru';
  constructor(readonly net: DrumNetwork) {}

  static load(art: DrumNetArtifacts): GrooveRnn {
    return new GrooveRnn(DrumNetwork.load(art));
  }

  /** Generates with an asynchronous read-back each step (the only correct way on WebGPU). */
  async generate(req: DrumRequest): Promise<DrumGrid[]> {
    const run = new SamplingRun(this.net, req);
    let h = this.net.zeroState(req.count);
    try {
      for (let s = 0; s < run.total; s++) {
        const next = await this.net.stepAsync(run.inputs(s), req.count, h);
        h.dispose();
        h = next.h;
        run.consume(s, next.out);
      }
    } finally {
      h.dispose();
    }
    return run.grids;
  }

  /** Generates with a synchronous read-back each step (faster on wasm and cpu). Same notes as generate. */
  generateSync(req: DrumRequest): DrumGrid[] {
    const run = new SamplingRun(this.net, req);
    let h = this.net.zeroState(req.count);
    try {
      for (let s = 0; s < run.total; s++) {
        const next = this.net.step(run.inputs(s), req.count, h);
        h.dispose();
        h = next.h;
        run.consume(s, next.out);
      }
    } finally {
      h.dispose();
    }
    return run.grids;
  }

  /**
   * Teacher-forced pattern log-likelihood of real grooves (natural log, summed), for evaluation.
   * All tracks run as one batch, padded to the longest.
   */
  logLikelihood(tracks: Array<{ grid: DrumGrid; req: DrumRequest; density: number[] }>): { nll: number; steps: number } {
    const B = tracks.length;
    const maxSteps = Math.max(...tracks.map((t) => t.grid.steps));
    const x = new Float32Array(B * DRUM_INPUT.size);
    const probs = new Float64Array(DRUM_PATTERNS);
    let h = this.net.zeroState(B);
    let nll = 0;
    let steps = 0;
    try {
      for (let s = 0; s < maxSteps; s++) {
        tracks.forEach((t, b) => {
          fillInputRow(x, b, t.grid, Math.min(s, t.grid.steps - 1), { ...t.req, density: t.density[Math.floor(s / DRUM_STEPS_PER_BAR)] ?? 0 });
        });
        const next = this.net.step(x, B, h);
        h.dispose();
        h = next.h;
        tracks.forEach((t, b) => {
          if (s >= t.grid.steps) return;
          softmaxInto(next.out, 1, probs, b * DrumNetwork.OUT, DRUM_PATTERNS);
          nll -= Math.log(Math.max(probs[stepPattern(t.grid, s)], 1e-12));
          steps++;
        });
      }
    } finally {
      h.dispose();
    }
    return { nll, steps };
  }

  dispose(): void {
    this.net.dispose();
  }
}

/**
 * One generation in progress: builds each step's inputs from what was sampled so far and samples
 * the step from the network's outputs (pattern, then velocity and timing per hit), keeping primer
 * steps as they are. Each variation has its own seeded generator (seed:index).
 */
class SamplingRun {
  readonly total: number;
  readonly grids: DrumGrid[];
  private readonly kept: number;
  private readonly rngs: Array<() => number>;
  private readonly x: Float32Array;
  private readonly probs = new Float64Array(DRUM_PATTERNS);
  private readonly head = new Float32Array(4 * C);
  private readonly noise: number;

  constructor(
    private readonly net: DrumNetwork,
    private readonly req: DrumRequest,
  ) {
    this.total = req.bars * DRUM_STEPS_PER_BAR;
    this.kept = primerSteps(req);
    this.rngs = Array.from({ length: req.count }, (_, i) => makeRng(`${req.seed}:${i}`));
    this.grids = Array.from({ length: req.count }, () => emptyGrid(this.total));
    this.x = new Float32Array(req.count * DRUM_INPUT.size);
    this.noise = Math.min(1, req.temperature);
  }

  inputs(s: number): Float32Array {
    for (let b = 0; b < this.req.count; b++) fillInputRow(this.x, b, this.grids[b], s, this.req);
    return this.x;
  }

  consume(s: number, out: Float32Array): void {
    const { req, head } = this;
    for (let b = 0; b < req.count; b++) {
      const g = this.grids[b];
      if (s < this.kept) {
        for (let c = 0; c < C; c++) {
          g.velocity[s * C + c] = req.primer!.velocity[s * C + c];
          g.offset[s * C + c] = req.primer!.offset[s * C + c];
        }
        continue;
      }
      softmaxInto(out, req.temperature, this.probs, b * DrumNetwork.OUT, DRUM_PATTERNS);
      const p = sampleIndex(this.probs, this.rngs[b]);
      if (p === 0) continue;
      completeHead(out, b * DrumNetwork.OUT, p, this.net.headBits, head);
      for (let c = 0; c < C; c++) {
        if (!(p & (1 << c))) continue;
        const vStd = Math.exp(clamp(head[C + c], -5, 1));
        const oStd = Math.exp(clamp(head[3 * C + c], -6, 0));
        const v = sigmoid(head[c]) + vStd * this.noise * gaussian(this.rngs[b]);
        const off = Math.tanh(head[2 * C + c]) * 0.5 + oStd * this.noise * gaussian(this.rngs[b]);
        g.velocity[s * C + c] = Math.round(clamp(v * 127, 1, 127));
        g.offset[s * C + c] = clamp(off, -0.5, 0.5);
      }
    }
  }
}
