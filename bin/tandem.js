#!/usr/bin/env node
// Runs the built CLI (dist/, which `npm install` builds) when it was built from the sources as they
// are; otherwise (a checkout edited since, or TANDEM_FROM_SOURCE=1) the TypeScript through tsx's
// loader, ~1.1 s slower to start, so an edit runs without a build step.
import { fileURLToPath } from 'node:url';
import { staleReason } from './dist-fresh.js';

const root = fileURLToPath(new URL('..', import.meta.url));
if (process.env.TANDEM_FROM_SOURCE !== '1' && staleReason(root, fileURLToPath(new URL('../dist/', import.meta.url)), 'cli') === undefined) {
  await import('../dist/cli.mjs');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../bridge/cli/main.ts');
}
