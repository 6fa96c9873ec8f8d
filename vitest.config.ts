import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Most tests wait on sockets and deadlines, not the CPU: four workers on two cores take the
    // suite from about 190 s to about 85 s, and every timing-sensitive test allows for a loaded machine.
    maxWorkers: 4,
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
