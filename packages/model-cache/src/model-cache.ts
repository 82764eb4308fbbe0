import { mkdir, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { isMissing, renameAwayAndRemove } from './common/fs.ts';
import { downloadToFile, fileNameFromUrl } from './download.ts';
import { ModelCacheError } from './errors.ts';
import {
  INTERNAL_DIR_NAME,
  keyDigest,
  type ModelKey,
  resolveLibraryModelRoot,
  validateModelKey,
} from './key.ts';
import { type HeldLock, type LockOptions, readLockState, tryAcquireLock } from './lock.ts';
import {
  compareWithManifest,
  MANIFEST_FILE,
  readManifest,
  type VerifyProblem,
  writeManifest,
} from './manifest.ts';
import {
  assertNotOccupied,
  isPublished,
  publish,
  runFill,
  splitStagingName,
  stagingLostError,
} from './publish.ts';
import { SharedRun } from './shared-run.ts';
import type {
  EnsureFromUrlOptions,
  EnsureFromUrlResult,
  EnsureOptions,
  EnsureResult,
  FillFunction,
  ModelCacheOptions,
  PruneOptions,
  PruneResult,
  VerifyResult,
} from './types.ts';
import { backoffDelay, ChangeWaiter, throwIfAborted } from './wait.ts';

const DEFAULT_LOCK_STALE_MS = 20_000;
const KNOWN_DIRS_LIMIT = 1_000;
/** Hits record their use for `prune` at most this often per key and process. */
const USE_RECORD_INTERVAL_MS = 60_000;

/**
 * Runs under way in this process, by root and key, shared by every `ModelCache` instance so
 * that code creating a cache per request still waits on one fill instead of polling the lock.
 */
const inFlight = new Map<string, SharedRun<string>>();

interface PublishedModel {
  key: ModelKey;
  dir: string;
  size: number;
  lastUsed: number;
}

/**
 * A folder of library engine models that several processes (and containers sharing one
 * volume) can fill and read at once. Published model folders appear atomically and are
 * never modified; a lock per key only keeps two processes from downloading the same model.
 */
export class ModelCache {
  readonly root: string;
  readonly lockStaleMs: number;
  readonly #lastUseRecorded = new Map<string, number>();
  #internalDirsReady: Promise<void> | undefined;
  readonly #knownDirs = new Map<string, Map<string, string>>();
  #knownDirCount = 0;

  constructor(options: ModelCacheOptions) {
    this.root = resolve(options.root);
    this.lockStaleMs = options.lockStaleMs ?? DEFAULT_LOCK_STALE_MS;
  }

  /**
   * A cache for a task's `libraryModelDirectory`. Pass the task's key so that a directory
   * that already ends with `{libraryId}/{libraryEngineModelId}` is recognised and its
   * grandparent used as the root; without a key the directory itself is the root.
   */
  static fromLibraryModelDirectory(
    dir: string,
    key?: ModelKey,
    options: Omit<ModelCacheOptions, 'root'> = {},
  ): ModelCache {
    return new ModelCache({ ...options, root: resolveLibraryModelRoot(dir, key) });
  }

  /** Where the model for `key` is (or would be) published. Validates the key; touches nothing. */
  path(key: ModelKey): string {
    return this.#knownDir(key) ?? this.#checkedDir(key);
  }

  /** Folders of keys validated before: a hit then costs one lookup and one `stat`. */
  #knownDir(key: ModelKey): string | undefined {
    const { libraryId, libraryEngineModelId } = (key ?? {}) as Partial<ModelKey>;
    if (typeof libraryId !== 'string' || typeof libraryEngineModelId !== 'string') return undefined;
    return this.#knownDirs.get(libraryId)?.get(libraryEngineModelId);
  }

  #checkedDir(key: ModelKey): string {
    const checked = validateModelKey(key);
    const dir = join(this.root, checked.libraryId, checked.libraryEngineModelId);
    const inside = relative(this.root, dir);
    if (inside.startsWith('..') || inside.split(sep).length !== 2) {
      throw new ModelCacheError('invalid_key', `The key resolves outside the cache root ${this.root}.`);
    }
    if (++this.#knownDirCount > KNOWN_DIRS_LIMIT) {
      this.#knownDirs.clear();
      this.#knownDirCount = 1;
    }
    const models = this.#knownDirs.get(checked.libraryId) ?? new Map<string, string>();
    models.set(checked.libraryEngineModelId, dir);
    this.#knownDirs.set(checked.libraryId, models);
    return dir;
  }

  /** True when the model for `key` is published. */
  async has(key: ModelKey): Promise<boolean> {
    return isPublished(this.path(key));
  }

  /**
   * Returns the published folder for `key`, running `fill` first when it is missing.
   * Across all processes only one caller fills; the others wait and get the same folder.
   * @throws {ModelCacheError} `invalid_key`, `aborted`, `timeout`, `fill_failed`, `invalid_fill`, `path_occupied`
   */
  async ensure(key: ModelKey, fill: FillFunction, options: EnsureOptions = {}): Promise<EnsureResult> {
    const dir = this.path(key);
    throwIfAborted(options.signal);
    if (await isPublished(dir)) {
      await this.#recordUse(key, dir);
      return { dir, hit: true };
    }
    return { dir: await this.#sharedRun(validateModelKey(key), fill).join(options), hit: false };
  }

  /** The run this process already has under way for `key` in this root, or a new one. */
  #sharedRun(key: ModelKey, fill: FillFunction): SharedRun<string> {
    const id = `${this.root}\u0000${keyDigest(key)}`;
    const existing = inFlight.get(id);
    if (existing !== undefined && !existing.abandoned) return existing;
    const run: SharedRun<string> = new SharedRun(
      (signal) => this.#fillOrWait(key, fill, signal),
      () => {
        if (inFlight.get(id) === run) inFlight.delete(id);
      },
    );
    inFlight.set(id, run);
    return run;
  }

  /**
   * `ensure` with a fill that streams `url` (e.g. a library engine model's `dataUrl`) into
   * one file, checking its length against Content-Length and, when given, its SHA-256.
   * @throws {ModelCacheError} as `ensure`, plus `download_failed`, `size_mismatch`, `integrity_mismatch`
   */
  async ensureFromUrl(
    key: ModelKey,
    url: string | URL,
    options: EnsureFromUrlOptions = {},
  ): Promise<EnsureFromUrlResult> {
    const fileName = options.fileName ?? fileNameFromUrl(url);
    const result = await this.ensure(
      key,
      ({ dir, signal }) =>
        downloadToFile(url, join(dir, fileName), {
          headers: options.headers,
          sha256: options.sha256,
          signal,
          fetch: options.fetch,
        }),
      options,
    );
    return { ...result, file: join(result.dir, fileName) };
  }

  /**
   * Removes the published model for `key`: renamed away first, so no reader ever sees a
   * half-deleted folder; files already open keep working. A fill in progress is untouched.
   */
  async evict(key: ModelKey): Promise<boolean> {
    const dir = this.path(key);
    await this.#ensureInternalDirs();
    return renameAwayAndRemove(dir, this.#internal('trash'));
  }

  /** Re-hashes the published files and compares them with the manifest. Changes nothing. */
  async verify(key: ModelKey): Promise<VerifyResult> {
    const dir = this.path(key);
    const manifest = await readManifest(dir);
    if (manifest === undefined) {
      return { dir, cached: false, ok: false, problems: [{ path: MANIFEST_FILE, problem: 'missing' }] };
    }
    let problems: VerifyProblem[];
    try {
      problems = await compareWithManifest(dir, manifest);
    } catch (error) {
      if (!(error instanceof ModelCacheError) && !isMissing(error)) throw error;
      problems = [{ path: '', problem: 'unexpected' }];
    }
    return { dir, cached: true, ok: problems.length === 0, manifest, problems };
  }

  /**
   * Removes leftovers of crashed fills, then evicts models unused for `olderThanMs` and,
   * least recently used first, until at most `maxBytes` remain. Models whose key is locked
   * (being filled) and folders the cache did not publish are never touched.
   */
  async prune(options: PruneOptions = {}): Promise<PruneResult> {
    await this.#ensureInternalDirs();
    const removedStaging = await this.#removeOrphanStaging();
    await this.#removeOldTrash();
    const models = (await this.#listPublished()).sort((a, b) => a.lastUsed - b.lastUsed);
    let keptBytes = models.reduce((total, model) => total + model.size, 0);
    const evicted: ModelKey[] = [];
    let freedBytes = 0;
    const now = Date.now();
    for (const model of models) {
      const tooOld = options.olderThanMs !== undefined && now - model.lastUsed > options.olderThanMs;
      const overBudget = options.maxBytes !== undefined && keptBytes > options.maxBytes;
      if (!tooOld && !overBudget) continue;
      if (await this.#isLocked(keyDigest(model.key))) continue;
      if (await renameAwayAndRemove(model.dir, this.#internal('trash'))) {
        evicted.push(model.key);
        freedBytes += model.size;
        keptBytes -= model.size;
      }
    }
    return { evicted, freedBytes, keptBytes, removedStaging };
  }

  #internal(...parts: string[]): string {
    return join(this.root, INTERNAL_DIR_NAME, ...parts);
  }

  /** Creates the internal folders once per instance; `#fillOrWait` re-creates them if they vanish. */
  #ensureInternalDirs(): Promise<void> {
    this.#internalDirsReady ??= this.#createInternalDirs().catch((error: unknown) => {
      this.#internalDirsReady = undefined;
      throw error;
    });
    return this.#internalDirsReady;
  }

  async #createInternalDirs(): Promise<void> {
    for (const name of ['locks', 'staging', 'trash', 'used']) {
      await mkdir(this.#internal(name), { recursive: true });
    }
  }

  async #fillOrWait(key: ModelKey, fill: FillFunction, signal: AbortSignal): Promise<string> {
    const dir = join(this.root, key.libraryId, key.libraryEngineModelId);
    const digest = keyDigest(key);
    await this.#ensureInternalDirs();
    await mkdir(dirname(dir), { recursive: true });
    const lockOptions = {
      lockDir: this.#internal('locks', digest),
      trashDir: this.#internal('trash'),
      staleMs: this.lockStaleMs,
    };
    const maxPollMs = Math.min(1_000, Math.max(25, this.lockStaleMs / 4));
    const waiter = new ChangeWaiter([dirname(dir), this.#internal('locks')]);
    try {
      for (let attempt = 0; ; attempt += 1) {
        throwIfAborted(signal);
        if (await isPublished(dir)) return dir;
        const lock = await this.#tryAcquire(lockOptions, dir, signal);
        if (lock !== undefined) {
          try {
            return await this.#fillUnderLock(key, dir, fill, signal, lock);
          } finally {
            await lock.release();
          }
        }
        await waiter.sleep(backoffDelay(attempt, maxPollMs), signal);
      }
    } finally {
      waiter.close();
    }
  }

  /** One lock attempt; if the cache's folders were deleted meanwhile, they are re-created first. */
  async #tryAcquire(options: LockOptions, dir: string, signal: AbortSignal): Promise<HeldLock | undefined> {
    try {
      return await tryAcquireLock(options);
    } catch (error) {
      if (!isMissing(error)) throw error;
      // A run nobody waits for any more must not bring back folders someone just deleted.
      throwIfAborted(signal);
      this.#internalDirsReady = undefined;
      await this.#ensureInternalDirs();
      await mkdir(dirname(dir), { recursive: true });
      return tryAcquireLock(options);
    }
  }

  async #fillUnderLock(
    key: ModelKey,
    dir: string,
    fill: FillFunction,
    signal: AbortSignal,
    lock: HeldLock,
  ): Promise<string> {
    if (await isPublished(dir)) return dir;
    await assertNotOccupied(dir);
    const digest = keyDigest(key);
    await this.#removeOrphanStaging(digest);
    const staging = this.#internal('staging', `${digest}.${lock.owner.token}`);
    await mkdir(staging);
    try {
      // Every caller may have left while the lock was being taken: then no fill starts at all.
      throwIfAborted(signal);
      await runFill(fill, { dir: staging, signal });
      throwIfAborted(signal);
      await writeManifest(staging, key);
      return await publish(staging, dir);
    } catch (error) {
      // Another process took this lock over (it looked stale), filled and published: use that.
      if (await isPublished(dir)) return dir;
      throw isMissing(error) ? stagingLostError(error, this.lockStaleMs) : error;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /**
   * Removes staging folders (of one key, or all) whose fill no longer holds its key's lock:
   * a live filler always holds it, so these are left by crashed or taken-over fills.
   */
  async #removeOrphanStaging(onlyDigest?: string): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.#internal('staging'))) {
      const [digest, token] = splitStagingName(name);
      if (onlyDigest !== undefined && digest !== onlyDigest) continue;
      const lock = await readLockState(this.#internal('locks', digest));
      const ownerUnknown = lock !== undefined && lock.owner === undefined;
      if (ownerUnknown || lock?.owner?.token === token) continue;
      await rm(this.#internal('staging', name), { recursive: true, force: true });
      removed += 1;
    }
    return removed;
  }

  async #removeOldTrash(): Promise<void> {
    const trash = this.#internal('trash');
    for (const name of await readdir(trash)) {
      try {
        // ctime is when the entry was renamed in (mtime survives the rename). A recent entry may
        // be a folder another process is still deleting, or a lock it is inspecting during takeover.
        if (Date.now() - (await stat(join(trash, name))).ctimeMs <= this.lockStaleMs) continue;
        await rm(join(trash, name), { recursive: true, force: true });
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
  }

  async #isLocked(digest: string): Promise<boolean> {
    return (await readLockState(this.#internal('locks', digest))) !== undefined;
  }

  async #listPublished(): Promise<PublishedModel[]> {
    const models: PublishedModel[] = [];
    for (const libraryId of await readdir(this.root)) {
      if (libraryId === INTERNAL_DIR_NAME) continue;
      let modelIds: string[];
      try {
        modelIds = await readdir(join(this.root, libraryId));
      } catch {
        continue;
      }
      for (const libraryEngineModelId of modelIds) {
        const dir = join(this.root, libraryId, libraryEngineModelId);
        const manifest = await readManifest(dir);
        if (manifest === undefined) continue;
        const key = { libraryId, libraryEngineModelId };
        const lastUsed = Math.max(manifest.createdAt, await this.#lastUse(keyDigest(key)));
        models.push({ key, dir, size: manifest.size, lastUsed });
      }
    }
    return models;
  }

  async #lastUse(digest: string): Promise<number> {
    try {
      return (await stat(this.#internal('used', digest))).mtimeMs;
    } catch {
      return 0;
    }
  }

  /**
   * Records a hit for `prune`'s least-recently-used order, at most once a minute per key, so
   * hits stay one `stat`. Best effort: a missing `used` folder (nothing filled yet) is not created.
   */
  async #recordUse(key: ModelKey, dir: string): Promise<void> {
    const now = Date.now();
    if (now - (this.#lastUseRecorded.get(dir) ?? 0) < USE_RECORD_INTERVAL_MS) return;
    this.#lastUseRecorded.set(dir, now);
    const marker = this.#internal('used', keyDigest(key));
    const when = new Date(now);
    try {
      await utimes(marker, when, when);
    } catch {
      await writeFile(marker, '').catch(() => undefined);
    }
  }
}
