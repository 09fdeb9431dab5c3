// Tandem Live reader, for Max's `js` object in the Tandem device. Plain ES5 (Max's legacy `js`
// engine; `npm run check:device` rejects ES2015+ syntax here). It reads what the musician has
// in Live for node.script, which cannot call the Live API itself:
//
//   readclip   (the Continue button) the notes of this track's clip: the one shown in the Detail
//              View if it is on this track, else the one playing on it, else the one in the
//              highlighted slot; inside its loop (or between its markers when not looping). Sends
//                primer begin <length beats> <clip name...>
//                primer notes <pitch start duration velocity>... (at most 32 notes a message)
//                primer end
//              Muted notes are left out (they do not sound). `status <text>` says what went wrong.
//   bang       from live.thisdevice (after deferlow): the Live API is usable; starts observing
//              the Set's scale (Song.root_note, scale_intervals, scale_mode, scale_name) and sends
//                scale <mode 1|0|-1> <root 0-11> <interval>...
//              now and on every change (mode -1: this Live has no scale_mode, before 12.1);
//              and the Set's time signature (Song.signature_numerator, signature_denominator,
//              both observable in the Live Object Model) as
//                meter <numerator> <denominator>
//              now and on every change.
//   resend     (the client's `ready`) the scale and meter again.
//
// Observers get one LiveAPI object per property (one object observes one property), and their
// callbacks only read and send (Live refuses changes to the Set from a notification).

autowatch = 0;
inlets = 1;
outlets = 1;

// Shared Live API helpers (one copy: tandem-live-common.js, Max's require: JS Require Guide).
var live = require('tandem-live-common');
var firstOf = live.firstOf;
var lastOf = live.lastOf;
var unquote = live.unquote;
var exists = live.exists;
var findTrack = live.findTrack;

var ready = false;
var observers = [];
var lastScale = '';
var lastMeter = '';
var NOTES_PER_MESSAGE = 32;

function report(text) {
  outlet(0, 'status', text);
}

function bang() {
  if (ready) return;
  ready = true;
  observeScale();
  observeMeter();
}

// The client is ready: the scale and meter again (the first ones may have come before node.script ran, and been dropped).
function resend() {
  if (!ready) return;
  lastScale = '';
  lastMeter = '';
  sendScale();
  sendMeter();
}

function anything() {
  report('error: the Live reader does not know the message ' + messagename + ' (it takes readclip, resend, bang)');
}

// ---- Live's version ----

function liveMajorVersion() {
  return live.liveVersion()[0];
}

// ---- Continue: the clip's notes ----

function readclip() {
  if (!ready) {
    report('error: Live is not ready yet; press Continue again in a moment');
    return;
  }
  try {
    sendClip(findClip());
  } catch (e) {
    report('error: ' + (e && e.message ? e.message : e));
  }
}

// The clip to continue: shown in the Detail View on this track, else playing on it, else highlighted.
function findClip() {
  var trackPath = unquote(findTrack().path);
  var shown = new LiveAPI('live_set view detail_clip');
  if (exists(shown) && unquote(shown.path).indexOf(trackPath + ' ') === 0) return shown;
  var playing = Number(firstOf(new LiveAPI(trackPath).get('playing_slot_index')));
  if (playing >= 0) {
    var clip = new LiveAPI(trackPath + ' clip_slots ' + playing + ' clip');
    if (exists(clip)) return clip;
  }
  var slot = new LiveAPI('live_set view highlighted_clip_slot');
  if (exists(slot) && unquote(slot.path).indexOf(trackPath + ' ') === 0) {
    var held = new LiveAPI(unquote(slot.path) + ' clip');
    if (exists(held)) return held;
  }
  throw new Error('no clip to continue: show a clip of this track in the Detail View, or play one');
}

