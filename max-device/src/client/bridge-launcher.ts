import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';

/** The oldest Node the bridge runs on (package.json "engines"). */
export const MIN_NODE = Object.freeze({ major: 20, minor: 6 });

/** Where the user can tell the device where Node and the Tandem repo are: `{"node": "...", "home": "..."}`. */
export const CONFIG_FILE = join(homedir(), '.tandem', 'device.json');

/** Settings read from CONFIG_FILE and the environment (TANDEM_NODE, TANDEM_HOME). */
export interface LaunchConfig {
  node?: string;
  home?: string;
  /** The bridge's UDP port. */
  port?: number;
}

/** Reads CONFIG_FILE (if any) and the environment; the environment wins. A broken file is reported, not ignored. */
export function readLaunchConfig(file = CONFIG_FILE, env: NodeJS.ProcessEnv = process.env): LaunchConfig & { problem?: string } {
  let cfg: LaunchConfig = {};
  let problem: string | undefined;
  if (existsSync(file)) {
    try {
      const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      for (const k of ['node', 'home'] as const) {
        if (raw[k] !== undefined && typeof raw[k] !== 'string') problem = `${file}: "${k}" must be a path string, got ${JSON.stringify(raw[k])}`;
        else if (typeof raw[k] === 'string') cfg[k] = raw[k] as string;
      }
      if (raw.port !== undefined) {
        const p = raw.port;
        if (typeof p !== 'number' || !Number.isInteger(p) || p < 1024 || p > 65535)
          problem = `${file}: "port" must be a UDP port from 1024 to 65535, got ${JSON.stringify(p)}`;
        else cfg.port = p;
      }
    } catch (err) {
      problem = `${file} is not JSON (${(err as Error).message}); expected {"node": "/path/to/node", "home": "/path/to/tandem", "port": 57121}`;
    }
  }
  cfg = { ...cfg, ...(env.TANDEM_NODE ? { node: env.TANDEM_NODE } : {}), ...(env.TANDEM_HOME ? { home: env.TANDEM_HOME } : {}) };
  return { ...cfg, problem };
}

/** A usable Node binary. */
export interface NodeFound {
  path: string;
  version: string;
}

