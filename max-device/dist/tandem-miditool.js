// Tandem MIDI Tool answerer, for Max's `js` object in Tandem Generate (Note Generator) and
// Tandem Humanize (Note Transformation). Plain ES5: `js` is Max's legacy engine; `npm run
// check:device` rejects ES2015+ syntax here. Argument: `generate` or `humanize`.
//
// Why it exists: whatever reaches live.miditool.out must leave in the same apply cycle that
// live.miditool.in started, or Live reports "Received a Note dictionary asynchronously" (Cycling
// '74's MIDI Tools guide: node.script is not suitable on that path). So this script answers every
// cycle at once, from what it already holds: the answers the node.script client stored in the
// `store` dict (max-api setDict). When it holds nothing for the current settings and notes, it
// answers with nothing added (Generate) or the notes unchanged (Humanize), says so on the status
// line, and asks the client (`request <dict>`); the client asks the Tandem bridge in the
// background, fills `store` and bangs live.miditool.in, whose next cycle finds the answer.
//
// Generate also continues what the clip holds before the selection: a Generator's notes dict is
// empty, so it reads the clip in the Detail View (the one the tool works on) with the Live API,
// here in the cycle (js calls the Live API synchronously): the notes of up to 4 bars before the
// selection go into the request (`before`), and the client sends them as a primer. Without a time
// selection it fills the clip's loop (Clip.looping, loop_start, loop_end) when the Live API gives
// it, else Bars from the insert marker.
//
// Inlets: 0 the notes dict (`dictionary <name>`) and the control messages; 1 the context dict.
// Outlets: 0 live.miditool.out, 1 live.miditool.in (bang: re-apply after a control change),
// 2 node.script (`request` is prepended), 3 the status line (`set` is prepended).

autowatch = 0;
inlets = 2;
outlets = 4;

var ROLE = (typeof jsarguments !== 'undefined' && jsarguments[1] === 'humanize') ? 'humanize' : 'generate';
var settings = {};
var context = null;
var isLoaded = false;
var store = new Dict();
var request = new Dict();
var answer = new Dict();
var asked = false;

// The status line is shared with the client's messages, so each cycle says its state again.
function say(text) {
  outlet(3, text);
}

// ---- controls: each value is kept, and (once the device is loaded) re-applies ----

function setting(name, value) {
  var changed = settings[name] !== value;
  settings[name] = value;
  if (changed && isLoaded) outlet(1, 'bang');
}
function model(v) { setting('model', v); }
function genre(v) { setting('genre', v); }
function density(v) { setting('density', v); }
function temperature(v) { setting('temperature', v); }
function fill(v) { setting('fill', v); }
function seed(v) { setting('seed', v); }
function bars(v) { setting('bars', v); }
function amount(v) {
  // Amount blends the held answer with the input here, in the cycle: no new request.
  settings.amount = v;
  if (isLoaded) outlet(1, 'bang');
}

// live.thisdevice: values restored before this are kept without re-applying.
function loaded() {
  isLoaded = true;
}

// ---- the apply cycle ----

function dictionary(name) {
  var d = JSON.parse(new Dict(name).stringify());
  if (inlet === 1) {
    // The context comes first (outlets fire right to left), then the notes.
    context = d;
    return;
  }
  respond(asList(d ? d.notes : null));
}

// A list from a dict: Max's dictionaries may hand a one-element array back as the element itself.
function asList(x) {
  if (x instanceof Array) return x;
  return x !== null && typeof x === 'object' ? [x] : [];
}

function respond(notes) {
  if (ROLE === 'humanize' && notes.length === 0) {
    emit([]);
    say('select notes (or a clip with notes) to humanize');
    return;
  }
  var clip = ROLE === 'generate' ? clipAround() : null;
  var key = keyOf(notes, clip);
  var entry = held(key);
  if (entry !== null && entry.error) {
    emit(ROLE === 'humanize' ? notes : []);
    say('error: ' + entry.error);
    return;
  }
  if (entry !== null) {
    var out = ROLE === 'humanize' ? blend(notes, asList(entry.notes)) : asList(entry.notes);
    if (out !== null) {
      emit(out);
      say(entry.text + (ROLE === 'humanize' ? ' at ' + amountPercent() + ' %' : ''));
      return;
    }
  }
  // Nothing held for these settings and notes: answer now, ask in the background.
  emit(ROLE === 'humanize' ? notes : []);
  request.parse(JSON.stringify({ role: ROLE, key: key, reply: store.name, settings: settings, context: context, notes: ROLE === 'humanize' ? notes : [], clip: clip }));
  say(asked ? (ROLE === 'humanize' ? 'humanizing…' : 'generating…') : 'waiting for Tandem (the first apply after loading asks the bridge; it applies by itself when the answer comes)');
  asked = true;
  outlet(2, request.name);
}

