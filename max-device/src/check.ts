/**
 * `npm run check:device [file.amxd]`: checks a built device without Max. Reads the .amxd chunk by
 * chunk, then the patcher: every line joins existing boxes within their inlet/outlet counts,
 * every object's counts match the table in patcher/objects.ts, presentation boxes fit the
 * device, parameters have names, ranges and defaults, every script the patcher names is next to
 * the device, the js script is ES5 and declares the box's inlets/outlets, and every message the
 * patcher sends to node.script has a maxApi.addHandler in the bundled client.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AmxdFormatError, decodeAmxd, DEVICE_TYPES, type DeviceType } from './amxd';
import { DEVICE_HEIGHT, MIDI_TOOL_FACE } from './patcher/builder';
import { messageBoxSelectors, messageSpec } from './patcher/messages';
import { exprProblems } from './patcher/expr';
import { expectedIo, parseObjectText } from './patcher/objects';
import { miditoolProblems } from './miditool-check';
import type { Box, Patcher } from './patcher/types';

/** What the checker found: problems (each naming the box, value and what is allowed) and facts. */
export interface CheckReport {
  problems: string[];
  facts: string[];
}

const PARAM_CLASSES = new Set(['live.dial', 'live.numbox', 'live.menu', 'live.tab', 'live.toggle', 'live.text', 'live.button', 'live.slider']);

const name = (b: Box) => `${b.id} (${b.maxclass === 'newobj' ? b.text : b.maxclass})`;

