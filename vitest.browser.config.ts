import { defineConfig } from 'vitest/config';

// The browser tier: real Chromium, kept out of the default `npm test` (it needs /usr/bin/chromium).
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
