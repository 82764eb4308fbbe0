import { expect, it } from 'vitest';

it('exports exactly the public API', async () => {
  const names = Object.keys(await import('../src/index.ts')).sort();
  expect(names).toEqual([
    'CreateEngineKitError',
    'DEFAULT_DIRECTORY',
    'DEFAULT_KIND',
    'DEFAULT_VTN',
    'ENGINE_KINDS',
    'PACKAGE_MANAGERS',
    'USAGE',
    'VTN_VERSIONS',
    'askChoices',
    'createEngineProject',
    'detectPackageManager',
    'packageNameForDirectory',
    'parseCreateArgs',
    'renderProject',
    'runCreateCli',
    'writeProject',
  ]);
});