/** Places a Node binary is usually found; Live's environment often lacks the user's shell PATH. */
export function nodeCandidates(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string[] {
  const exe = platform === 'win32' ? 'node.exe' : 'node';
  // Relative entries ("." or "bin") would run whatever lies in Live's working folder.
  const dirs = (env.PATH ?? env.Path ?? '').split(delimiter).filter((d) => d && isAbsolute(d));
  if (platform === 'darwin') dirs.push('/opt/homebrew/bin', '/usr/local/bin');
  if (platform === 'win32') dirs.push(join(env.ProgramFiles ?? 'C:\\Program Files', 'nodejs'));
  else dirs.push('/usr/local/bin', '/usr/bin');
  dirs.push(join(home, '.volta', 'bin'));
  const nvm = join(home, '.nvm', 'versions', 'node');
  if (existsSync(nvm)) {
    const versions = readdirSync(nvm).sort((a, b) => compareVersions(b, a));
    for (const v of versions) dirs.push(join(nvm, v, 'bin'));
  }
  return [...new Set(dirs.map((d) => join(d, exe)))];
}

/** Who runs the device, for {@link untrusted}: undefined on Windows (ACLs are not checked there). */
export interface Runner {
  uid: number;
  gid: number;
}

const currentRunner = (): Runner | undefined => (process.getuid && process.getgid ? { uid: process.getuid(), gid: process.getgid() } : undefined);

/**
 * Why `path` (a file or folder whose code the device would run) is not to be trusted, or undefined
 * when it is: it must belong to the user running Live (or root), and no other account may write
 * to it (not world-writable; group-writable only for the user's own group). Its folders up to the
 * root may not be world-writable without the sticky bit (where anyone could rename it away).
 */
export function untrusted(path: string, runner: Runner | undefined = currentRunner()): string | undefined {
  if (!runner) return undefined;
  let real: string;
  try {
    real = realpathSync(path);
  } catch (err) {
    return `${path} cannot be checked (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  const st = statSync(real);
  if (st.uid !== runner.uid && st.uid !== 0) return `${real} belongs to another user (uid ${st.uid})`;
  if (st.mode & 0o002) return `${real} is writable by every user`;
  if (st.mode & 0o020 && st.gid !== runner.gid) return `${real} is writable by group ${st.gid}`;
  for (let dir = dirname(real); ; dir = dirname(dir)) {
    const d = statSync(dir);
    if (d.mode & 0o002 && !(d.mode & 0o1000)) return `${dir} (above ${real}) is writable by every user`;
    if (dirname(dir) === dir) break;
  }
  return undefined;
}

/** `v20.11.1` -> [20, 11, 1]; undefined if it is not a version. */
export function parseNodeVersion(text: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

const compareVersions = (a: string, b: string): number => {
  const pa = parseNodeVersion(a) ?? [0, 0, 0];
  const pb = parseNodeVersion(b) ?? [0, 0, 0];
  return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
};

const newEnough = (v: [number, number, number]) => v[0] > MIN_NODE.major || (v[0] === MIN_NODE.major && v[1] >= MIN_NODE.minor);

/**
 * Finds a Node new enough for the bridge: the configured one first (and only it, when set), then
 * the usual places. The reason, when none fits, lists what was tried and what was too old.
 */
export function findNode(
  config: LaunchConfig,
  candidates: string[] = nodeCandidates(),
  runner: Runner | undefined = currentRunner(),
): NodeFound | { reason: string } {
  const tried = config.node ? [config.node] : candidates;
  const tooOld: string[] = [];
  const distrusted: string[] = [];
  for (const path of tried) {
    if (!existsSync(path)) continue;
    const why = untrusted(path, runner);
    if (why) {
      distrusted.push(why);
      continue;
    }
    const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 5000 });
    const v = r.status === 0 ? parseNodeVersion(r.stdout) : undefined;
    if (!v) continue;
    if (newEnough(v)) return { path, version: `v${v.join('.')}` };
    tooOld.push(`${path} is v${v.join('.')}`);
  }
  const need = `Node ${MIN_NODE.major}.${MIN_NODE.minor}+`;
  const where = config.node
    ? `the configured node ${config.node}`
    : `${tried.length} places (${tried.slice(0, 4).join(', ')}${tried.length > 4 ? ', ...' : ''})`;
  return {
    reason: `${need} not found: looked at ${where}${tooOld.length ? `; too old: ${tooOld.join(', ')}` : ''}${distrusted.length ? `; not trusted: ${distrusted.join(', ')}` : ''}. Install Node ${MIN_NODE.major} (nodejs.org) or put {"node": "/path/to/node"} in ${CONFIG_FILE}`,
  };
}

/** A Tandem checkout the bridge can run from. */
export interface TandemHome {
  home: string;
  /** bin/tandem.js */
  bin: string;
}

function isTandemHome(dir: string): boolean {
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg) || !existsSync(join(dir, 'bin', 'tandem.js'))) return false;
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'tandem';
  } catch {
    return false; // an unreadable package.json is not a Tandem checkout; keep looking upwards
  }
}

/**
 * Finds the Tandem repo: the configured `home`, else the first folder above the device's
 * scripts (max-device/dist/ lies inside the repo). Checks that `npm install` has run.
 */
export function findTandemHome(config: LaunchConfig, scriptDir: string, runner: Runner | undefined = currentRunner()): TandemHome | { reason: string } {
  let home: string | undefined;
  if (config.home) {
    if (!isTandemHome(config.home))
      return { reason: `${config.home} (configured home) is not a Tandem checkout: it needs package.json named "tandem" and bin/tandem.js` };
    home = resolve(config.home);
  } else {
    for (let dir = resolve(scriptDir); ; dir = dirname(dir)) {
      if (isTandemHome(dir)) {
        home = dir;
        break;
      }
      if (dirname(dir) === dir) break;
    }
  }
  if (!home)
    return {
      reason: `the Tandem repo was not found above ${scriptDir}: use the device from the repo's max-device/dist/, or put {"home": "/path/to/tandem"} in ${CONFIG_FILE}`,
    };
  if (!existsSync(join(home, 'node_modules'))) return { reason: `${home} has no node_modules: run npm install there first` };
  // The bridge runs this checkout's code: another account able to change it could run anything as you.
  for (const p of [home, join(home, 'package.json'), join(home, 'bin'), join(home, 'bin', 'tandem.js'), join(home, 'node_modules')]) {
    const why = untrusted(p, runner);
    if (why)
      return {
        reason: `the Tandem repo at ${home} is not trusted: ${why}; fix its owner or permissions (chmod go-w), or put {"home": "/path/to/your/tandem"} in ${CONFIG_FILE}`,
      };
  }
  return { home, bin: join(home, 'bin', 'tandem.js') };
}

/** How to start the bridge. */
export interface BridgePlan {
  node: string;
  bin: string;
  home: string;
  /** UDP port for `tandem serve --osc-port`. */
  port: number;
  /** `tandem serve --lease`: the bridge stops when no device has pinged for this long (ms). */
  leaseMs: number;
}

/** Longest bridge line the device shows or keeps, characters (the rest is cut, marked with `...`). */
export const MAX_LINE_CHARS = 300;

/**
 * A line of the bridge's output as the device may show it: control characters (C0, DEL, C1), line
 * and paragraph separators and bidirectional overrides written as `\xNN` / `\uNNNN`, cut to
 * {@link MAX_LINE_CHARS}. Whatever an OSC sender makes the bridge print cannot then pass for one
 * of the bridge's own lines on the status line, move the cursor or hide text (issue 10.13).
 */
export function safeLine(line: string): string {
  const cut = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}...` : line;
  return cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Turns a stream's chunks into whole lines: a line cut between two chunks is kept until its end
 * arrives (split per chunk, the second half would start a line of its own, and a text the bridge
 * echoed could then begin with `tandem: `); UTF-8 characters cut between chunks are kept whole.
 * A line longer than 64 KB is passed on in pieces; `end()` passes on an unfinished last line.
 */
export function lineSplitter(onLine: (line: string) => void): { write(chunk: Buffer | string): void; end(): void } {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  return {
    write(chunk) {
      const parts = (rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk))).split(/\r\n|\n|\r/);
      rest = parts.pop() ?? '';
      if (rest.length > 65_536) {
        parts.push(rest);
        rest = '';
      }
      for (const p of parts) onLine(p);
    },
    end() {
      const last = rest + decoder.end();
      rest = '';
      if (last) onLine(last);
    },
  };
}

/** Whether a bridge's last lines say its port was taken: another device's bridge got there first. */
export function portWasTaken(lastLines: readonly string[]): boolean {
  return lastLines.some((l) => /cannot be bound \(EADDRINUSE\)/.test(l));
}

/**
 * A running `tandem serve`, shared by every device: it is started with `--lease`, so it stops by
 * itself once no device has pinged it for that long (the last device removed, Live quit or
 * killed), and in its own process group (`detached`), so removing the device that started it
 * does not take it from the others. Emits each line it prints (the bridge reports on stderr) and
 * `exit` with the last lines, so the device can say why it stopped.
 */
export class BridgeProcess extends EventEmitter<{ line: [line: string]; exit: [code: number | null, signal: NodeJS.Signals | null, lastLines: string[]] }> {
  readonly lastLines: string[] = [];
  private readonly child: ChildProcess;

  constructor(plan: BridgePlan) {
    super();
    this.child = spawn(plan.node, [plan.bin, 'serve', '--osc-port', String(plan.port), '--lease', `${Math.round(plan.leaseMs)}ms`], {
      cwd: plan.home,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      detached: true,
    });
    const out = lineSplitter((line) => this.take(line));
    const err = lineSplitter((line) => this.take(line));
    this.child.stdout!.on('data', (b: Buffer) => out.write(b));
    this.child.stderr!.on('data', (b: Buffer) => err.write(b));
    this.child.on('error', (err) => {
      this.lastLines.push(`could not start ${plan.node}: ${err.message}`);
    });
    this.child.on('close', (code, signal) => {
      out.end();
      err.end();
      this.emit('exit', code, signal, [...this.lastLines]);
    });
  }

  private take(raw: string): void {
    if (!raw.trim()) return;
    const line = safeLine(raw);
    this.lastLines.push(line);
    if (this.lastLines.length > 20) this.lastLines.shift();
    this.emit('line', line);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Stops the bridge (SIGTERM: it closes its port and model); only for a bridge that never answered, as others may use it. */
  stop(): void {
    if (this.running) this.child.kill('SIGTERM');
  }
}
