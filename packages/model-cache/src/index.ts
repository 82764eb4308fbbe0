export type { ModelCacheErrorCode } from './errors.ts';
export { ModelCacheError } from './errors.ts';
export type { ModelKey } from './key.ts';
export { resolveLibraryModelRoot, validateModelKey } from './key.ts';
export type { ManifestFile, ModelManifest, VerifyProblem } from './manifest.ts';
export { MANIFEST_FILE } from './manifest.ts';
export type {
  EnsureFromUrlOptions,
  EnsureFromUrlResult,
  EnsureOptions,
  EnsureResult,
  FillContext,
  FillFunction,
  ModelCacheOptions,
  PruneOptions,
  PruneResult,
  VerifyResult,
} from './types.ts';
export { ModelCache } from './model-cache.ts';
