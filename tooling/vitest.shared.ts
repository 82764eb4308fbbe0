import { readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Tests run against source, not against `dist`: every `@engine-kit/<name>` import
 * resolves to `packages/<name>/src/index.ts`, so a change is tested without a build.
 * Tests that exercise the built artefacts (CLIs, `.d.ts` consumers) read `dist` explicitly.
 */
function workspaceSourceAliases(): Record<string, string> {
  const aliases: Record<string, string> = {};
  const packagesDir = join(repoRoot, 'packages');
  for (const name of readdirSync(packagesDir)) {
    const entry = join(packagesDir, name, 'src', 'index.ts');
    if (existsSync(entry)) aliases[`@engine-kit/${name}`] = entry;
  }
  return aliases;
}

export function definePackageTests(
  projectDir: string,
  options: { testTimeout?: number; fileParallelism?: boolean } = {},
) {
  const name = projectDir.split(/[\\/]/).slice(-2).join('/');
  return defineProject({
    resolve: { alias: workspaceSourceAliases() },
    test: {
      name,
      root: projectDir,
      include: ['test/**/*.test.ts'],
      environment: 'node',
      testTimeout: options.testTimeout ?? 20_000,
      hookTimeout: 60_000,
      fileParallelism: options.fileParallelism ?? true,
    },
  });
}