function emit(notes) {
  answer.parse(JSON.stringify({ notes: notes }));
  outlet(0, 'dictionary', answer.name);
}

// ---- what is held ----

function held(key) {
  var s = JSON.parse(store.stringify() || '{}');
  var list = asList(s ? s.entries : null);
  for (var i = 0; i < list.length; i++) if (list[i] && list[i].key === key) return list[i];
  return null;
}

function amountPercent() {
  var a = Number(settings.amount);
  return settings.amount === undefined || !(a >= 0 && a <= 100) ? 100 : a;
}

// Humanize: each input note with `amount` of the way to the held velocity and start.
function blend(notes, humanized) {
  if (humanized.length !== notes.length) return null;
  var a = amountPercent() / 100;
  var out = [];
  for (var i = 0; i < notes.length; i++) {
    var n = notes[i];
    var h = humanized[i];
    var copy = {};
    for (var k in n) if (n.hasOwnProperty(k)) copy[k] = n[k];
    var v0 = Number(n.velocity === undefined ? 100 : n.velocity);
    copy.velocity = Math.max(1, Math.min(127, Math.round(v0 + a * (h.velocity - v0))));
    copy.start_time = Math.max(0, Math.round((n.start_time + a * (h.start_time - n.start_time)) * 1e6) / 1e6);
    out.push(copy);
  }
  return out;
}

// ---- the clip around the selection (Generate), from the Live API ----

var BEFORE_BEATS = 16;

function firstOf(v) {
  if (v !== null && typeof v === 'object' && v.length !== undefined) return v[0];
  return v;
}

// {loop: [start, end] or null, before: [[pitch, start, duration, velocity]...] of the notes that
// start in the BEFORE_BEATS beats before the selection (or the loop), not muted}; null when the
// Live API is not there (yet) or shows no MIDI clip.
function clipAround() {
  if (!isLoaded || typeof LiveAPI === 'undefined') return null;
  var api = new LiveAPI('live_set view detail_clip');
  if (api.id === undefined || Number(api.id) === 0) return null;
  if (Number(firstOf(api.get('is_midi_clip'))) !== 1) return null;
  var c = (context && context.clip) || {};
  var loop = null;
  if (Number(firstOf(api.get('looping'))) === 1) {
    var ls = Number(firstOf(api.get('loop_start')));
    var le = Number(firstOf(api.get('loop_end')));
    if (le > ls) loop = [ls, le];
  }
  var selected = c.time_selection_end > c.time_selection_start;
  var from = selected ? Number(c.time_selection_start) : loop !== null ? loop[0] : 0;
  var before = [];
  if (from > 0) {
    var start = Math.max(0, from - BEFORE_BEATS);
    var r = api.call('get_notes_extended', 0, 128, start, from - start);
    if (typeof r === 'string') {
      try {
        r = JSON.parse(r);
      } catch (e) {
        r = null;
      }
    }
    var list = r && r.notes !== undefined ? asList(r.notes) : [];
    for (var i = 0; i < list.length; i++) {
      var n = list[i];
      if (Number(n.mute) === 1 || !(n.start_time >= start && n.start_time < from)) continue;
      before.push([Number(n.pitch), Number(n.start_time), Number(n.duration), Math.max(1, Math.min(127, Math.round(Number(n.velocity))))]);
    }
  }
  return { loop: loop, before: before };
}

// What an answer is for: the role, the settings that change it, and the clip (context or notes, and what comes before).
function keyOf(notes, clip) {
  var parts;
  if (ROLE === 'humanize') {
    var list = [];
    for (var i = 0; i < notes.length; i++) list.push([notes[i].pitch, notes[i].start_time, notes[i].duration, notes[i].velocity]);
    parts = ['humanize', settings.genre, settings.seed, list];
  } else {
    var c = context || {};
    parts = ['generate', settings.model, settings.genre, settings.density, settings.temperature, settings.fill, settings.seed, settings.bars, c.clip || null, c.scale || null, c.grid || null, clip];
  }
  var text = JSON.stringify(parts);
  return ROLE + ':' + text.length + ':' + hash(text, 5381, 33) + ':' + hash(text, 2166136261, 16777619);
}

// A 32-bit string hash (multiply-xor), kept exact in doubles by splitting the product.
function hash(text, seed, mul) {
  var h = seed >>> 0;
  for (var i = 0; i < text.length; i++) {
    h = (h ^ text.charCodeAt(i)) >>> 0;
    h = (((h & 0xffff) * mul) + ((((h >>> 16) * mul) & 0xffff) << 16)) >>> 0;
  }
  return h.toString(16);
}
