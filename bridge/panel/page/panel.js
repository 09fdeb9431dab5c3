// The Tandem panel page: renders what the bridge pushes over the WebSocket and sends the
// musician's changes back. It holds no rule: menus, ranges and units come from the hello event
// (the registry and the control table) and every value is checked again by the session controller.
import { audition, Listener, stopAudition } from './audio.js';
import { drawRoll } from './roll.js';

const $ = (id) => document.getElementById(id);
const ui = {
  hello: undefined,
  state: undefined,
  /** performance.now() when the state arrived (the playhead moves on from there). */
  stateAt: 0,
  items: new Map(),
  selected: undefined,
  lanes: new Map(),
  sel: undefined,
  errors: 0,
  /** Playing along in the page (Web Audio), when the musician asks. */
  listener: undefined,
};
let ws;

function send(msg) {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
  else showError('not connected to the bridge');
}

function showError(message) {
  const box = $('error');
  ui.errors++;
  box.textContent = message;
  box.hidden = false;
  box.dataset.count = String(ui.errors);
  clearTimeout(showError.timer);
  showError.timer = setTimeout(() => (box.hidden = true), 10_000);
}

function connect() {
  ws = new WebSocket(`ws://${location.host}/ws`);
  ws.onopen = () => {
    $('conn').textContent = 'connected';
    $('conn').className = 'good';
  };
  ws.onclose = () => {
    $('conn').textContent = 'disconnected: retrying';
    $('conn').className = 'bad';
    setTimeout(connect, 1000);
  };
  ws.onmessage = (e) => receive(JSON.parse(e.data));
}

function receive(ev) {
  switch (ev.type) {
    case 'hello':
      ui.hello = ev;
      ui.items.clear();
      ui.lanes.clear();
      $('lanes').replaceChildren();
      ui.listener?.stop();
      ui.listener = undefined;
      buildControls();
      break;
    case 'state':
      ui.state = ev;
      ui.stateAt = performance.now();
      showState();
      break;
    case 'history':
      for (const it of ev.items.slice().reverse()) ui.items.set(it.ref, { ...ui.items.get(it.ref), ...it });
      renderList();
      break;
    case 'suggestion':
      ui.items.delete(ev.item.ref);
      ui.items.set(ev.item.ref, ev.item);
      // The bridge lists at most its last few hundred; so does the page (a long session makes one every few seconds).
      while (ui.items.size > 400) ui.items.delete(ui.items.keys().next().value);
      renderList();
      break;
    case 'notes': {
      const it = ui.items.get(ev.ref);
      if (it) Object.assign(it, { notes: ev.notes, totalTicks: ev.totalTicks, meter: ev.meter });
      if (ui.selected === ev.ref) showSelected();
      break;
    }
    case 'kept': {
      const it = ui.items.get(ev.ref);
      if (it) it.kept = true;
      renderList();
      if (ui.selected === ev.ref) showSelected();
      break;
    }
    case 'error':
      showError(ev.message);
      showState(); // puts back the values the session holds
      break;
  }
}

// ---- controls: built from the control table and the registry ----

function field(name, label, input) {
  const l = document.createElement('label');
  l.dataset.field = name;
  l.append(label, input);
  $('control-form').append(l);
  return l;
}

function select(name, options) {
  const s = document.createElement('select');
  s.dataset.control = name;
  for (const o of options) s.add(new Option(o, o));
  s.addEventListener('change', () => send({ type: 'set', control: name, value: s.value }));
  return s;
}

