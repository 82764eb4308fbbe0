import { definePackageTests } from '../../tooling/vitest.shared';

export default definePackageTests(import.meta.dirname, { testTimeout: 60_000 });
