import { defineConfig } from 'vitest/config';

// The real-kernel tier: QEMU boots of the lab (npm run kernel:setup for both flavours first; .ci/run does).
// Kept out of `npm test`: a cold lab takes minutes, a KASAN boot about a minute.
export default defineConfig({
  test: {
    include: ['test/kernel/**/*.test.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 1_800_000,
    fileParallelism: false,
  },
});
