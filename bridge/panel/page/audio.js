// Audition in the page: simple built-in voices made with Web Audio (no samples, nothing
// downloaded). Drums by class label (from the registry's drum map), other parts as a plain synth.
let ctx;
let noise;
let playing = [];

function context() {
  ctx ??= new AudioContext();
  if (!noise) {
    noise = ctx.createBuffer(1, ctx.sampleRate, ctx.sampleRate);
    const d = noise.getChannelData(0);
    for (let i = 0; i < d.length; i++) d[i] = Math.random() * 2 - 1;
  }
  return ctx;
}

function env(c, t, peak, length, out) {
  const g = c.createGain();
  g.gain.setValueAtTime(0.0001, t);
  g.gain.exponentialRampToValueAtTime(Math.max(0.001, peak), t + 0.003);
  g.gain.exponentialRampToValueAtTime(0.0001, t + length);
  g.connect(out);
  return g;
}

function tone(c, t, type, f0, f1, peak, length, out) {
  const o = c.createOscillator();
  o.type = type;
  o.frequency.setValueAtTime(f0, t);
  if (f1 !== f0) o.frequency.exponentialRampToValueAtTime(f1, t + length);
  o.connect(env(c, t, peak, length, out));
  o.start(t);
  o.stop(t + length + 0.02);
  return o;
}

function hiss(c, t, filter, freq, peak, length, out) {
  const s = c.createBufferSource();
  s.buffer = noise;
  const f = c.createBiquadFilter();
  f.type = filter;
  f.frequency.value = freq;
  s.connect(f);
  f.connect(env(c, t, peak, length, out));
  s.start(t);
  s.stop(t + length + 0.02);
  return s;
}

/** One drum hit by class label (KK, SN, CH, OH, LT, MT, HT, CR, RD). */
function drum(c, label, t, v, out) {
  switch (label) {
    case 'KK':
      return [tone(c, t, 'sine', 130, 45, v, 0.25, out)];
    case 'SN':
      return [tone(c, t, 'triangle', 190, 150, v * 0.5, 0.08, out), hiss(c, t, 'bandpass', 1800, v * 0.8, 0.16, out)];
    case 'CH':
      return [hiss(c, t, 'highpass', 7000, v * 0.5, 0.05, out)];
    case 'OH':
      return [hiss(c, t, 'highpass', 6500, v * 0.5, 0.35, out)];
    case 'LT':
      return [tone(c, t, 'sine', 110, 80, v, 0.3, out)];
    case 'MT':
      return [tone(c, t, 'sine', 150, 110, v, 0.25, out)];
    case 'HT':
      return [tone(c, t, 'sine', 200, 150, v, 0.22, out)];
    case 'CR':
      return [hiss(c, t, 'highpass', 4500, v * 0.5, 1.2, out)];
    default:
      return [hiss(c, t, 'bandpass', 8000, v * 0.4, 0.5, out)];
  }
}

/** Stops what is sounding. */
export function stopAudition() {
  for (const n of playing) {
    try {
      n.stop();
    } catch {
      // already ended
    }
  }
  playing = [];
}

/** Sounds one note [pitch, velocity, start, length] at audio time `t`; returns its sources. */
function voice(c, drums, labelOf, note, t, secondsPerTick, out) {
  const [pitch, velocity, , length] = note;
  const v = velocity / 127;
  if (drums) return drum(c, labelOf.get(pitch), t, v, out);
  const f = 440 * 2 ** ((pitch - 69) / 12);
  return [tone(c, t, pitch < 52 ? 'sawtooth' : 'triangle', f, f, v * 0.35, Math.max(0.05, length * secondsPerTick), out)];
}

function partInfo(item, hello) {
  const model = hello.models.find((m) => m.name === item.part);
  const labelOf = new Map();
  hello.drumRows.forEach((r) => r.pitches.forEach((p) => labelOf.set(p, r.label)));
  return { drums: Boolean(model && model.drums), labelOf };
}

function output(c) {
  const out = c.createGain();
  out.gain.value = 0.5;
  out.connect(c.destination);
  return out;
}

/**
 * Plays `item` (with notes) once at `bpm`; returns { voices, startAt, secondsPerTick, now } where
 * now() is the audio clock (for the playhead).
 */
export function audition(item, hello, bpm) {
  stopAudition();
  const c = context();
  void c.resume();
  const out = output(c);
  const { drums, labelOf } = partInfo(item, hello);
  const secondsPerTick = 60 / (bpm * hello.ppq);
  const startAt = c.currentTime + 0.08;
  let voices = 0;
  for (const note of item.notes) {
    playing.push(...voice(c, drums, labelOf, note, startAt + note[2] * secondsPerTick, secondsPerTick, out));
    voices++;
  }
  return { voices, startAt, secondsPerTick, now: () => c.currentTime };
}

/**
 * Listening along in the page: each animation frame hands over the notes of the next `aheadSec`
 * (lookahead scheduling: every note is placed on the audio clock once, never by a timer).
 */
export class Listener {
  constructor(hello) {
    this.hello = hello;
    this.c = context();
    void this.c.resume();
    this.out = output(this.c);
    this.sent = new Set();
    this.voices = 0;
  }

  /** Schedules the notes of `item` (a live phrase at song tick `atTicks`) that start in (songTicks, songTicks + ahead]. */
  feed(item, songTicks, bpm, aheadSec = 0.2) {
    const secondsPerTick = 60 / (bpm * this.hello.ppq);
    const aheadTicks = aheadSec / secondsPerTick;
    const { drums, labelOf } = partInfo(item, this.hello);
    const now = this.c.currentTime;
    item.notes.forEach((note, i) => {
      const at = (item.atTicks ?? 0) + note[2];
      const key = `${item.ref}#${i}`;
      if (at < songTicks - 1 || at > songTicks + aheadTicks || this.sent.has(key)) return;
      this.sent.add(key);
      voice(this.c, drums, labelOf, note, now + Math.max(0, at - songTicks) * secondsPerTick, secondsPerTick, this.out);
      this.voices++;
    });
    if (this.sent.size > 5000) this.sent.clear();
  }

  stop() {
    this.out.disconnect();
  }
}
