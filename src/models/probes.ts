import { TandemError } from '../errors';
import { DRUM_PROBES } from './drums/probe';
import { MELODY_PROBES } from './melody/probe';
import type { NetProbe } from './spec';

/**
 * The backend probe of each network implementation (ModelImpl.id), for the engines' choice of
 * TF.js backend (the Chromium page). Beside factories.ts for the same reason: it loads TF.js.
 * A new network is one line here next to its factory line.
 */
export const NET_PROBES: Readonly<Record<string, NetProbe>> = Object.freeze({ ...DRUM_PROBES, ...MELODY_PROBES });

/** The probe of a network implementation; a TandemError when none is registered. */
export function netProbe(id: string): NetProbe {
  const p = NET_PROBES[id];
  if (!p) throw new TandemError(`no backend probe for model implementation ${id} in src/models/probes.ts`);
  return p;
}
