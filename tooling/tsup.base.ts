import { defineConfig, type Options } from 'tsup';

/**
 * The one build configuration every published package uses: ESM + CJS with
 * matching `.d.ts`/`.d.cts`, for Node 20. Packages only name their entries.
 */
export function definePackageBuild(entry: Record<string, string>, overrides: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
    shims: true,
    ...overrides,
  });
}