function buildControls() {
  const h = ui.hello;
  const form = $('control-form');
  form.replaceChildren();
  form.onsubmit = (e) => e.preventDefault();
  field('model', 'model', select('model', h.choosable));
  field('style', 'genre', select('style', []));
  for (const c of h.controls) {
    if (c.name === 'style') continue;
    let input;
    if (c.kind === 'number') {
      input = document.createElement('input');
      input.type = 'number';
      input.min = String(c.min);
      input.max = String(c.max);
      input.step = c.integer ? '1' : 'any';
      input.title = `${c.doc} (${c.min} to ${c.max}${c.unit && c.unit !== `${c.min}..${c.max}` ? ` ${c.unit}` : ''})`;
      input.dataset.control = c.name;
      // A value the field cannot read as a number goes as typed: the session says what is allowed.
      input.addEventListener('change', () =>
        send({ type: 'set', control: c.name, value: input.value.trim() !== '' && Number.isFinite(Number(input.value)) ? Number(input.value) : input.value }),
      );
      if (!c.integer && c.max - c.min <= 4) {
        const range = document.createElement('input');
        range.type = 'range';
        range.min = String(c.min);
        range.max = String(c.max);
        range.step = String((c.max - c.min) / 100);
        range.dataset.range = c.name;
        range.addEventListener('input', () => (input.value = range.value));
        range.addEventListener('change', () => send({ type: 'set', control: c.name, value: Number(range.value) }));
        const pair = document.createElement('span');
        pair.className = 'pair';
        pair.append(range, input);
        field(c.name, c.flag, pair);
        continue;
      }
    } else {
      input = document.createElement('input');
      input.type = 'text';
      input.maxLength = c.maxLength + 20; // longer text reaches the session, which says the limit
      input.placeholder = 'model chooses';
      input.title = c.doc;
      input.dataset.control = c.name;
      input.addEventListener('change', () => send({ type: 'set', control: c.name, value: input.value }));
    }
    field(c.name, c.flag, input);
  }
  const listen = document.createElement('input');
  listen.type = 'checkbox';
  listen.id = 'listen';
  listen.title = 'play what the session plays with simple voices in this page (Web Audio)';
  listen.addEventListener('change', () => {
    ui.listener?.stop();
    ui.listener = listen.checked ? new Listener(ui.hello) : undefined;
  });
  const listenLabel = document.createElement('label');
  listenLabel.append('listen here', listen);
  form.append(listenLabel);
  if (h.mode === 'serve') {
    const follow = document.createElement('input');
    follow.type = 'checkbox';
    follow.dataset.control = 'follow';
    follow.addEventListener('change', () => send({ type: 'follow', on: follow.checked }));
    field('follow', 'follow host', follow);
    const gen = document.createElement('button');
    gen.type = 'button';
    gen.id = 'generate';
    gen.textContent = 'Generate';
    gen.addEventListener('click', () => send({ type: 'generate' }));
    form.append(gen);
  }
}

function showState() {
  const st = ui.state;
  const h = ui.hello;
  if (!st || !h) return;
  const s = st.settings;
  const t = st.transport;
  $('clock').textContent = { internal: 'internal', midi: 'MIDI clock (followed)', host: t.follow ? 'host (following)' : 'host (not following)' }[t.source];
  $('tempo').textContent = `${Math.round(t.bpm * 10) / 10} BPM`;
  $('engine').textContent = st.engine;
  $('saved').textContent = String(st.saved);
  const model = h.models.find((m) => m.name === s.model);
  const styleSel = document.querySelector('select[data-control=style]');
  const styles = [...model.styles, ...(model.anyStyle ? ['any'] : [])];
  if (styleSel.dataset.model !== model.name) {
    styleSel.replaceChildren(...styles.map((o) => new Option(o, o)));
    styleSel.dataset.model = model.name;
  }
  for (const input of document.querySelectorAll('#control-form [data-control]')) {
    const name = input.dataset.control;
    if (document.activeElement === input) continue;
    if (name === 'follow') input.checked = t.follow;
    else input.value = s[name] ?? '';
    const label = input.closest('label');
    // A live session of several parts offers every control one of them takes.
    const playing = h.parts ? h.parts.map((p) => h.models.find((m) => m.name === p)) : [model];
    const unused = h.unused[name];
    const takes = !unused && (name === 'model' || name === 'style' || name === 'follow' || playing.some((m) => m.controls.includes(name)));
    label.classList.toggle('off', !takes);
    input.disabled = !takes;
    if (unused) label.title = `not used here: ${unused}`;
  }
  for (const r of document.querySelectorAll('#control-form [data-range]')) if (document.activeElement !== r) r.value = String(s[r.dataset.range]);
}