function sendClip(clip) {
  if (Number(firstOf(clip.get('is_midi_clip'))) !== 1) throw new Error('the clip is an audio clip; Continue needs a MIDI clip');
  var looping = Number(firstOf(clip.get('looping'))) === 1;
  var from = Number(firstOf(clip.get(looping ? 'loop_start' : 'start_marker')));
  var to = Number(firstOf(clip.get(looping ? 'loop_end' : 'end_marker')));
  var name = String(firstOf(clip.get('name')));
  if (!(to > from)) throw new Error('the clip "' + name + '" has no length to read (' + from + ' to ' + to + ')');
  var notes = readNotes(clip, from, to - from);
  if (notes === null) throw new Error('the notes of "' + name + '" could not be read');
  var out = [];
  for (var i = 0; i < notes.length; i++) {
    var n = notes[i];
    if (Number(n.mute) === 1) continue;
    var start = Number(n.start_time) - from;
    if (!(start >= 0 && start < to - from)) continue;
    out.push([Number(n.pitch), start, Number(n.duration), Math.max(1, Math.min(127, Math.round(Number(n.velocity))))]);
  }
  out.sort(function (a, b) {
    return a[1] - b[1] || a[0] - b[0];
  });
  outlet(0, ['primer', 'begin', to - from].concat(name === '' ? [] : name.split(' ')));
  for (var k = 0; k < out.length; k += NOTES_PER_MESSAGE) {
    var msg = ['primer', 'notes'];
    for (var j = k; j < Math.min(out.length, k + NOTES_PER_MESSAGE); j++) msg = msg.concat(out[j]);
    outlet(0, msg);
  }
  outlet(0, 'primer', 'end');
}

// Notes whose start lies in [from, from + span) as [{pitch, start_time, duration, velocity, mute}], or null.
function readNotes(clip, from, span) {
  var r;
  if (liveMajorVersion() >= 11) {
    // Clip.get_notes_extended(from_pitch, pitch_span, from_time, time_span): a dictionary, which js gets as JSON text.
    r = clip.call('get_notes_extended', 0, 128, from, span);
    if (typeof r === 'string') {
      try {
        r = JSON.parse(r);
      } catch (e) {
        return null;
      }
    }
    if (r === null || typeof r !== 'object' || r.notes === undefined) return null;
    if (r.notes instanceof Array) return r.notes;
    return r.notes !== null && typeof r.notes === 'object' ? [r.notes] : null;
  }
  // Live 10: get_notes(from_time, from_pitch, time_span, pitch_span) -> notes N note p t d v m ... done
  r = clip.call('get_notes', from, 0, span, 128);
  if (r === null || typeof r !== 'object' || r.length === undefined) return null;
  var out = [];
  for (var i = 0; i < r.length; i++) {
    if (r[i] === 'note') {
      out.push({ pitch: Number(r[i + 1]), start_time: Number(r[i + 2]), duration: Number(r[i + 3]), velocity: Number(r[i + 4]), mute: Number(r[i + 5]) });
      i += 5;
    }
  }
  return out;
}

// ---- the Set's scale ----

// Song.scale_mode is in Live 12.1's API; before it, whether the scale is meant is unknown.
function hasScaleMode() {
  var v = live.liveVersion();
  return v[0] > 12 || (v[0] === 12 && v[1] >= 1);
}

function observeScale() {
  var props = hasScaleMode() ? ['root_note', 'scale_intervals', 'scale_mode', 'scale_name'] : ['root_note', 'scale_intervals', 'scale_name'];
  for (var i = 0; i < props.length; i++) {
    var api = new LiveAPI(onScale, 'live_set');
    api.property = props[i];
    observers.push(api);
  }
  sendScale();
}

function onScale() {
  sendScale();
}

function sendScale() {
  var song = new LiveAPI('live_set');
  var root = Number(firstOf(song.get('root_note')));
  var mode = hasScaleMode() ? Number(firstOf(song.get('scale_mode'))) : -1;
  var iv = song.get('scale_intervals');
  var list = [];
  if (iv !== null && typeof iv === 'object' && iv.length !== undefined) {
    for (var i = 0; i < iv.length; i++) list.push(Number(iv[i]));
  } else if (iv !== null && iv !== undefined) list.push(Number(iv));
  if (!(root >= 0 && root <= 11)) return;
  var msg = ['scale', mode === 1 ? 1 : mode === 0 ? 0 : -1, root].concat(list);
  var key = msg.join(' ');
  if (key === lastScale) return;
  lastScale = key;
  outlet(0, msg);
}

// ---- the Set's time signature ----

function observeMeter() {
  var props = ['signature_numerator', 'signature_denominator'];
  for (var i = 0; i < props.length; i++) {
    var api = new LiveAPI(onMeter, 'live_set');
    api.property = props[i];
    observers.push(api);
  }
  sendMeter();
}

function onMeter() {
  sendMeter();
}

// Both values are read on each notification: a change of both (4/4 to 6/8) sends each meter it passes through once.
function sendMeter() {
  var song = new LiveAPI('live_set');
  var num = Number(firstOf(song.get('signature_numerator')));
  var den = Number(firstOf(song.get('signature_denominator')));
  if (!(num >= 1 && den >= 1)) return;
  var key = num + '/' + den;
  if (key === lastMeter) return;
  lastMeter = key;
  outlet(0, 'meter', num, den);
}
