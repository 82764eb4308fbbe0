import { definePackageTests } from '../../tooling/vitest.shared.ts';

export default definePackageTests(import.meta.dirname);