// ---- suggestions: lanes (now), the selected one, the list ----

function songTicks() {
  const t = ui.state.transport;
  const dt = t.playing ? ((performance.now() - ui.stateAt) / 1000) * (t.bpm / 60) * ui.hello.ppq : 0;
  return t.ticks + dt;
}

/** The suggestion of a part that sounds now: a live phrase under the playhead, else the newest. */
function currentOf(part, ticks) {
  let newest;
  for (const it of ui.items.values()) {
    if (it.part !== part || !it.live || !it.notes) continue;
    newest = it;
    if (it.atTicks !== undefined && it.atTicks <= ticks && ticks < it.atTicks + it.totalTicks) return it;
  }
  return newest;
}

function renderLanes(ticks) {
  const parts = ui.hello.models.map((m) => m.name).filter((p) => [...ui.items.values()].some((it) => it.part === p && it.live));
  const lanes = $('lanes');
  if (!parts.length) {
    if (!lanes.dataset.waiting) lanes.textContent = 'waiting for the first suggestion...';
    lanes.dataset.waiting = '1';
    return;
  }
  if (lanes.dataset.waiting) {
    lanes.replaceChildren();
    delete lanes.dataset.waiting;
  }
  for (const part of parts) {
    let lane = ui.lanes.get(part);
    if (!lane) {
      const box = document.createElement('div');
      box.className = 'lane';
      box.dataset.part = part;
      const title = document.createElement('div');
      title.className = 'lane-title';
      const roll = document.createElement('div');
      box.append(title, roll);
      lanes.append(box);
      lane = { box, title, roll, ref: undefined, head: undefined };
      ui.lanes.set(part, lane);
    }
    const it = currentOf(part, ticks);
    if (!it) continue;
    if (lane.ref !== it.ref) {
      lane.ref = it.ref;
      lane.box.dataset.ref = it.ref;
      lane.title.textContent = `${part}: ${describe(it)}`;
      lane.head = drawRoll(lane.roll, it, ui.hello);
    }
    const t = ui.state.transport;
    const at = it.atTicks ?? 0;
    if (ui.listener && t.playing && it.atTicks !== undefined) {
      ui.listener.feed(it, ticks, t.bpm);
      // The phrase after this one starts within the lookahead near its end.
      const next = currentOf(part, it.atTicks + it.totalTicks);
      if (next && next !== it && next.atTicks === it.atTicks + it.totalTicks) ui.listener.feed(next, ticks, t.bpm);
      $('listen').dataset.voices = String(ui.listener.voices);
    }
    // A live phrase: the song position inside it; a served suggestion loops with the host's beat.
    lane.head(it.atTicks !== undefined ? ticks - at : t.playing ? ticks % it.totalTicks : null);
  }
}

function describe(it) {
  return `${it.style} d${it.density} seed ${it.seed}, ${it.bars} bar${it.bars === 1 ? '' : 's'}`;
}

const midUrl = (it) => `/mid/${encodeURI(it.ref)}`;

function dragOut(e, it) {
  // Chromium's DownloadURL drag data: a drop on the desktop or a DAW saves the .mid.
  e.dataTransfer.setData('DownloadURL', `audio/midi:${it.file}:${location.origin}${midUrl(it)}`);
  e.dataTransfer.setData('text/uri-list', `${location.origin}${midUrl(it)}`);
}

function select_(ref) {
  ui.selected = ref;
  const it = ui.items.get(ref);
  if (!it.notes) send({ type: 'load', ref });
  showSelected();
  for (const li of $('history').children) li.classList.toggle('sel', li.dataset.ref === ref);
}

