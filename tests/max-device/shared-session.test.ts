import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import maxApi from 'max-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeController } from '../../bridge/osc/controller';
import type { OscServer } from '../../bridge/osc/server';
import type { SuggestionStore } from '../../bridge/storage/suggestions';
import { TandemClient } from '../../max-device/src/client/client';
import { ToolClient, type ToolMaxApi } from '../../max-device/src/client/tool-client';
import { GENERATE_PARAMETERS } from '../../max-device/src/miditool/parameters';
import { GENRE_ITEMS, MODEL_ITEMS } from '../../max-device/src/parameters';
import { createMaxApi, fake } from './fakes/max-api';
import { startBridge, waitFor } from './helpers';

/**
 * Issue 11.11: a device and a MIDI Tool on one bridge. The bridge holds one session; before, each
 * client set the session's controls and seed and then asked, so the other could change them in
 * between (the tool's Seed became the device's next seed). Now every request carries its settings
 * and seed, and the session is left as it was.
 */
let server: OscServer;
let controller: BridgeController;
let store: SuggestionStore;
beforeAll(async () => {
  ({ server, controller, store } = await startBridge());
});
afterAll(async () => {
  await server.close();
});
/** What the bridge saved, one line per suggestion (session.jsonl). */
const log = () =>
  readFileSync(join(store.dir, 'session.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { model: string; genre: string; density: number; seed: number; bars: number; key?: string });

describe('a device and a MIDI Tool share one bridge (issue 11.11)', () => {
  it("keep their own settings and seeds, asked in turns, and leave the bridge session's as they were", async () => {
    fake.reset();
    const device = new TandemClient(maxApi, { port: server.port, scriptDir: import.meta.dirname, launch: false, seed: 100, heartbeatMs: 0 });
    const { api: toolApi, fake: toolFake } = createMaxApi();
    const tool = new ToolClient(toolApi as unknown as ToolMaxApi, { port: server.port, scriptDir: import.meta.dirname, launch: false, heartbeatMs: 0 });
    try {
      device.registerHandlers();
      tool.registerHandlers();
      await Promise.all([device.start(), tool.start()]);
      const before = controller.session.settings;
      fake.send('genre', GENRE_ITEMS.indexOf('funk'));
      fake.send('density', 90);
      fake.send('bars', 2);
      fake.send('generate');
      await waitFor(() => device.last, 10_000, "the device's first");
      // The tool asks for a bass line in D minor, seed 5, while the device has asked once.
      const P = GENERATE_PARAMETERS;
      await toolApi.setDict('req', {
        role: 'generate',
        key: 'k1',
        reply: 'store',
        settings: {
          [P.model.message]: MODEL_ITEMS.indexOf('bass'),
          [P.genre.message]: GENRE_ITEMS.indexOf('pop'),
          [P.density.message]: 20,
          [P.seed.message]: 5,
        },
        context: { clip: { time_selection_start: 0, time_selection_end: 8 }, scale: { scale_mode: 1, root_note: 2, scale_intervals: [0, 2, 3, 5, 7, 8, 10] } },
        notes: [],
      });
      toolFake.send('request', 'req');
      await waitFor(() => tool.entries('store')[0], 10_000, "the tool's answer");
      const first = device.last!;
      fake.send('generate');
      await waitFor(() => (device.last !== first ? device.last : undefined), 10_000, "the device's second");
      expect(log().map((e) => [e.model, e.genre, e.density, e.bars, e.seed, e.key])).toEqual([
        ['drums-ngram', 'funk', 0.9, 2, 100, undefined],
        ['bass-ngram', 'pop', 0.2, 2, 5, 'D minor'],
        ['drums-ngram', 'funk', 0.9, 2, 101, undefined],
      ]);
      // The bridge's own session (what /tandem/status shows, what a plain /tandem/generate takes):
      // the device's control changes, never the tool's, and its seed untouched by both.
      const after = controller.session.settings;
      expect(after.model).toBe('drums');
      expect(after.seed).toBe(before.seed);
      expect(after.key).toBe(before.key);
    } finally {
      await device.close();
      await tool.close();
    }
  });
});
