#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so there is no build step between edit and run.
import { register } from 'tsx/esm/api';

register();
await import('../bridge/cli/main.ts');
