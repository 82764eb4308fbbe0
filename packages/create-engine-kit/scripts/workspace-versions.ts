import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The versions of the published `@engine-kit/*` packages beside this one, read at build time
 * (and by the tests) so a generated project depends on exactly the releases that ship with
 * this scaffolder: a version bump by changesets needs no second edit here.
 */
export function workspaceEngineKitVersions(packagesDir: string): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of readdirSync(packagesDir).sort()) {
    const file = join(resolve(packagesDir), name, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
      name?: string;
      version?: string;
      private?: boolean;
    };
    if (manifest.private || !manifest.name?.startsWith('@engine-kit/') || !manifest.version) continue;
    versions[manifest.name] = manifest.version;
  }
  return versions;
}
