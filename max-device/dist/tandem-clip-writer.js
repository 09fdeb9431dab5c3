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

function addNotes(clip, notes) {
  if (liveMajorVersion() >= 11) {
    clip.call('add_new_notes', { notes: notes });
    return;
  }
  // Live 10 and older: the set_notes sequence.
  clip.call('set_notes');
  clip.call('notes', notes.length);
  for (var i = 0; i < notes.length; i++) {
    var n = notes[i];
    clip.call('note', n.pitch, n.start_time, n.duration, n.velocity, 0);
  }
  clip.call('done');
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
    slot.call('create_clip', c.lengthBeats);
    var clip = new LiveAPI(trackPath + ' clip_slots ' + index + ' clip');
    if (!exists(clip)) throw new Error('Live did not create a clip in slot ' + (index + 1));
    clip.set('name', c.name);
    addNotes(clip, c.notes);
    report('wrote "' + c.name + '" (' + c.notes.length + ' notes) to clip slot ' + (index + 1));
  } catch (e) {
    report('error: could not write the clip: ' + (e && e.message ? e.message : e));
  }
}
