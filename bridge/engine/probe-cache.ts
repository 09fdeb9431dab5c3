import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { arch, cpus, hostname, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { cacheDir } from '../data/paths';
import { writeFileAtomic } from '../fs/atomic-write';
import type { BackendReport } from './page/protocol';

/**
 * The page's last full backend probe, kept between runs so a launch can go straight to the backend
 * that won (the page still parity-checks and times it, and probes all again if it fails). The full
 * probe costs ~6 s here, most of it compiling WebGL shaders on SwiftShader.
 */
export const PROBE_CACHE_FILE = join(cacheDir(), 'engine-probe.json');

/** The page's probe settings a launch uses unless told otherwise (ChromiumEngineOptions documents them). */
export const PROBE_DEFAULTS = Object.freeze({ tolerance: 1e-3, paritySteps: 32, timedSteps: 16 });

/** Whether this machine shows a GPU device node (Linux DRM or NVIDIA); elsewhere assume one. */
export function hasGpuDevice(): boolean {
  if (process.platform !== 'linux') return true;
  return existsSync('/dev/dri') || existsSync('/dev/nvidia0');
}

/** The machine a probe ran on: a cache folder copied to another machine (or a GPU added) probes again. */
export function machineId(): string {
  const cpu = cpus();
  return [hostname(), platform(), arch(), cpu[0]?.model ?? '?', cpu.length, hasGpuDevice() ? 'gpu' : 'no-gpu'].join('|');
}

/** What a probe result depends on: the machine, the browser binary, the model files, TF.js, the probe's settings. */
export interface ProbeKeyParts {
  executablePath: string;
  modelDir: string;
  tfVersion: string;
  settings: unknown;
}

const fileStamp = (path: string) => {
  try {
    const st = statSync(path);
    return [path, st.size, st.mtimeMs];
  } catch {
    return [path, 'missing'];
  }
};

/** A short hash of everything the probe's answer depends on. */
export function probeKey(p: ProbeKeyParts): string {
  let weights: string[] = [];
  try {
    const manifest = (JSON.parse(readFileSync(join(p.modelDir, 'model.json'), 'utf8')) as { weightsManifest: Array<{ paths: string[] }> }).weightsManifest;
    weights = manifest.flatMap((g) => g.paths);
  } catch {
    // unreadable model: the launch will say so; the key only has to differ
  }
  const files = [p.executablePath, join(p.modelDir, 'model.json'), ...weights.map((w) => join(p.modelDir, w))];
  const parts = [machineId(), files.map(fileStamp), p.tfVersion, p.settings];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 24);
}

interface CacheFile {
  [key: string]: { reports: BackendReport[]; at: string };
}

function readAll(file: string): CacheFile {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
  } catch {
    return {};
  }
}

/** The cached reports under `key`, if any. */
export function readProbe(file: string, key: string): BackendReport[] | undefined {
  const hit = readAll(file)[key];
  return hit && Array.isArray(hit.reports) && hit.reports.some((r) => r.chosen) ? hit.reports : undefined;
}

/** Stores a full probe's reports (at most 20 keys are kept; never throws: a cache is optional). */
export function writeProbe(file: string, key: string, reports: BackendReport[]): void {
  try {
    const all = readAll(file);
    all[key] = { reports, at: new Date().toISOString() };
    const keep = Object.entries(all)
      .sort((a, b) => b[1].at.localeCompare(a[1].at))
      .slice(0, 20);
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomic(file, JSON.stringify(Object.fromEntries(keep), null, 1), { replace: true });
  } catch {
    // read-only checkout: the next launch probes again
  }
}

/**
 * The cached probe of a launch with default settings (what `tandem generate --engine auto` asks
 * before deciding whether a browser is worth starting), or undefined.
 */
export function readDefaultProbe(executablePath: string, modelDir: string, tfVersion: string, file = PROBE_CACHE_FILE): BackendReport[] | undefined {
  const settings = { force: undefined, candidates: undefined, ...PROBE_DEFAULTS };
  return readProbe(file, probeKey({ executablePath, modelDir, tfVersion, settings }));
}
