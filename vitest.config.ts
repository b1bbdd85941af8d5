import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The browser tier runs separately: npm run test:browser (vitest.browser.config.ts); the real-kernel tier:
    // npm run test:kernel (vitest.kernel.config.ts).
    exclude: ['test/browser/**', 'test/kernel/**', 'node_modules/**'],
    testTimeout: 60_000,
  },
});
