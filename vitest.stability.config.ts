import { defineConfig } from 'vitest/config';

// The stability suite: whole CLI runs repeated against timing-sensitive servers (`npm run test:stability`).
export default defineConfig({
  test: {
    include: ['test/stability/**/*.stability.ts'],
    testTimeout: 400_000,
    hookTimeout: 120_000,
  },
});
