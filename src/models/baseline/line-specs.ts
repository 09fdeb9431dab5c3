import { linePicture } from '../melody/picture';
import { STEPS_PER_BAR, STYLE_METER, STYLES, type MelodyStyle } from '../melody/spec';
import { COMMON_TIME, defineModel, type ModelMeter } from '../spec';

/** The meter of a style (jig 6/8, waltz 3/4, the rest 4/4; any style: 4/4). */
function lineMeter(style: string | undefined): ModelMeter {
  const m = style ? STYLE_METER[style as MelodyStyle] : undefined;
  if (!m) return COMMON_TIME;
  const [numerator, denominator] = m.split('/').map(Number);
  return { numerator, denominator, stepsPerBar: STEPS_PER_BAR[m] };
}

const LINE_CONTROLS = ['density', 'bars', 'temperature', 'seed', 'count', 'key', 'chords'] as const;

const LINE_VOCABULARY = 'per 16th step: hold, rest, or one of 77 key-relative pitches (network); n-gram baseline: 25 intervals x 8 gaps';

/**
 * Melody: the melody/bass GRU (models/melody, Nottingham, POP909 and JSB soprano lines) with the
 * n-gram baseline when it is absent. Styles are the network's (the n-gram also knows a few
 * Nottingham collections: slip-jig, morris, ashover, playford, xmas, with --model-impl baseline).
 */
export const MELODY_SPEC = defineModel({
  name: 'melody',
  description: 'a melody line by style, key, chords and density (monophonic)',
  styles: STYLES,
  defaultStyle: 'reel',
  anyStyle: true,
  controls: LINE_CONTROLS,
  vocabulary: LINE_VOCABULARY,
  voiceRange: { low: 45, high: 96 },
  channel: 0,
  trackName: 'Melody',
  meter: lineMeter,
  picture: (seq) => linePicture(seq),
  implementations: [
    { kind: 'network', id: 'melody-gru', artifact: { kind: 'layers', dir: 'melody' } },
    { kind: 'baseline', id: 'melody-ngram', artifact: { kind: 'json', file: 'baseline/melody-ngram.json' } },
  ],
});

/** Bass: the same network with its bass voice (POP909, JSB, Nottingham's accompaniment), the n-gram (pop, chorale) when it is absent. */
export const BASS_SPEC = defineModel({
  name: 'bass',
  description: 'a bass line by style, key, chords and density (monophonic)',
  styles: STYLES,
  defaultStyle: 'pop',
  anyStyle: true,
  controls: LINE_CONTROLS,
  vocabulary: LINE_VOCABULARY,
  voiceRange: { low: 23, high: 72 },
  channel: 1,
  trackName: 'Bass',
  meter: lineMeter,
  picture: (seq) => linePicture(seq),
  implementations: [
    { kind: 'network', id: 'bass-gru', artifact: { kind: 'layers', dir: 'melody' } },
    { kind: 'baseline', id: 'bass-ngram', artifact: { kind: 'json', file: 'baseline/bass-ngram.json' } },
  ],
});
