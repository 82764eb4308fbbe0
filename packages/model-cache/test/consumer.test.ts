import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { compileConsumer } from '../../../tooling/testing/consumer.ts';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

const usage = `
const cache = new ModelCache({ root: '/tmp/models', lockStaleMs: 5_000 });
const key: ModelKey = { libraryId: 'lib', libraryEngineModelId: 'model', version: modelVersionOf({ modifiedDateTime: '2026-01-01T00:00:00Z' }) };
export async function use(): Promise<string> {
  const filled: EnsureResult = await cache.ensure(key, async ({ dir, signal }: FillContext) => {
    void dir;
    void signal;
  }, { timeoutMs: 1_000 });
  const downloaded = await cache.ensureFromUrl(key, 'http://127.0.0.1/model.bin', { sha256: 'ab' });
  const verified: VerifyResult = await cache.verify(key);
  const pruned: PruneResult = await cache.prune({ maxBytes: 1 });
  const fromTask = ModelCache.fromLibraryModelDirectory('/cache/1/libraries', key);
  const has: boolean = await fromTask.has(key);
  const current: string | undefined = await cache.current(key);
  const removed: string[] = await cache.removeOldVersions(key);
  try {
    validateModelKey(key);
  } catch (error) {
    if (error instanceof ModelCacheError) {
      const code: ModelCacheErrorCode = error.code;
      void code;
    }
  }
  return [filled.dir, downloaded.file, verified.ok, pruned.freedBytes, has, cache.path(key), current, removed].join();
}
`;

// tsc on a loaded 2-core machine can take well over the default 20 s (over 60 s at load 20).
it('compiles ESM and CJS consumers against the built declarations', () => {
  const types =
    'type EnsureResult, type FillContext, type ModelCacheErrorCode, type ModelKey, type PruneResult, type VerifyResult';
  const values = 'ModelCache, ModelCacheError, modelVersionOf, validateModelKey';
  const result = compileConsumer({
    packageName: '@engine-kit/model-cache',
    packageDir,
    esmSource: `import { ${values}, ${types} } from '@engine-kit/model-cache';\n${usage}`,
    cjsSource: `import { ${values}, ${types} } from '@engine-kit/model-cache';\n${usage}`,
  });
  expect(result.output).toBe('');
  expect(result.ok).toBe(true);
}, 180_000);
