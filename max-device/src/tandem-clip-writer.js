// Tandem clip writer, for Max's `js` object. Plain ES5 on purpose: `js` is Max's legacy
// JavaScript engine (the `v8` object, with modern JS, needs Max 9 / Live 12.2; this runs in
// Live 10 to 12). `npm run check:device` rejects ES2015+ syntax here.
//
// Messages (from node.script through `route clip`):
//   begin <length beats> <genre> <density 0..1> <seed>   starts a clip
//   note <pitch> <start beat> <duration beats> <velocity>  one note, repeated
//   end                                                     writes it
//   bang                                                    from live.thisdevice (after deferlow):
//                                                           the Live API is ready; clips that
//                                                           ended before it are written then
// Answers `status <text>` out of its outlet.
//
// Where: the device's own track (this_device's canonical_parent, climbing out of racks); the
// highlighted clip slot if it is on that track and empty, else the first empty slot, else a new
// scene at the end. It never writes into a slot that has a clip.
//
// How: create the clip, name it, add the notes, then read the clip back (get_notes_extended on
// Live 11+, get_notes before) and compare note for note and the name. add_new_notes is tried
// with an object, then a Dict, then the older set_notes; a form whose read-back differs is undone
// (delete_clip) before the next. Success is reported only when a read-back matches.

autowatch = 0;
inlets = 1;
outlets = 1;

var ready = false;
var building = null;
var waiting = [];

function report(text) {
  outlet(0, 'status', text);
}

function bang() {
  ready = true;
  while (waiting.length > 0) writeClip(waiting.shift());
}

function begin(lengthBeats, genre, density, seed) {
  var length = Number(lengthBeats);
  if (!(length > 0)) {
    report('error: clip length must be > 0 beats, got ' + lengthBeats);
    building = null;
    return;
  }
  building = { lengthBeats: length, name: clipName(genre, density, seed), notes: [], bad: null };
}

function note(pitch, start, duration, velocity) {
  if (building === null) {
    report('error: note before begin');
    return;
  }
  var p = Number(pitch);
  var s = Number(start);
  var d = Number(duration);
  var v = Number(velocity);
  if (!(p >= 0 && p <= 127 && p === Math.floor(p))) building.bad = 'pitch must be a whole number 0-127, got ' + pitch;
  else if (!(s >= 0 && s < building.lengthBeats)) building.bad = 'note start must be within 0..' + building.lengthBeats + ' beats, got ' + start;
  else if (!(d > 0)) building.bad = 'note duration must be > 0 beats, got ' + duration;
  else if (!(v >= 1 && v <= 127)) building.bad = 'velocity must be 1-127, got ' + velocity;
  else building.notes.push({ pitch: p, start_time: s, duration: d, velocity: v, mute: 0 });
}

function end() {
  if (building === null) {
    report('error: end before begin');
    return;
  }
  var clip = building;
  building = null;
  if (clip.bad !== null) {
    report('error: clip not written: ' + clip.bad);
    return;
  }
  if (!ready) {
    waiting.push(clip);
    report('the clip is written as soon as Live is ready');
    return;
  }
  writeClip(clip);
}

function anything() {
  report('error: the clip writer does not know the message ' + messagename + ' (it takes begin, note, end, bang)');
}

function clipName(genre, density, seed) {
  var d = Math.round(Number(density) * 1000) / 1000;
  return 'Tandem ' + genre + ' d' + d + ' #' + seed;
}

function unquote(path) {
  return String(path).replace(/^"/, '').replace(/"$/, '');
}

function exists(api) {
  return api.id !== undefined && Number(api.id) !== 0;
}

function hasClip(slot) {
  var v = slot.get('has_clip');
  if (v !== null && typeof v === 'object' && v.length !== undefined) v = v[0];
  return Number(v) === 1;
}

function findTrack() {
  var obj = new LiveAPI('this_device canonical_parent');
  for (var i = 0; i < 8 && exists(obj); i++) {
    if (obj.type === 'Track') return obj;
    obj = new LiveAPI(unquote(obj.path) + ' canonical_parent');
  }
  throw new Error('could not find the track this device is on');
}

function chooseSlot(trackPath, count) {
  var prefix = trackPath + ' clip_slots ';
  var highlighted = new LiveAPI('live_set view highlighted_clip_slot');
  if (exists(highlighted)) {
    var path = unquote(highlighted.path);
    if (path.indexOf(prefix) === 0) {
      var n = parseInt(path.substring(prefix.length), 10);
      if (n >= 0 && n < count && !hasClip(highlighted)) return n;
    }
  }
  for (var i = 0; i < count; i++) {
    if (!hasClip(new LiveAPI(prefix + i))) return i;
  }
  return -1;
}

function liveMajorVersion() {
  var app = new LiveAPI('live_app');
  var v = app.call('get_major_version');
  if (v !== null && typeof v === 'object' && v.length !== undefined) v = v[v.length - 1];
  return Number(v);
}

// ---- writing notes, then reading them back ----
// Public code passes add_new_notes a JS object, a JSON string or a Dict, and one project reports
// a form that "throws nothing and adds nothing". So each form is tried in turn and the clip is
// read back after it; success is reported only when the read-back matches what was sent.

function notesDict(notes) {
  var list = [];
  for (var i = 0; i < notes.length; i++) {
    var n = notes[i];
    list.push({ pitch: n.pitch, start_time: n.start_time, duration: n.duration, velocity: n.velocity, mute: 0 });
  }
  return { notes: list };
}

