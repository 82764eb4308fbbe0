import { definePackageBuild } from '../../tooling/tsup.base';

// Sample engines ship runnable files (the engine and the demo/test helpers); no declarations needed.
// qrcode is a dev-only dependency of the test helpers: left external so the demo resolves it from the workspace.
export default definePackageBuild(
  { main: 'src/main.ts', testing: 'src/testing/index.ts' },
  { format: ['esm'], dts: false, external: ['qrcode'] },
);
