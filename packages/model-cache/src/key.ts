import { createHash } from 'node:crypto';
import { basename, dirname, resolve } from 'node:path';
import { ModelCacheError } from './errors.ts';

/**
 * Identifies one version of one library engine model: the two ids of the seed's cache path,
 * plus the version the engine learned from the core (a retrain updates the same
 * `libraryEngineModelId` in place, so the ids alone do not name the content).
 */
export interface ModelKey {
  libraryId: string;
  libraryEngineModelId: string;
  /**
   * The model's version, e.g. from `modelVersionOf()`; a folder name under `versions/`.
   * Default `DEFAULT_MODEL_VERSION`: only for content that never changes under the same ids.
   */
  version?: string;
}

/** A key after validation: the version is always set. */
export interface CheckedModelKey {
  libraryId: string;
  libraryEngineModelId: string;
  version: string;
}

/** The version used when a key gives none. */
export const DEFAULT_MODEL_VERSION = 'unversioned';

/** Folder under the root that holds locks, staging and trash; no library may use this id. */
export const INTERNAL_DIR_NAME = '.model-cache';

const MAX_ID_BYTES = 255;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * Why `id` cannot be used as one folder name, or `undefined` when it can.
 * Pure: nothing touches the disk.
 */
export function idProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return 'must be a string';
  if (id.length === 0) return 'must not be empty';
  if (id === '.' || id === '..') return `must not be "${id}"`;
  if (id.includes('/') || id.includes('\\')) return 'must not contain a path separator';
  if (CONTROL_CHARACTER.test(id)) return 'must not contain NUL or other control characters';
  if (Buffer.byteLength(id, 'utf8') > MAX_ID_BYTES) return `must be at most ${MAX_ID_BYTES} bytes`;
  return undefined;
}

/**
 * Checks a key before anything touches the disk and returns it typed.
 * @throws {ModelCacheError} `invalid_key` naming the field and the rule it breaks.
 */
export function validateModelKey(key: unknown): CheckedModelKey {
  if (typeof key !== 'object' || key === null) {
    throw new ModelCacheError(
      'invalid_key',
      'A model key must be an object { libraryId, libraryEngineModelId }.',
    );
  }
  const { libraryId, libraryEngineModelId, version = DEFAULT_MODEL_VERSION } = key as Record<string, unknown>;
  for (const [field, value] of [
    ['libraryId', libraryId],
    ['libraryEngineModelId', libraryEngineModelId],
    ['version', version],
  ] as const) {
    const problem = idProblem(value);
    if (problem !== undefined) {
      throw new ModelCacheError('invalid_key', `${field} ${problem}; got ${JSON.stringify(String(value))}.`);
    }
  }
  if (libraryId === INTERNAL_DIR_NAME) {
    throw new ModelCacheError(
      'invalid_key',
      `libraryId "${INTERNAL_DIR_NAME}" is reserved for the cache itself.`,
    );
  }
  return {
    libraryId: libraryId as string,
    libraryEngineModelId: libraryEngineModelId as string,
    version: version as string,
  };
}

/**
 * A fixed-length, file-name-safe digest of a model (both ids, any version), naming its lock and
 * staging folders: one lock per model, so fills of its versions and the removal of old ones
 * never run at the same time.
 */
export function keyDigest(key: ModelKey): string {
  return createHash('sha256')
    .update(`${key.libraryId}\u0000${key.libraryEngineModelId}`)
    .digest('hex')
    .slice(0, 40);
}

/** A digest of one version of a model, naming its last-use marker. */
export function versionDigest(key: CheckedModelKey): string {
  return createHash('sha256')
    .update(`${key.libraryId}\u0000${key.libraryEngineModelId}\u0000${key.version}`)
    .digest('hex')
    .slice(0, 40);
}

/**
 * The cache root for a task's `libraryModelDirectory`. The seed's directory may be the
 * shared root (`/cache/{shard}/libraries`) or already the model's own folder
 * (`.../{libraryId}/{libraryEngineModelId}`); in the second case the root is two levels up,
 * so that every model of every library shares one root and one set of locks.
 */
export function resolveLibraryModelRoot(libraryModelDirectory: string, key?: ModelKey): string {
  const dir = resolve(libraryModelDirectory);
  if (key === undefined) return dir;
  const checked = validateModelKey(key);
  const parent = dirname(dir);
  const endsWithKey =
    basename(dir) === checked.libraryEngineModelId && basename(parent) === checked.libraryId;
  return endsWithKey ? dirname(parent) : dir;
}