function showSelected() {
  const it = ui.items.get(ui.selected);
  const box = $('selected');
  box.classList.remove('muted');
  $('selected-name').textContent = it ? `${it.file}${it.kept ? ' (kept)' : ''}` : '';
  if (!it || !it.notes) return void (box.textContent = 'loading...');
  const roll = document.createElement('div');
  const tools = document.createElement('div');
  tools.className = 'tools';
  const play = document.createElement('button');
  play.textContent = 'Audition';
  play.id = 'audition';
  const stop = document.createElement('button');
  stop.textContent = 'Stop';
  const keep = document.createElement('button');
  keep.textContent = it.kept ? 'Kept' : 'Keep';
  keep.id = 'keep';
  keep.disabled = it.kept;
  const dl = document.createElement('a');
  dl.id = 'download';
  dl.href = midUrl(it);
  dl.download = it.file;
  dl.textContent = 'Download .mid';
  const drag = document.createElement('span');
  drag.className = 'drag';
  drag.draggable = true;
  drag.id = 'drag';
  drag.textContent = 'Drag .mid';
  drag.addEventListener('dragstart', (e) => dragOut(e, it));
  tools.append(play, stop, keep, dl, drag);
  box.replaceChildren(roll, tools);
  ui.sel = { ref: it.ref, head: drawRoll(roll, it, ui.hello), play: undefined };
  play.addEventListener('click', () => {
    const a = audition(it, ui.hello, it.bpm || ui.state.transport.bpm);
    box.dataset.voices = String(a.voices);
    ui.sel.play = a;
  });
  stop.addEventListener('click', () => {
    stopAudition();
    ui.sel.play = undefined;
  });
  keep.addEventListener('click', () => send({ type: 'keep', ref: it.ref }));
}

function renderList() {
  const list = $('history');
  const items = [...ui.items.values()].reverse().slice(0, 200);
  list.replaceChildren(
    ...items.map((it) => {
      const li = document.createElement('li');
      li.dataset.ref = it.ref;
      li.draggable = true;
      li.classList.toggle('sel', it.ref === ui.selected);
      li.addEventListener('dragstart', (e) => dragOut(e, it));
      const what = document.createElement('span');
      what.className = 'what';
      what.textContent = `${it.live ? '' : `${it.session}  `}${it.part} ${describe(it)}`;
      what.title = it.ref;
      const kept = document.createElement('span');
      kept.className = 'kept';
      kept.textContent = it.kept ? 'kept' : '';
      const open = document.createElement('button');
      open.textContent = 'Open';
      open.addEventListener('click', () => select_(it.ref));
      const dl = document.createElement('a');
      dl.href = midUrl(it);
      dl.download = it.file;
      dl.textContent = '.mid';
      li.append(what, kept, open, dl);
      return li;
    }),
  );
}

function frame() {
  if (ui.state && ui.hello) {
    const ticks = songTicks();
    const t = ui.state.transport;
    // Bars and beats in the session's meter (a 6/8 bar counts six eighths).
    const m = t.meter;
    const beatTicks = m.barTicks / m.numerator;
    $('transport').textContent =
      `${t.playing ? 'playing' : 'stopped'} ${Math.floor(ticks / m.barTicks) + 1}:${Math.floor((ticks % m.barTicks) / beatTicks) + 1}`;
    $('transport').title = `${m.numerator}/${m.denominator}`;
    renderLanes(ticks);
    const s = ui.sel;
    if (s && s.play) {
      const at = (s.play.now() - s.play.startAt) / s.play.secondsPerTick;
      const it = ui.items.get(s.ref);
      if (!it || at > it.totalTicks) s.play = undefined;
      s.head(s.play ? Math.max(0, at) : null);
    }
  }
  requestAnimationFrame(frame);
}

// Tests and curious users read the page state here.
window.tandemPanel = ui;
connect();
requestAnimationFrame(frame);
