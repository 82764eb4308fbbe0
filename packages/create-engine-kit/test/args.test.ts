import { describe, expect, it } from 'vitest';
import {
  CreateEngineKitError,
  detectPackageManager,
  packageNameForDirectory,
  parseCreateArgs,
} from '../src/index.ts';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof CreateEngineKitError
      ? error.code
      : `not a CreateEngineKitError: ${String(error)}`;
  }
  return undefined;
}

describe('parseCreateArgs', () => {
  it('reads the folder and every flag', () => {
    expect(
      parseCreateArgs([
        'my-engine',
        '--kind',
        'library',
        '--vtn',
        'v2',
        '--yes',
        '--force',
        '--no-install',
        '--name',
        'x',
      ]),
    ).toEqual({
      directory: 'my-engine',
      kind: 'library',
      vtn: 'v2',
      name: 'x',
      yes: true,
      force: true,
      install: false,
      help: false,
      version: false,
    });
  });

  it('leaves what is not given open, installs by default', () => {
    expect(parseCreateArgs([])).toEqual({
      yes: false,
      force: false,
      install: true,
      help: false,
      version: false,
    });
    expect(parseCreateArgs(['-y']).yes).toBe(true);
  });

  it('rejects an unknown kind, version or package manager, naming the allowed values', () => {
    expect(codeOf(() => parseCreateArgs(['--kind', 'realtime']))).toBe('invalid_option');
    expect(() => parseCreateArgs(['--kind', 'realtime'])).toThrow(/chunk, stream, batch, library/);
    expect(codeOf(() => parseCreateArgs(['--vtn', 'v3']))).toBe('invalid_option');
    expect(codeOf(() => parseCreateArgs(['--package-manager', 'bun']))).toBe('invalid_option');
  });

  it('rejects unknown options and a second folder as usage errors', () => {
    expect(codeOf(() => parseCreateArgs(['--kinds', 'chunk']))).toBe('usage');
    expect(codeOf(() => parseCreateArgs(['a', 'b']))).toBe('usage');
    expect(codeOf(() => parseCreateArgs(['--kind']))).toBe('usage');
  });
});

describe('package names', () => {
  it('derives a valid npm name from the folder', () => {
    expect(packageNameForDirectory('/tmp/My Engine!')).toBe('my-engine');
    expect(packageNameForDirectory('engines/.face_finder')).toBe('face_finder');
  });

  it('refuses a folder with nothing usable in its name', () => {
    expect(codeOf(() => packageNameForDirectory('/tmp/---'))).toBe('invalid_name');
  });

  it('detects the package manager of npm create, pnpm create and yarn create', () => {
    expect(detectPackageManager('pnpm/10.34.9 npm/? node/v20.20.0 linux x64')).toBe('pnpm');
    expect(detectPackageManager('yarn/1.22.22 npm/? node/v20.20.0')).toBe('yarn');
    expect(detectPackageManager('npm/11.0.0 node/v20.20.0')).toBe('npm');
    expect(detectPackageManager(undefined)).toBe('npm');
    expect(detectPackageManager('bun/1.1.0')).toBe('npm');
  });
});
