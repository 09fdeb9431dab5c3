import { DRUM_GENRES } from '../../conditioning/genres';
import { CLASS_LABELS, CLASS_TO_GM_PITCH } from '../../music/drum-map';
import { drawGrid, quantizeDrums } from '../../tokens/drum-grid';
import { TICKS_PER_STEP } from '../../time/units';
import { DRUM_CHANNEL } from '../../music/sequence';
import { defineModel } from '../spec';

/** Drums: the GRU network trained on Groove MIDI, with the n-gram baseline when it is absent. */
export const DRUMS_SPEC = defineModel({
  name: 'drums',
  description: 'drum grooves by genre and density (General MIDI kit, 9 classes, 16th grid with micro-timing)',
  styles: DRUM_GENRES,
  defaultStyle: 'rock',
  anyStyle: true,
  controls: ['density', 'bars', 'temperature', 'seed', 'count', 'fillEvery'],
  vocabulary: '512 hit patterns of 9 drum classes per 16th step, with velocity and micro-timing per hit',
  voiceRange: { low: Math.min(...CLASS_TO_GM_PITCH), high: Math.max(...CLASS_TO_GM_PITCH) },
  channel: DRUM_CHANNEL,
  trackName: 'Drums',
  picture: (seq) => drawGrid(quantizeDrums(seq.notes, Math.min(32, Math.round(seq.totalTicks / TICKS_PER_STEP))).grid, CLASS_LABELS),
  implementations: [
    { kind: 'network', id: 'drums-gru', artifact: { kind: 'layers', dir: 'drums' } },
    { kind: 'baseline', id: 'drums-ngram', artifact: { kind: 'json', file: 'baseline/drums-ngram.json' } },
  ],
});
