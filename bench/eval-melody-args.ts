/**
 * The options of `npm run eval:melody` (bench/eval-melody.ts): which network, how it samples (the knobs measured on the
 * validation split before a default is chosen), how the twins get their chords, which voice and what to print.
 */
import { MELODY_NET_DIR } from '../bridge/models/load-melody';
import { VOICES, type Voice } from '../src/models/melody/spec';

export const USAGE =
  'usage: npm run eval:melody [-- --quick] [-- --json] [-- --model DIR] [-- --temperature T] [-- --downbeat-root-bias B] [-- --no-register] [-- --middle-root-bias B] [-- --min-p P] [-- --rest-bias B] [-- --seed S] [-- --half-bar-chords] [-- --voice melody|bass] [-- --gaps N] [-- --bass-plays-no-chord] [-- --no-pickup] [-- --no-interval-prior] [-- --no-onset-calibration] [-- --middle-root-every-bar] [-- --chord-tone-bias B] [-- --density-gain G] [-- --style-density-gain VOICE/STYLE=G] [-- --chord-tone-bar-bias B] [-- --no-register-tilt]';

export interface EvalMelodyOptions {
  quick: boolean;
  json: boolean;
  modelDir: string;
  /** Whether --model was given (then a missing network is an error, not a fallback to the n-gram alone). */
  modelGiven: boolean;
  /** Sampling temperature of the network's twins (default 1, what users get by default). */
  temperature: number;
  /** The bass downbeat root bonus to measure with (default: the shipped BASS_DOWNBEAT_ROOT_BIAS). */
  rootBias: number | undefined;
  /** --no-register: measure without keeping lines in the voice's absolute register (MelodyRnn.foldRegister). */
  noRegister?: boolean;
  /** --min-p P: min-p truncation of every draw, both voices (default MIN_P per voice). */
  minP?: number;
  /** --rest-bias B: added to the log-odds of a rest beginning (MelodyRnn.restBias). */
  restBias?: number;
  /** --seed S: the first generated segment's seed (default 1000; segment i gets S + i), to measure the spread over seeds. */
  seed?: number;
  /** The bass middle-beat root bonus to measure with (default: the shipped one). */
  middleBias?: number;
  /**
   * --half-bar-chords: each twin is given the real segment's chords at half-bar resolution (the chord sounding at
   * each half bar's first step; 3/4 stays one per bar), and the chord-tone and root figures of real lines and twins
   * are measured against those. Default: one chord per bar (the downbeat's), as the figures are reported.
   */
  halfBarChords?: boolean;
  /** --chord-tone-bias B: the melody's strong-beat chord-tone bonus (MelodyRnn.chordToneBias). */
  chordToneBias?: number;
  /** --density-gain G: MelodyRnn.densityGain of both voices, and no style's stretch (MelodyRnn.densityStretch). */
  densityGain?: number;
  /** --style-density-gain VOICE/STYLE=G (repeatable): the gain of MelodyRnn.densityStretch's entry (0 = none). */
  styleDensityGain?: Record<string, number>;
  /** --chord-tone-bar-bias B: the melody's strong-beat chord-tone bonus in bars given one chord (MelodyRnn.chordToneBarBias). */
  chordToneBarBias?: number;
  /** --no-register-tilt: model.json's registerTilt unused (MelodyRnn.registerCalibration off), to measure it. */
  noRegisterTilt?: boolean;
  /** --middle-root-every-bar: the bass middle-beat root bonus in every bar, not only where chords were given split (MelodyRnn.middleRootEveryBar). */
  middleEveryBar?: boolean;
  /** --no-interval-prior: every interval may be drawn (MelodyRnn.intervalPrior off), to measure it. */
  noIntervalPrior?: boolean;
  /** --no-onset-calibration: model.json's onsetBias unused (MelodyRnn.onsetCalibration off), to measure it. */
  noOnsetCalibration?: boolean;
  /** --no-pickup: a melody fills an opening N.C. bar as learned (MelodyRnn.pickupOnNoChord off), to measure it. */
  noPickup?: boolean;
  /** --bass-plays-no-chord: the bass draws on N.C. bars as learned (MelodyRnn.bassRestsOnNoChord off), to measure it. */
  bassPlaysNoChord?: boolean;
  /** --voice V: measure one voice only (default both). */
  voice?: Voice;
  /** --gaps N: print the N features that most tell the network's twins from real segments, per style. */
  gaps?: number;
}

