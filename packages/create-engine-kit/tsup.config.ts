import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { definePackageBuild } from '../../tooling/tsup.base';
import { workspaceEngineKitVersions } from './scripts/workspace-versions';

export default definePackageBuild(
  { index: 'src/index.ts', cli: 'src/cli.ts' },
  {
    define: {
      __ENGINE_KIT_VERSIONS__: JSON.stringify(workspaceEngineKitVersions(join(process.cwd(), '..'))),
      __CREATE_ENGINE_KIT_VERSION__: JSON.stringify(
        (JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version: string })
          .version,
      ),
    },
  },
);
