import { definePackageBuild } from '../../tooling/tsup.base';

// Sample engines ship runnable files (the engine and the demo/test helpers); no declarations needed.
export default definePackageBuild(
  { main: 'src/main.ts', testing: 'src/testing/index.ts' },
  { format: ['esm'], dts: false },
);
