// Tandem clip writer, for Max's `js` object. Plain ES5 on purpose: `js` is Max's legacy
// JavaScript engine (the `v8` object, with modern JS, needs Max 9 / Live 12.2; this runs in
// Live 10 to 12). `npm run check:device` rejects ES2015+ syntax here.
//
// Messages (from node.script through `route clip`):
//   begin <length beats> <genre> <density 0..1> <seed>   starts a clip
//   note <pitch> <start beat> <duration beats> <velocity>  one note, repeated
//   end                                                     writes it
//   target 0|1                                              Write clip goes to the Session (0) or
//                                                           the Arrangement (1)
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

// Shared Live API helpers (one copy: tandem-live-common.js, Max's require: JS Require Guide).
var live = require('tandem-live-common');
var firstOf = live.firstOf;
var lastOf = live.lastOf;
var unquote = live.unquote;
var exists = live.exists;
var findTrack = live.findTrack;
var liveVersion = live.liveVersion;

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
  report('error: the clip writer does not know the message ' + messagename + ' (it takes begin, note, end, target, bang)');
}

function clipName(genre, density, seed) {
  var d = Math.round(Number(density) * 1000) / 1000;
  return 'Tandem ' + genre + ' d' + d + ' #' + seed;
}

function hasClip(slot) {
  var v = slot.get('has_clip');
  if (v !== null && typeof v === 'object' && v.length !== undefined) v = v[0];
  return Number(v) === 1;
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

// Live's version as [major, minor] (Application.get_major_version / get_minor_version).
function liveMajorVersion() {
  return liveVersion()[0];
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

// A place for a new clip: `create()` makes it and returns its LiveAPI object, `remove(clip)` undoes that.
function sessionPlace(slotPath, lengthBeats) {
  var slot = new LiveAPI(slotPath);
  return {
    what: slotPath,
    create: function () {
      slot.call('create_clip', lengthBeats);
      return new LiveAPI(slotPath + ' clip');
    },
    remove: function () {
      slot.call('delete_clip');
    },
  };
}

// Creates the clip, names it and writes the notes, form after form, until a read-back matches;
// returns the clip and how, or throws why not (leaving no clip behind).
function writeVerified(place, c) {
  var major = liveMajorVersion();
  var tried = [];
  for (var w = 0; w < WRITERS.length; w++) {
    var writer = WRITERS[w];
    if (major < writer.minLive) continue;
    var clip = place.create();
    if (!exists(clip)) throw new Error('Live did not create a clip in ' + place.what);
    clip.set('name', c.name);
    var why;
    try {
      writer.write(clip, c.notes);
      why = verify(clip, c, major);
    } catch (e) {
      why = 'it threw ' + (e && e.message ? e.message : e);
    }
    if (why === '') return { clip: clip, how: writer.name + (tried.length ? ' (after ' + tried.join('; ') + ')' : '') };
    tried.push(writer.name + ': ' + why);
    // Start the next form from an empty place: never leave half-written notes behind.
    place.remove(clip);
  }
  throw new Error('Live did not take the notes (' + tried.join('; ') + '); the suggestion is still saved as .mid');
}

// '' when `clip` holds exactly c's notes and name, else what differs.
function verify(clip, c, major) {
  var why = mismatch(readNotes(clip, c.lengthBeats, major), c.notes);
  if (why === '' && String(firstOf(clip.get('name'))) !== c.name) why = 'the name read back is "' + firstOf(clip.get('name')) + '"';
  return why;
}

// An empty clip slot on the track (the highlighted one, else the first, else in a new scene).
function freeSlot(track, trackPath) {
  var count = Number(track.getcount('clip_slots'));
  if (!(count > 0)) throw new Error('this track has no clip slots (put Tandem on a MIDI track, not a return or the master)');
  var index = chooseSlot(trackPath, count);
  if (index < 0) {
    new LiveAPI('live_set').call('create_scene', -1);
    index = count;
    if (!(Number(track.getcount('clip_slots')) > index)) throw new Error('every clip slot is full and no scene could be added');
  }
  if (hasClip(new LiveAPI(trackPath + ' clip_slots ' + index))) throw new Error('clip slot ' + (index + 1) + ' is not empty; Tandem never overwrites a clip');
  return index;
}

function writeClip(c) {
  try {
    var track = findTrack();
    var trackPath = unquote(track.path);
    if (writeTarget === 'arrangement') return writeArrangement(track, trackPath, c);
    var index = freeSlot(track, trackPath);
    var how = writeVerified(sessionPlace(trackPath + ' clip_slots ' + index, c.lengthBeats), c).how;
    post('tandem: wrote ' + c.name + ' with ' + how + '\n');
    report('wrote "' + c.name + '" (' + c.notes.length + ' notes, read back) to clip slot ' + (index + 1));
  } catch (e) {
    report('error: could not write the clip: ' + (e && e.message ? e.message : e));
  }
}

// ---- the Arrangement ----

// Where Write clip goes: 'session' (a clip slot) or 'arrangement' (at the playhead's bar).
var writeTarget = 'session';

// `target 0|1` (the device's Write to tab: 0 Session, 1 Arrangement) or `target session|arrangement`.
function target(v) {
  if (v === 0 || v === 'session') writeTarget = 'session';
  else if (v === 1 || v === 'arrangement') writeTarget = 'arrangement';
  else report('error: target must be 0 (Session) or 1 (Arrangement), got ' + v);
}

// Arrangement clips of the track: [{path, start, end}], from Track.arrangement_clips.
function arrangementClips(trackPath) {
  var track = new LiveAPI(trackPath);
  var n = Number(track.getcount('arrangement_clips'));
  var out = [];
  for (var i = 0; i < n; i++) {
    var clip = new LiveAPI(trackPath + ' arrangement_clips ' + i);
    if (!exists(clip)) continue;
    out.push({ path: trackPath + ' arrangement_clips ' + i, id: clip.id, start: Number(firstOf(clip.get('start_time'))), end: Number(firstOf(clip.get('end_time'))) });
  }
  out.sort(function (a, b) {
    return a.start - b.start;
  });
  return out;
}

// The first bar at or after `start` where `length` beats are free of clips (4/4 bars).
function freeStart(clips, start, length) {
  var at = start;
  for (var i = 0; i < clips.length; i++) {
    var k = clips[i];
    if (k.start < at + length - 1e-9 && k.end > at + 1e-9) at = Math.ceil(k.end / 4 - 1e-9) * 4;
  }
  return at;
}

function arrangementClipAt(trackPath, start) {
  var clips = arrangementClips(trackPath);
  for (var i = 0; i < clips.length; i++) if (Math.abs(clips[i].start - start) < 1e-6) return new LiveAPI(clips[i].path);
  return null;
}

// Writes c into the Arrangement of `track` at the bar of the playhead (or insert marker:
// Song.current_song_time), or the first free bar after it: Track.create_midi_clip where Live has
// it (12.1+), else a Session clip in slot `index` (read back) copied with
// Track.duplicate_clip_to_arrangement (Live 11+) and removed again. Reads the Arrangement clip back.
function writeArrangement(track, trackPath, c) {
  var v = liveVersion();
  if (v[0] < 11) throw new Error('writing to the Arrangement needs Live 11 or newer (this is Live ' + v[0] + ')');
  var now = Number(firstOf(new LiveAPI('live_set').get('current_song_time')));
  var start = freeStart(arrangementClips(trackPath), Math.floor(now / 4 + 1e-9) * 4, c.lengthBeats);
  var bar = start / 4 + 1;
  var how;
  if (v[0] > 12 || (v[0] === 12 && v[1] >= 1)) {
    how = writeVerified(
      {
        what: 'the Arrangement at bar ' + bar,
        create: function () {
          track.call('create_midi_clip', start, c.lengthBeats);
          return arrangementClipAt(trackPath, start) || new LiveAPI('');
        },
        remove: function (clip) {
          track.call('delete_clip', 'id ' + clip.id);
        },
      },
      c,
    ).how;
  } else {
    var place = sessionPlace(trackPath + ' clip_slots ' + freeSlot(track, trackPath), c.lengthBeats);
    var written = writeVerified(place, c);
    track.call('duplicate_clip_to_arrangement', 'id ' + written.clip.id, start);
    place.remove(written.clip);
    var copy = arrangementClipAt(trackPath, start);
    var why = copy ? verify(copy, c, v[0]) : 'no clip appeared there';
    if (why !== '') {
      if (copy) track.call('delete_clip', 'id ' + copy.id);
      throw new Error('the copy in the Arrangement at bar ' + bar + ' did not read back: ' + why);
    }
    how = written.how + ', then duplicate_clip_to_arrangement';
  }
  post('tandem: wrote ' + c.name + ' to the Arrangement with ' + how + '\n');
  report('wrote "' + c.name + '" (' + c.notes.length + ' notes, read back) to the Arrangement at bar ' + bar);
}
