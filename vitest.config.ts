import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tooling/vitest.config.ts'],
    // 2-core CI machines: keep integration tests with child processes from starving each other.
    maxWorkers: 2,
  },
});
