import { defineModel } from '../spec';

const LINE_CONTROLS = ['density', 'bars', 'temperature', 'seed', 'count', 'key', 'chords'] as const;

/** Melody: n-gram over Nottingham folk tunes, POP909 melodies and JSB soprano lines. */
export const MELODY_SPEC = defineModel({
  name: 'melody',
  description: 'a melody line by style, key, chords and density (monophonic)',
  styles: ['jig', 'reel', 'hornpipe', 'waltz', 'slip-jig', 'morris', 'ashover', 'playford', 'xmas', 'pop', 'chorale'],
  defaultStyle: 'reel',
  anyStyle: false,
  controls: LINE_CONTROLS,
  vocabulary: 'n-gram: 25 intervals (-12..+12 semitones) x 8 gaps to the next note (1-16 16ths)',
  voiceRange: { low: 58, high: 84 },
  channel: 0,
  trackName: 'Melody',
  implementations: [{ kind: 'baseline', id: 'melody-ngram', artifact: { kind: 'json', file: 'baseline/melody-ngram.json' } }],
});

/** Bass: n-gram over POP909 bass lines and JSB bass voices. */
export const BASS_SPEC = defineModel({
  name: 'bass',
  description: 'a bass line by style, key, chords and density (monophonic)',
  styles: ['pop', 'chorale'],
  defaultStyle: 'pop',
  anyStyle: false,
  controls: LINE_CONTROLS,
  vocabulary: 'n-gram: 25 intervals (-12..+12 semitones) x 8 gaps to the next note (1-16 16ths)',
  voiceRange: { low: 36, high: 60 },
  channel: 1,
  trackName: 'Bass',
  implementations: [{ kind: 'baseline', id: 'bass-ngram', artifact: { kind: 'json', file: 'baseline/bass-ngram.json' } }],
});
