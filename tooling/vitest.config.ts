import { defineProject } from 'vitest/config';

// Tests of the repository's own tooling (the README's demo), run against the built workspace.
export default defineProject({
  test: {
    name: 'tooling',
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 180_000,
  },
});