var WRITERS = [
  {
    name: 'add_new_notes with an object',
    minLive: 11,
    write: function (clip, notes) {
      clip.call('add_new_notes', notesDict(notes));
    },
  },
  {
    name: 'add_new_notes with a Dict',
    minLive: 11,
    write: function (clip, notes) {
      var d = new Dict();
      d.parse(JSON.stringify(notesDict(notes)));
      clip.call('add_new_notes', d);
    },
  },
  {
    name: 'set_notes',
    minLive: 0,
    write: function (clip, notes) {
      clip.call('set_notes');
      clip.call('notes', notes.length);
      for (var i = 0; i < notes.length; i++) {
        var n = notes[i];
        clip.call('note', n.pitch, n.start_time, n.duration, n.velocity, 0);
      }
      clip.call('done');
    },
  },
];

// The clip's notes as [{pitch, start_time, duration, velocity}], or null when it cannot be read.
function readNotes(clip, lengthBeats, major) {
  var r;
  if (major >= 11) {
    r = clip.call('get_notes_extended', 0, 128, 0, lengthBeats);
    if (typeof r === 'string') {
      try {
        r = JSON.parse(r);
      } catch (e) {
        return null;
      }
    }
    if (r !== null && typeof r === 'object' && r.notes !== undefined && r.notes.length !== undefined) return r.notes;
    return null;
  }
  // Live 10: get_notes(from_time, from_pitch, time_span, pitch_span) -> notes N note p t d v m ... done
  r = clip.call('get_notes', 0, 0, lengthBeats, 128);
  if (r === null || typeof r !== 'object' || r.length === undefined) return null;
  var out = [];
  for (var i = 0; i < r.length; i++) {
    if (r[i] === 'note') {
      out.push({ pitch: Number(r[i + 1]), start_time: Number(r[i + 2]), duration: Number(r[i + 3]), velocity: Number(r[i + 4]) });
      i += 5;
    }
  }
  return out;
}

function noteKey(n) {
  // Live keeps times as floats: compare to 1/10000 of a beat.
  return n.pitch + '@' + Math.round(n.start_time * 10000) + '+' + Math.round(n.duration * 10000) + 'v' + Math.round(n.velocity);
}

// Why the read-back differs from what was sent, or '' when it matches.
function mismatch(got, want) {
  if (got === null) return 'the notes could not be read back';
  if (got.length !== want.length) return 'read back ' + got.length + ' of ' + want.length + ' notes';
  var a = [];
  var b = [];
  for (var i = 0; i < got.length; i++) {
    a.push(noteKey(got[i]));
    b.push(noteKey(want[i]));
  }
  a.sort();
  b.sort();
  for (var k = 0; k < a.length; k++) if (a[k] !== b[k]) return 'read back a different note (' + a[k] + ' for ' + b[k] + ')';
  return '';
}

function firstOf(v) {
  if (v !== null && typeof v === 'object' && v.length !== undefined) return v[0];
  return v;
}

// Creates the clip in `slotPath`, names it and writes the notes; returns how, or throws why not.
function writeVerified(slotPath, c) {
  var major = liveMajorVersion();
  var slot = new LiveAPI(slotPath);
  var tried = [];
  for (var w = 0; w < WRITERS.length; w++) {
    var writer = WRITERS[w];
    if (major < writer.minLive) continue;
    slot.call('create_clip', c.lengthBeats);
    var clip = new LiveAPI(slotPath + ' clip');
    if (!exists(clip)) throw new Error('Live did not create a clip in ' + slotPath);
    clip.set('name', c.name);
    var why;
    try {
      writer.write(clip, c.notes);
      why = mismatch(readNotes(clip, c.lengthBeats, major), c.notes);
    } catch (e) {
      why = 'it threw ' + (e && e.message ? e.message : e);
    }
    if (why === '' && String(firstOf(clip.get('name'))) !== c.name) why = 'the name read back is "' + firstOf(clip.get('name')) + '"';
    if (why === '') return writer.name + (tried.length ? ' (after ' + tried.join('; ') + ')' : '');
    tried.push(writer.name + ': ' + why);
    // Start the next form from an empty slot: never leave half-written notes behind.
    slot.call('delete_clip');
  }
  throw new Error('Live did not take the notes (' + tried.join('; ') + '); the suggestion is still saved as .mid');
}

function writeClip(c) {
  try {
    var track = findTrack();
    var trackPath = unquote(track.path);
    var count = Number(track.getcount('clip_slots'));
    if (!(count > 0)) throw new Error('this track has no clip slots (put Tandem on a MIDI track, not a return or the master)');
    var index = chooseSlot(trackPath, count);
    if (index < 0) {
      new LiveAPI('live_set').call('create_scene', -1);
      index = count;
      if (!(Number(track.getcount('clip_slots')) > index)) throw new Error('every clip slot is full and no scene could be added');
    }
    var slot = new LiveAPI(trackPath + ' clip_slots ' + index);
    if (hasClip(slot)) throw new Error('clip slot ' + (index + 1) + ' is not empty; Tandem never overwrites a clip');
    var how = writeVerified(trackPath + ' clip_slots ' + index, c);
    post('tandem: wrote ' + c.name + ' with ' + how + '\n');
    report('wrote "' + c.name + '" (' + c.notes.length + ' notes, read back) to clip slot ' + (index + 1));
  } catch (e) {
    report('error: could not write the clip: ' + (e && e.message ? e.message : e));
  }
}
