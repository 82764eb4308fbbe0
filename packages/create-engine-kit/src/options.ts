import { basename, resolve } from 'node:path';
import { CreateEngineKitError } from './errors.ts';

/** The engine kinds a project can start from. `library` is a library engine (train + run). */
export const ENGINE_KINDS = ['chunk', 'stream', 'batch', 'library'] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];

/** VTN standard versions the generated engine can emit. */
export const VTN_VERSIONS = ['v1', 'v2'] as const;
export type VtnVersion = (typeof VTN_VERSIONS)[number];

export const PACKAGE_MANAGERS = ['npm', 'pnpm', 'yarn'] as const;
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

export const DEFAULT_KIND: EngineKind = 'chunk';
export const DEFAULT_VTN: VtnVersion = 'v1';
export const DEFAULT_DIRECTORY = 'my-engine';

export const KIND_DESCRIPTIONS: Readonly<Record<EngineKind, string>> = {
  chunk: 'chunk: answers each /process call with a VTN document (keywords of a text chunk)',
  stream: 'stream: reads cacheURI as it arrives, posts results and heartbeats (a word-timed transcript)',
  batch: 'batch: acknowledges at once, reads the whole input, posts one result (a summary)',
  library: 'library: library-train builds a model from a library, library-run recognises its entities',
};

export function isEngineKind(value: string): value is EngineKind {
  return (ENGINE_KINDS as readonly string[]).includes(value);
}

export function isVtnVersion(value: string): value is VtnVersion {
  return (VTN_VERSIONS as readonly string[]).includes(value);
}

export function isPackageManager(value: string): value is PackageManager {
  return (PACKAGE_MANAGERS as readonly string[]).includes(value);
}

// npm's rules for a package name without a scope: lower case, URL-safe, at most 214 characters.
const PACKAGE_NAME = /^[a-z0-9][a-z0-9._~-]*$/;

/**
 * The package name for a project folder: its base name in lower case with every run of
 * characters npm refuses replaced by `-`. Throws `invalid_name` when nothing usable is left.
 */
export function packageNameForDirectory(directory: string): string {
  const name = basename(resolve(directory))
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._~-]+/, '')
    .replace(/-+$/, '')
    .slice(0, 214);
  return assertPackageName(name);
}

export function assertPackageName(name: string): string {
  if (!PACKAGE_NAME.test(name) || name.length > 214 || name === 'node_modules' || name === 'favicon.ico') {
    throw new CreateEngineKitError(
      'invalid_name',
      `"${name}" is not a valid npm package name: use lower-case letters, digits, ".", "_", "~" and "-", starting with a letter or digit (--name NAME).`,
    );
  }
  return name;
}

/** The package manager that launched us (`npm create`, `pnpm create`, `yarn create`), else npm. */
export function detectPackageManager(userAgent: string | undefined): PackageManager {
  const name = userAgent?.split('/', 1)[0] ?? '';
  return isPackageManager(name) ? name : 'npm';
}
