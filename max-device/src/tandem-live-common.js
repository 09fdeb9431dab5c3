// Tandem's shared Live API helpers, for Max's `js` object: one copy for the clip writer and the
// Live reader, loaded with `require('tandem-live-common')`. Plain ES5 (Max's legacy `js` engine).
//
// Max's JS Require Guide (docs.cycling74.com/max8/vignettes/jsrequire, Max 7+): a module "in the
// Max search path" assigns what it offers to `exports`, and `require(name)` returns that object;
// modules are scoped (their variables do not collide with the script's). The device lists this
// file among its dependencies, beside the scripts, so it travels with them (Max searches the
// folder of the patcher being loaded first).

// Max hands a one-element list back as a list: its first element.
exports.firstOf = function (v) {
  if (v !== null && typeof v === 'object' && v.length !== undefined) return v[0];
  return v;
};

// The last element of a list (LiveAPI.call answers `name value`), else the value itself.
exports.lastOf = function (v) {
  if (v !== null && typeof v === 'object' && v.length !== undefined) return v[v.length - 1];
  return v;
};

// A LiveAPI path without the quotes Live puts around it.
exports.unquote = function (path) {
  return String(path).replace(/^"/, '').replace(/"$/, '');
};

// Whether a LiveAPI object points at something (id 0: "No object").
exports.exists = function (api) {
  return api.id !== undefined && Number(api.id) !== 0;
};

// The track this device is on (through racks' chains), or an Error.
exports.findTrack = function () {
  var obj = new LiveAPI('this_device canonical_parent');
  for (var i = 0; i < 8 && exports.exists(obj); i++) {
    if (obj.type === 'Track') return obj;
    obj = new LiveAPI(exports.unquote(obj.path) + ' canonical_parent');
  }
  throw new Error('could not find the track this device is on');
};

// Live's version as [major, minor] (Application.get_major_version / get_minor_version).
exports.liveVersion = function () {
  var app = new LiveAPI('live_app');
  return [Number(exports.firstOf(exports.lastOf(app.call('get_major_version')))), Number(exports.firstOf(exports.lastOf(app.call('get_minor_version'))))];
};
