import { definePackageBuild } from '../../tooling/tsup.base';

export default definePackageBuild({ index: 'src/index.ts' });
