import { expect, it } from 'vitest';

it('exports exactly the public API', async () => {
  const names = Object.keys(await import('../src/index.ts')).sort();
  expect(names).toEqual([
    'DEFAULT_MODEL_VERSION',
    'MANIFEST_FILE',
    'ModelCache',
    'ModelCacheError',
    'modelVersionOf',
    'resolveLibraryModelRoot',
    'urlWithoutQuery',
    'validateModelKey',
  ]);
});
