import * as nodeFs from 'node:fs';
import type { SuggestionStoreOptions } from '../../bridge/storage/suggestions';
import { asyncOf } from './faulty-fs';

/**
 * Store options for tests under fake timers: keep() writes through node:fs's synchronous calls,
 * settling in microtasks, so a phrase is saved (and queued) within the same fake moment. Real
 * asynchronous I/O finishes in real time while fake time races ahead.
 */
export const ON_THIS_THREAD: SuggestionStoreOptions = Object.freeze({ asyncFs: asyncOf(nodeFs) });