/** Handler names a bundled node.script client registers: `addHandler("x", ...)` and `addHandlers({ x: ... })`. */
export function handlerNames(source: string): Set<string> {
  const names = new Set<string>();
  for (const m of source.matchAll(/\baddHandler\(\s*["'`]([^"'`]+)["'`]/g)) names.add(m[1]);
  for (const m of source.matchAll(/\baddHandlers\(\s*\{([^}]*)\}/g)) {
    for (const k of m[1].matchAll(/(?:^|,)\s*["']?([A-Za-z_$][\w$]*)["']?\s*[:(]/g)) names.add(k[1]);
  }
  return names;
}

/** `inlets = N` / `outlets = N` at the top level of a js script (defaults 1 and 1). */
export function declaredJsIo(source: string): { inlets: number; outlets: number } {
  const get = (k: string) => {
    const m = new RegExp(`^\\s*${k}\\s*=\\s*(\\d+)\\s*;`, 'm').exec(source);
    return m ? Number(m[1]) : 1;
  };
  return { inlets: get('inlets'), outlets: get('outlets') };
}

interface EsprimaToken {
  type: string;
  value: string;
}
const esprima = createRequire(import.meta.url)('esprima') as { tokenize(src: string, opts?: object): EsprimaToken[]; parseScript(src: string): unknown };

/** ES2015+ syntax in a script for Max's legacy `js` engine, as "what at token N"; empty when the script is ES5. */
export function es5Problems(source: string): string[] {
  let tokens: EsprimaToken[];
  try {
    esprima.parseScript(source);
    tokens = esprima.tokenize(source);
  } catch (err) {
    return [`does not parse: ${(err as Error).message}`];
  }
  const out: string[] = [];
  tokens.forEach((t, i) => {
    if (t.type === 'Template') out.push(`template literal at token ${i}`);
    else if (t.type === 'Punctuator' && (t.value === '=>' || t.value === '...' || t.value === '**')) out.push(`"${t.value}" at token ${i}`);
    else if (
      (t.type === 'Keyword' || t.type === 'Identifier') &&
      (t.value === 'let' || t.value === 'const' || t.value === 'class') &&
      !(tokens[i - 1]?.value === '.')
    )
      out.push(`"${t.value}" at token ${i}`);
    else if (t.type === 'Identifier' && t.value === 'of' && tokens.slice(Math.max(0, i - 4), i).some((x) => x.value === 'for'))
      out.push(`for...of at token ${i}`);
  });
  return out;
}

/** The modules a js script loads with `require('name')` (Max's JS Require Guide), in order. */
export function jsRequires(source: string): string[] {
  return [...source.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
}

/** Top-level `function name(` declarations of a js script: the messages it takes. */
export function jsFunctions(source: string): Set<string> {
  return new Set([...source.matchAll(/^function\s+([A-Za-z_$][\w$]*)\s*\(/gm)].map((m) => m[1]));
}

/**
 * Problems with what message box `s` sends into inlet `inlet` of `d`, checked against the table
 * in patcher/messages.ts (node.script is checked against its handlers elsewhere; js against the
 * script's functions).
 */
function messageBoxProblems(what: string, s: Box, d: Box, inlet: number, jsFns: Set<string> | undefined): string[] {
  const spec = messageSpec(d);
  if (!spec) return [`${what}: no message table for ${name(d)}; add it to max-device/src/patcher/messages.ts with its reference page`];
  if (spec.anyInlets?.includes(inlet)) return [];
  const out: string[] = [];
  for (const sel of messageBoxSelectors(String(s.text ?? ''))) {
    if (sel === undefined) continue; // $1: whatever arrives
    if (sel === ';') {
      out.push(`${what}: ${name(s)} sends to named receivers (;), which the checker cannot follow`);
      continue;
    }
    if (inlet > 0) {
      if (!['int', 'float', 'list', 'bang'].includes(sel))
        out.push(`${what}: ${name(s)} sends "${sel}" into inlet ${inlet} of ${name(d)}, which takes numbers there`);
      continue;
    }
    if (spec.selectors.includes(sel)) continue;
    if (jsFns) {
      if (jsFns.has(sel) || jsFns.has('anything')) continue;
      out.push(`${what}: ${name(s)} sends "${sel}" to ${name(d)} but the script has no function ${sel} (nor anything)`);
      continue;
    }
    if (spec.passesAnything) continue;
    out.push(`${what}: ${name(s)} sends "${sel}" to ${name(d)}, which takes ${spec.selectors.join(', ')} (${spec.source})`);
  }
  return out;
}

/** Built-ins newer than Node 12 that a bundle must not call (syntax is checked by parsing). */
const AFTER_NODE_12: readonly [RegExp, string][] = [
  [/\.at\(-/, 'Array/String.prototype.at (Node 16.6)'],
  [/\.replaceAll\(/, 'String.prototype.replaceAll (Node 15)'],
  [/\bstructuredClone\(/, 'structuredClone (Node 17)'],
  [/\bObject\.hasOwn\(/, 'Object.hasOwn (Node 16.9)'],
  [/\.findLast(Index)?\(/, 'Array.prototype.findLast (Node 18)'],
  [/\bPromise\.any\(/, 'Promise.any (Node 15)'],
  [/\bnew AbortController\b/, 'AbortController (Node 15)'],
  [/require\(["'](timers|fs|readline|stream|dns)\/promises["']\)/, 'a promises module (Node 14+)'],
];

/**
 * Why a node.script bundle would not run on Node 12 (the oldest Node for Max the device supports):
 * syntax beyond ES2017 (esprima parses ES2017; Node 12 runs ES2019), `node:` requires (Node
 * 14.18 / 16), and calls to built-ins added after Node 12.
 */
export function node12Problems(source: string): string[] {
  const out: string[] = [];
  try {
    esprima.parseScript(source.replace(/^#!.*/, ''));
  } catch (err) {
    out.push(`does not parse as ES2017 (${(err as Error).message}); build it for Node 12 (max-device/src/build.ts)`);
  }
  for (const m of source.matchAll(/require\(\s*["'](node:[\w/]+)["']\s*\)/g)) out.push(`requires "${m[1]}": the node: scheme needs Node 14.18 or 16`);
  for (const [re, what] of AFTER_NODE_12) if (re.test(source)) out.push(`calls ${what}`);
  return [...new Set(out)];
}

/** What message a box sends when its outlet feeds node.script, or undefined if that cannot be known. */
function messageFrom(b: Box): string | undefined {
  if (b.maxclass === 'message')
    return (
      String(b.text ?? '')
        .trim()
        .split(/\s+/)[0] || undefined
    );
  if (b.maxclass === 'newobj') {
    const { name: cls, args } = parseObjectText(String(b.text ?? ''));
    if (cls === 'prepend' && args[0]) return args[0];
  }
  return undefined;
}

/** Checks a patcher of device type `type` against the files in `dir` (where the .amxd and its scripts lie). */
export function checkPatcher(p: Patcher, dir: string, type: DeviceType = 'mmmm'): CheckReport {
  const isTool = type === 'nagg' || type === 'natt';
  const problems: string[] = [];
  const facts: string[] = [];
  const boxes = new Map<string, Box>();
  for (const { box } of p.boxes) {
    if (boxes.has(box.id)) problems.push(`box id ${box.id} is used twice`);
    boxes.set(box.id, box);
  }

  // Scripts first: js boxes take their counts from the script.
  const deps = new Set((p.dependency_cache ?? []).map((d) => d.name));
  const jsIo = new Map<string, { inlets: number; outlets: number }>();
  const jsFns = new Map<string, Set<string>>(); // js box id -> its top-level functions
  const handlers = new Map<string, Set<string>>(); // node.script box id -> handler names
  for (const b of boxes.values()) {
    if (b.maxclass !== 'newobj') continue;
    const { name: cls, args } = parseObjectText(String(b.text ?? ''));
    if (cls !== 'node.script' && cls !== 'js' && cls !== 'v8') continue;
    const script = args[0];
    if (!script) {
      problems.push(`${name(b)} names no script`);
      continue;
    }
    const file = join(dir, script);
    if (!existsSync(file)) {
      problems.push(`${name(b)} runs ${script}, which is not next to the device in ${dir}`);
      continue;
    }
    if (!deps.has(script)) problems.push(`${script} is not listed in the patcher's dependency_cache (Live's "Collect All and Save" would leave it behind)`);
    const source = readFileSync(file, 'utf8');
    if (cls === 'node.script') {
      handlers.set(b.id, handlerNames(source));
      for (const e of node12Problems(source)) problems.push(`${script} must run on Node 12 (the oldest Node for Max the device supports) but ${e}`);
      if (/\brequire\(/.test(source)) {
        const pkg = join(dir, 'package.json');
        const type = existsSync(pkg) ? (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: string }).type : undefined;
        if (type === 'module') problems.push(`${script} is CommonJS but ${pkg} says "type": "module"`);
        else if (!existsSync(pkg)) facts.push(`${script}: no package.json beside it; Node treats it as CommonJS unless a parent folder says "type": "module"`);
      }
    } else {
      jsIo.set(b.id, declaredJsIo(source));
      jsFns.set(b.id, jsFunctions(source));
      if (cls === 'js') for (const e of es5Problems(source)) problems.push(`${script} is for Max's legacy js engine (ES5) but has ${e}`);
      for (const mod of jsRequires(source)) {
        // Max's JS Require Guide: `require(name)` loads <name>.js from the Max search path (the device's folder first).
        const modFile = mod.endsWith('.js') ? mod : `${mod}.js`;
        if (!existsSync(join(dir, modFile))) problems.push(`${script} requires ${mod}, but ${modFile} is not next to the device in ${dir}`);
        else {
          if (!deps.has(modFile)) problems.push(`${modFile} (required by ${script}) is not listed in the patcher's dependency_cache`);
          const modSource = readFileSync(join(dir, modFile), 'utf8');
          if (cls === 'js')
            for (const e of es5Problems(modSource)) problems.push(`${modFile} (required by ${script}) is for Max's legacy js engine (ES5) but has ${e}`);
          if (!/\bexports\.\w+\s*=/.test(modSource))
            problems.push(`${modFile} (required by ${script}) assigns nothing to exports, so require() returns nothing`);
        }
      }
    }
  }

  // expr boxes: only what the expr reference documents.
  for (const b of boxes.values()) {
    const { name: cls } = parseObjectText(String(b.text ?? ''));
    if (b.maxclass !== 'newobj' || cls !== 'expr') continue;
    for (const e of exprProblems(String(b.text).trim().slice('expr'.length))) problems.push(`${name(b)}: ${e}`);
  }

  // Object counts against the table.
  for (const b of boxes.values()) {
    const want = jsIo.get(b.id) ?? expectedIo(b, p.appversion);
    if (!want) {
      problems.push(`${name(b)}: no inlet/outlet counts known for this object; add it to max-device/src/patcher/objects.ts with its source`);
      continue;
    }
    const wantIn = 'inlets' in want ? want.inlets : 0;
    const wantOut = 'outlets' in want ? want.outlets : 0;
    if (b.numinlets !== wantIn || b.numoutlets !== wantOut)
      problems.push(`${name(b)} has ${b.numinlets} inlets/${b.numoutlets} outlets; it should have ${wantIn}/${wantOut}`);
  }

  // Lines.
  const seen = new Set<string>();
  for (const { patchline: l } of p.lines) {
    const [sid, out] = l.source;
    const [did, inl] = l.destination;
    const s = boxes.get(sid);
    const d = boxes.get(did);
    const what = `line ${sid}:${out} -> ${did}:${inl}`;
    if (!s || !d) {
      problems.push(`${what} joins a box that does not exist (${!s ? sid : did})`);
      continue;
    }
    if (!Number.isInteger(out) || out < 0 || out >= s.numoutlets) problems.push(`${what}: ${name(s)} has outlets 0..${s.numoutlets - 1}`);
    if (!Number.isInteger(inl) || inl < 0 || inl >= d.numinlets) problems.push(`${what}: ${name(d)} has inlets 0..${d.numinlets - 1}`);
    if (seen.has(what)) problems.push(`${what} is drawn twice`);
    seen.add(what);
    const h = handlers.get(did);
    if (s.maxclass === 'message' && !h) problems.push(...messageBoxProblems(what, s, d, inl, jsFns.get(did)));
    if (h && inl === 0) {
      const msg = messageFrom(s);
      if (msg === undefined) problems.push(`${what}: cannot tell which message ${name(s)} sends to node.script; put a prepend or a message box in front`);
      else if (!h.has(msg))
        problems.push(`the patcher sends "${msg}" to ${name(d)} but its script has no maxApi.addHandler("${msg}") (handlers: ${[...h].sort().join(', ')})`);
    }
  }
  facts.push(`${boxes.size} boxes, ${p.lines.length} lines`);

  // The device face (a MIDI Tool's is its panel in the clip view).
  const [faceW, faceH] = isTool ? MIDI_TOOL_FACE : [p.devicewidth, DEVICE_HEIGHT];
  if (!isTool && !(p.devicewidth > 0)) problems.push(`devicewidth must be > 0, got ${p.devicewidth}`);
  if (p.openinpresentation !== 1) problems.push('openinpresentation must be 1 so Live shows the device face');
  for (const b of boxes.values()) {
    if (b.presentation !== 1) continue;
    const r = b.presentation_rect;
    if (!r || r.length !== 4) {
      problems.push(`${name(b)} is in presentation but has no presentation_rect`);
      continue;
    }
    const [x, y, w, h] = r;
    if (x < 0 || y < 0 || x + w > faceW || y + h > faceH)
      problems.push(`${name(b)} at [${r.join(', ')}] does not fit the ${isTool ? 'MIDI Tool panel' : 'device face'} (${faceW} x ${faceH})`);
  }

  // MIDI Tools: live.miditool.in -> ... -> live.miditool.out, synchronously.
  problems.push(...miditoolProblems(p, type));

  // Parameters.
  const longnames = new Map<string, string>();
  let count = 0;
  for (const b of boxes.values()) {
    if (!PARAM_CLASSES.has(b.maxclass)) continue;
    const v = b.saved_attribute_attributes?.valueof;
    if (b.parameter_enable !== 1 || !v) {
      problems.push(`${name(b)} is not a Live parameter (needs parameter_enable 1 and saved_attribute_attributes.valueof)`);
      continue;
    }
    count++;
    const who = `parameter ${JSON.stringify(v.parameter_longname ?? '')} (${b.id})`;
    if (!v.parameter_longname) problems.push(`${b.id}: parameter_longname is empty`);
    else if (longnames.has(v.parameter_longname))
      problems.push(`${who}: long name also used by ${longnames.get(v.parameter_longname)}; long names are unique in a device`);
    else longnames.set(v.parameter_longname, b.id);
    if (!v.parameter_shortname) problems.push(`${who}: parameter_shortname is empty`);
    if (v.parameter_initial_enable !== 1 || !Array.isArray(v.parameter_initial) || v.parameter_initial.length !== 1) {
      problems.push(`${who}: needs a default (parameter_initial_enable 1 and parameter_initial [value])`);
    }
    const init = v.parameter_initial?.[0];
    if (v.parameter_type === 2) {
      const items = v.parameter_enum;
      if (!Array.isArray(items) || items.length === 0 || !items.every((x) => typeof x === 'string'))
        problems.push(`${who}: an enum needs parameter_enum, a list of names`);
      else {
        if (v.parameter_mmax !== undefined && v.parameter_mmax !== items.length - 1)
          problems.push(`${who}: parameter_mmax is ${v.parameter_mmax}, should be ${items.length - 1} (the last index of parameter_enum)`);
        if (typeof init === 'number' && !(Number.isInteger(init) && init >= 0 && init < items.length))
          problems.push(`${who}: default ${init} is not an index 0..${items.length - 1}`);
      }
    } else if (v.parameter_type === 0 || v.parameter_type === 1) {
      const lo = v.parameter_mmin ?? 0;
      const hi = v.parameter_mmax;
      if (typeof hi !== 'number' || !(lo < hi)) problems.push(`${who}: range needs parameter_mmin < parameter_mmax, got ${lo}..${hi}`);
      else if (typeof init === 'number' && !(init >= lo && init <= hi)) problems.push(`${who}: default ${init} is outside ${lo}..${hi}`);
      if (v.parameter_type === 1 && (lo < 0 || (hi ?? 0) > 255))
        problems.push(`${who}: Live's int parameters hold 0..255; use a float with unit style int for ${lo}..${hi}`);
      if (v.parameter_unitstyle === undefined) problems.push(`${who}: parameter_unitstyle (its unit) is missing`);
    } else problems.push(`${who}: parameter_type must be 0 (float), 1 (int) or 2 (enum), got ${String(v.parameter_type)}`);
    // Ableton's production guidelines: buttons are Hidden parameters, so a click adds no undo step and no automation lane.
    const isButton = b.maxclass === 'live.button' || (b.maxclass === 'live.text' && (b.mode ?? 1) === 0);
    if (isButton && v.parameter_invisible !== 2)
      problems.push(
        `${who}: a button (${b.maxclass}${b.maxclass === 'live.text' ? ' mode 0' : ''}) must be a Hidden parameter (parameter_invisible 2), got ${String(v.parameter_invisible ?? 0)}: a stored one adds an undo step per click and shows in automation`,
      );
    const listed = p.parameters?.[b.id];
    if (!listed || listed[0] !== v.parameter_longname || listed[1] !== v.parameter_shortname)
      problems.push(
        `${who}: the patcher's parameters table should list ${b.id} as [${JSON.stringify(v.parameter_longname)}, ${JSON.stringify(v.parameter_shortname)}, 0]`,
      );
  }
  facts.push(`${count} Live parameters: ${[...longnames.keys()].join(', ')}`);
  facts.push(`node.script handlers: ${[...new Set([...handlers.values()].flatMap((h) => [...h]))].sort().join(', ')}`);
  return { problems, facts };
}

/** Checks a built .amxd file and the scripts next to it; `expected`: the device type it must be. */
export function checkDevice(amxdPath: string, expected?: DeviceType): CheckReport {
  let decoded;
  try {
    decoded = decodeAmxd(new Uint8Array(readFileSync(amxdPath)));
  } catch (err) {
    if (err instanceof AmxdFormatError) return { problems: [`${basename(amxdPath)}: ${err.message}`], facts: [] };
    throw err;
  }
  const report = checkPatcher(decoded.doc.patcher, dirname(resolve(amxdPath)), decoded.type);
  const allowed: DeviceType[] = expected ? [expected] : ['mmmm', 'nagg', 'natt'];
  if (!allowed.includes(decoded.type))
    report.problems.unshift(
      `${basename(amxdPath)} is a ${decoded.type} device (${DEVICE_TYPES[decoded.type]}); it should be ${allowed.map((t) => `${t} (${DEVICE_TYPES[t]})`).join(' or ')}`,
    );
  const amxdtype = (decoded.doc.patcher.project as { amxdtype?: number } | undefined)?.amxdtype;
  const want = [...decoded.type].reduce((n, ch) => n * 256 + ch.charCodeAt(0), 0);
  if (amxdtype !== undefined && amxdtype !== want) report.problems.push(`project.amxdtype is ${amxdtype} but the ampf chunk says ${decoded.type} (${want})`);
  const ptch = decoded.chunks.find((c) => c.tag === 'ptch')!;
  report.facts.unshift(
    `${basename(amxdPath)}: ${DEVICE_TYPES[decoded.type]}, chunks ${decoded.chunks.map((c) => `${c.tag} ${c.data.length} B`).join(', ')}${ptch.data[ptch.data.length - 1] === 0 ? ' (ptch ends in NUL)' : ''}`,
  );
  return report;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
  // Without an argument: every device the build writes (imported here only, so the checker's
  // functions load without the builders).
  const targets: { file: string; type?: DeviceType }[] = process.argv[2]
    ? [{ file: resolve(process.argv[2]) }]
    : (await import('./build')).DEVICES.map((d) => ({ file: join(dist, d.file), type: d.type }));
  let failed = 0;
  for (const t of targets) {
    if (!existsSync(t.file)) {
      console.error(`tandem: ${t.file} does not exist; run npm run build:device first`);
      process.exit(2);
    }
    const { problems, facts } = checkDevice(t.file, t.type);
    for (const f of facts) console.log(`ok    ${f}`);
    for (const p of problems) console.error(`FAIL  ${p}`);
    console.log(problems.length ? `${basename(t.file)}: ${problems.length} problem(s)` : `${basename(t.file)}: device ok`);
    failed += problems.length;
  }
  process.exit(failed ? 1 : 0);
}
