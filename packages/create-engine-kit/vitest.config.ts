import { join } from 'node:path';
import { mergeConfig } from 'vitest/config';
import { definePackageTests } from '../../tooling/vitest.shared.ts';
import { workspaceEngineKitVersions } from './scripts/workspace-versions.ts';

export default mergeConfig(definePackageTests(import.meta.dirname, { testTimeout: 60_000 }), {
  define: {
    __ENGINE_KIT_VERSIONS__: JSON.stringify(workspaceEngineKitVersions(join(import.meta.dirname, '..'))),
  },
});