/** Parses the command line; an unknown or incomplete option prints the usage and exits 2. */
export function parseArgs(argv: readonly string[]): EvalMelodyOptions {
  const o: EvalMelodyOptions = { quick: false, json: false, modelDir: MELODY_NET_DIR, modelGiven: false, temperature: 1, rootBias: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') o.quick = true;
    else if (a === '--json') o.json = true;
    else if (a === '--model' && argv[i + 1] && !argv[i + 1].startsWith('--')) {
      o.modelDir = argv[++i];
      o.modelGiven = true;
    } else if (a === '--temperature' && argv[i + 1] && Number(argv[i + 1]) >= 0.05 && Number(argv[i + 1]) <= 3) {
      o.temperature = Number(argv[++i]);
    } else if (a === '--downbeat-root-bias' && argv[i + 1] && Number(argv[i + 1]) >= 0 && Number(argv[i + 1]) <= 10) {
      o.rootBias = Number(argv[++i]);
    } else if (a === '--middle-root-bias' && argv[i + 1] && Number(argv[i + 1]) >= 0 && Number(argv[i + 1]) <= 10) {
      o.middleBias = Number(argv[++i]);
    } else if (a === '--min-p' && argv[i + 1] && Number(argv[i + 1]) >= 0 && Number(argv[i + 1]) < 1) {
      o.minP = Number(argv[++i]);
    } else if (a === '--rest-bias' && argv[i + 1] && Math.abs(Number(argv[i + 1])) <= 5) {
      o.restBias = Number(argv[++i]);
    } else if (a === '--seed' && argv[i + 1] && Number.isInteger(Number(argv[i + 1])) && Number(argv[i + 1]) >= 0) {
      o.seed = Number(argv[++i]);
    } else if (a === '--voice' && (VOICES as readonly string[]).includes(argv[i + 1])) {
      o.voice = argv[++i] as Voice;
    } else if (a === '--gaps' && argv[i + 1] && Number.isInteger(Number(argv[i + 1])) && Number(argv[i + 1]) > 0) {
      o.gaps = Number(argv[++i]);
    } else if (a === '--chord-tone-bias' && argv[i + 1] && Number(argv[i + 1]) >= 0 && Number(argv[i + 1]) <= 10) {
      o.chordToneBias = Number(argv[++i]);
    } else if (a === '--density-gain' && argv[i + 1] && Number(argv[i + 1]) >= 0 && Number(argv[i + 1]) <= 10) {
      o.densityGain = Number(argv[++i]);
    } else if (a === '--style-density-gain' && /^(melody|bass)\/[a-z]+=\d+(\.\d+)?$/.test(argv[i + 1] ?? '') && Number(argv[i + 1].split('=')[1]) <= 10) {
      const [key, g] = argv[++i].split('=');
      o.styleDensityGain = { ...o.styleDensityGain, [key]: Number(g) };
    } else if (a === '--chord-tone-bar-bias' && argv[i + 1] && Number(argv[i + 1]) >= 0 && Number(argv[i + 1]) <= 10) {
      o.chordToneBarBias = Number(argv[++i]);
    } else if (a === '--no-register-tilt') {
      o.noRegisterTilt = true;
    } else if (a === '--middle-root-every-bar') {
      o.middleEveryBar = true;
    } else if (a === '--bass-plays-no-chord') {
      o.bassPlaysNoChord = true;
    } else if (a === '--no-interval-prior') {
      o.noIntervalPrior = true;
    } else if (a === '--no-onset-calibration') {
      o.noOnsetCalibration = true;
    } else if (a === '--no-pickup') {
      o.noPickup = true;
    } else if (a === '--half-bar-chords') {
      o.halfBarChords = true;
    } else if (a === '--no-register') {
      o.noRegister = true;
    } else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`eval:melody: unknown or incomplete option ${JSON.stringify(a)}; ${USAGE}`);
      process.exit(2);
    }
  }
  return o;
}
