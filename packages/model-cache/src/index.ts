export type { ModelCacheErrorCode } from './errors.ts';
export { ModelCacheError } from './errors.ts';
export type { CheckedModelKey, ModelKey } from './key.ts';
export { DEFAULT_MODEL_VERSION, resolveLibraryModelRoot, validateModelKey } from './key.ts';
export type { ManifestFile, ModelManifest, VerifyProblem } from './manifest.ts';
export { MANIFEST_FILE } from './manifest.ts';
export type {
  DownloadSource,
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
export type { ModelVersionSource } from './version.ts';
export { modelVersionOf, urlWithoutQuery } from './version.ts';
