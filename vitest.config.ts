import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The npm `max-api` is a placeholder that throws outside Max; the device client's tests use
    // a fake that follows Node for Max's documented API.
    alias: { 'max-api': fileURLToPath(new URL('./tests/max-device/fakes/max-api.ts', import.meta.url)) },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
