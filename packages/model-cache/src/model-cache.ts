import { mkdir, readdir, readFile, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isMissing, renameAwayAndRemove, uniqueToken } from './common/fs.ts';
import { type DownloadSource, downloadToFile, fileNameFromUrl } from './download.ts';
import { ModelCacheError } from './errors.ts';
import {
  type CheckedModelKey,
  INTERNAL_DIR_NAME,
  keyDigest,
  type ModelKey,
  resolveLibraryModelRoot,
  validateModelKey,
  versionDigest,
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
/** An old version nobody used for this long is removed: 10 minutes. */
export const DEFAULT_VERSION_GRACE_MS = 10 * 60_000;
/** `ensure` gives up waiting (and filling) after this long unless told otherwise: 15 minutes. */
export const DEFAULT_WAIT_TIMEOUT_MS = 15 * 60_000;
const KNOWN_DIRS_LIMIT = 1_000;
/** Hits record their use at most this often per version and process (less when the grace period is short). */
const USE_RECORD_INTERVAL_MS = 60_000;
/** Folder of a model's versions, and its pointer file to the newest published one. */
const VERSIONS_DIR = 'versions';
const CURRENT_FILE = 'current';

/**
 * Runs under way in this process, by root and key, shared by every `ModelCache` instance so
 * that code creating a cache per request still waits on one fill instead of polling the lock.
 */
const inFlight = new Map<string, SharedRun<string>>();

interface PublishedModel {
  key: CheckedModelKey;
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
  readonly versionGraceMs: number;
  readonly waitTimeoutMs: number;
  readonly #lastUseRecorded = new Map<string, number>();
  readonly #lastSweep = new Map<string, number>();
  #internalDirsReady: Promise<void> | undefined;
  readonly #knownDirs = new Map<string, string>();
  #knownDirCount = 0;

  constructor(options: ModelCacheOptions) {
    this.root = resolve(options.root);
    this.lockStaleMs = options.lockStaleMs ?? DEFAULT_LOCK_STALE_MS;
    this.versionGraceMs = options.versionGraceMs ?? DEFAULT_VERSION_GRACE_MS;
    this.waitTimeoutMs = options.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    for (const [name, value] of [
      ['lockStaleMs', this.lockStaleMs],
      ['versionGraceMs', this.versionGraceMs],
      ['waitTimeoutMs', this.waitTimeoutMs],
    ] as const) {
      if (!Number.isFinite(value) || value <= 0) {
        throw new RangeError(
          `ModelCache option ${name} must be a positive, finite number of ms; got ${value}.`,
        );
      }
    }
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

  /**
   * Where this version of the model is (or would be) published:
   * `{root}/{libraryId}/{libraryEngineModelId}/versions/{version}`. Validates the key; touches nothing.
   */
  path(key: ModelKey): string {
    return this.#knownDir(key) ?? this.#checkedDir(key);
  }

  /** Folders of keys validated before: a hit then costs one lookup and one `stat`. */
  #knownDir(key: ModelKey): string | undefined {
    const { libraryId, libraryEngineModelId, version } = (key ?? {}) as Partial<ModelKey>;
    if (typeof libraryId !== 'string' || typeof libraryEngineModelId !== 'string') return undefined;
    if (version !== undefined && typeof version !== 'string') return undefined;
    return this.#knownDirs.get(`${libraryId}\u0000${libraryEngineModelId}\u0000${version ?? ''}`);
  }

  #checkedDir(key: ModelKey): string {
    const checked = validateModelKey(key);
    const dir = join(this.#modelDir(checked), VERSIONS_DIR, checked.version);
    const inside = relative(this.root, dir);
    // `..foo` and `...` are plain names: only a first segment of exactly `..` leaves the root.
    const escapes = inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside);
    if (escapes || inside.split(sep).length !== 4) {
      throw new ModelCacheError('invalid_key', `The key resolves outside the cache root ${this.root}.`);
    }
    if (++this.#knownDirCount > KNOWN_DIRS_LIMIT) {
      this.#knownDirs.clear();
      this.#knownDirCount = 1;
    }
    const { libraryId, libraryEngineModelId, version } = key;
    this.#knownDirs.set(`${libraryId}\u0000${libraryEngineModelId}\u0000${version ?? ''}`, dir);
    return dir;
  }

  /** `{root}/{libraryId}/{libraryEngineModelId}`: the model's versions and its `current` pointer. */
  #modelDir(key: CheckedModelKey): string {
    return join(this.root, key.libraryId, key.libraryEngineModelId);
  }

  /** True when this version of the model is published. */
  async has(key: ModelKey): Promise<boolean> {
    return isPublished(this.path(key));
  }

  /**
   * The version most recently published for the model (both ids; `key.version` is ignored), from
   * its `current` pointer, or `undefined` when none was. The pointer is replaced atomically.
   */
  async current(key: ModelKey): Promise<string | undefined> {
    const checked = validateModelKey({ ...key, version: undefined });
    return readCurrent(this.#modelDir(checked));
  }

  /**
   * Returns the published folder for `key`, running `fill` first when it is missing.
   * Across all processes only one caller fills; the others wait and get the same folder.
   * @throws {ModelCacheError} `invalid_key`, `aborted`, `timeout`, `fill_failed`, `invalid_fill`, `path_occupied`
   */
  async ensure(key: ModelKey, fill: FillFunction, options: EnsureOptions = {}): Promise<EnsureResult> {
    return this.#ensure(key, fill, options);
  }

  async #ensure(
    key: ModelKey,
    fill: FillFunction,
    options: EnsureOptions,
    sourceOf?: () => DownloadSource | undefined,
  ): Promise<EnsureResult> {
    const dir = this.path(key);
    throwIfAborted(options.signal);
    if (await isPublished(dir)) {
      await this.#recordUse(key, dir);
      await this.#sweepNowAndThen(key, dir);
      return { dir, hit: true };
    }
    const limits = { signal: options.signal, timeoutMs: options.timeoutMs ?? this.waitTimeoutMs };
    return { dir: await this.#sharedRun(validateModelKey(key), fill, sourceOf).join(limits), hit: false };
  }

  /** The run this process already has under way for `key` in this root, or a new one. */
  #sharedRun(
    key: CheckedModelKey,
    fill: FillFunction,
    sourceOf: (() => DownloadSource | undefined) | undefined,
  ): SharedRun<string> {
    const id = `${this.root}\u0000${versionDigest(key)}`;
    const existing = inFlight.get(id);
    if (existing !== undefined && !existing.abandoned) return existing;
    const run: SharedRun<string> = new SharedRun(
      (signal) => this.#fillOrWait(key, fill, signal, sourceOf),
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
    const checked = validateModelKey(key);
    let source: DownloadSource | undefined;
    const result = await this.#ensure(
      key,
      async ({ dir, signal }) => {
        source = await downloadToFile(url, join(dir, fileName), {
          headers: options.headers,
          sha256: options.sha256,
          signal,
          fetch: options.fetch,
          label: `${checked.libraryId}/${checked.libraryEngineModelId}@${checked.version}`,
          ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
          ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
        });
      },
      options,
      () => source,
    );
    return { ...result, file: join(result.dir, fileName) };
  }

  /**
   * Removes this published version of the model: renamed away first, so no reader ever sees a
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
        await unlink(this.#internal('used', versionDigest(model.key))).catch(() => undefined);
        evicted.push(model.key);
        freedBytes += model.size;
        keptBytes -= model.size;
      }
    }
    return { evicted, freedBytes, keptBytes, removedStaging };
  }

  /**
   * Removes old versions of the model (both ids of `key`) that are not its `current` one, not
   * `key.version`, and were neither published nor used by any process for `versionGraceMs`.
   * Runs under the model's lock: when another process holds it, nothing is removed and `[]`
   * comes back. `ensure` calls this after publishing a version, and on hits now and then.
   */
  async removeOldVersions(key: ModelKey): Promise<string[]> {
    const checked = validateModelKey(key);
    await this.#ensureInternalDirs();
    const lock = await tryAcquireLock(this.#lockOptions(checked)).catch(() => undefined);
    if (lock === undefined) return [];
    try {
      return await this.#removeOldVersionsUnderLock(checked);
    } finally {
      await lock.release();
    }
  }

  async #removeOldVersionsUnderLock(key: CheckedModelKey): Promise<string[]> {
    const modelDir = this.#modelDir(key);
    const keep = new Set([key.version, await readCurrent(modelDir)]);
    let names: string[];
    try {
      names = await readdir(join(modelDir, VERSIONS_DIR));
    } catch {
      return [];
    }
    const removed: string[] = [];
    const now = Date.now();
    for (const version of names) {
      if (keep.has(version)) continue;
      const versionKey = { ...key, version };
      const dir = join(modelDir, VERSIONS_DIR, version);
      // The manifest is written last, so its mtime is the publish time: two `stat`s per version, no read.
      const published = await stat(join(dir, MANIFEST_FILE)).catch(() => undefined);
      // Not published by the cache (or half-deleted by someone else): not ours to judge.
      if (published === undefined) continue;
      const lastUsed = Math.max(published.mtimeMs, await this.#lastUse(versionDigest(versionKey)));
      if (now - lastUsed <= this.versionGraceMs) continue;
      if (await renameAwayAndRemove(dir, this.#internal('trash'))) {
        await unlink(this.#internal('used', versionDigest(versionKey))).catch(() => undefined);
        removed.push(version);
      }
    }
    return removed;
  }

  /** On hits, sweeps old versions at most once per half grace period per model and process. */
  async #sweepNowAndThen(key: ModelKey, dir: string): Promise<void> {
    // The model folder (two levels up from the version) names the model without hashing on every hit.
    const id = dirname(dirname(dir));
    const now = Date.now();
    const last = this.#lastSweep.get(id);
    if (last === undefined) {
      // The first hit in this process only starts the clock: a hit stays one `stat`.
      this.#lastSweep.set(id, now);
      return;
    }
    if (now - last < this.versionGraceMs / 2) return;
    if (this.#lastSweep.size > KNOWN_DIRS_LIMIT) this.#lastSweep.clear();
    this.#lastSweep.set(id, now);
    await this.removeOldVersions(key).catch(() => undefined);
  }

  #lockOptions(key: ModelKey): LockOptions {
    return {
      lockDir: this.#internal('locks', keyDigest(key)),
      trashDir: this.#internal('trash'),
      staleMs: this.lockStaleMs,
    };
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

  async #fillOrWait(
    key: CheckedModelKey,
    fill: FillFunction,
    signal: AbortSignal,
    sourceOf: (() => DownloadSource | undefined) | undefined,
  ): Promise<string> {
    const dir = this.path(key);
    await this.#ensureInternalDirs();
    await mkdir(dirname(dir), { recursive: true });
    const lockOptions = this.#lockOptions(key);
    const maxPollMs = Math.min(1_000, Math.max(25, this.lockStaleMs / 4));
    const waiter = new ChangeWaiter([dirname(dir), this.#internal('locks')]);
    try {
      for (let attempt = 0; ; attempt += 1) {
        throwIfAborted(signal);
        if (await isPublished(dir)) return dir;
        const lock = await this.#tryAcquire(lockOptions, dir, signal);
        if (lock !== undefined) {
          try {
            return await this.#fillUnderLock(key, dir, fill, signal, lock, sourceOf);
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
    key: CheckedModelKey,
    dir: string,
    fill: FillFunction,
    signal: AbortSignal,
    lock: HeldLock,
    sourceOf: (() => DownloadSource | undefined) | undefined,
  ): Promise<string> {
    if (await isPublished(dir)) return dir;
    const published = await this.#stageAndPublish(key, dir, fill, signal, lock, sourceOf);
    await writeCurrent(this.#modelDir(key), key.version);
    if (!lock.lost) await this.#removeOldVersionsUnderLock(key).catch(() => undefined);
    return published;
  }

  async #stageAndPublish(
    key: CheckedModelKey,
    dir: string,
    fill: FillFunction,
    signal: AbortSignal,
    lock: HeldLock,
    sourceOf: (() => DownloadSource | undefined) | undefined,
  ): Promise<string> {
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
      await writeManifest(staging, key, sourceOf?.());
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
      for (const libraryEngineModelId of await readdirOrEmpty(join(this.root, libraryId))) {
        const versionsDir = join(this.root, libraryId, libraryEngineModelId, VERSIONS_DIR);
        for (const version of await readdirOrEmpty(versionsDir)) {
          const dir = join(versionsDir, version);
          const manifest = await readManifest(dir);
          if (manifest === undefined) continue;
          const key = { libraryId, libraryEngineModelId, version };
          const lastUsed = Math.max(manifest.createdAt, await this.#lastUse(versionDigest(key)));
          models.push({ key, dir, size: manifest.size, lastUsed });
        }
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
   * Records a hit for `prune`'s least-recently-used order and for the removal of old versions,
   * at most once a minute (or a quarter of the grace period) per version, so hits stay one
   * `stat`. Best effort: a missing `used` folder (nothing filled yet) is not created.
   */
  async #recordUse(key: ModelKey, dir: string): Promise<void> {
    const now = Date.now();
    const every = Math.min(USE_RECORD_INTERVAL_MS, this.versionGraceMs / 4);
    if (now - (this.#lastUseRecorded.get(dir) ?? 0) < every) return;
    if (this.#lastUseRecorded.size > KNOWN_DIRS_LIMIT) this.#lastUseRecorded.clear();
    this.#lastUseRecorded.set(dir, now);
    const marker = this.#internal('used', versionDigest(validateModelKey(key)));
    const when = new Date(now);
    try {
      await utimes(marker, when, when);
    } catch {
      await writeFile(marker, '').catch(() => undefined);
    }
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/** The version named by a model folder's `current` pointer, or `undefined`. */
async function readCurrent(modelDir: string): Promise<string | undefined> {
  try {
    const value = JSON.parse(await readFile(join(modelDir, CURRENT_FILE), 'utf8')) as { version?: unknown };
    return typeof value.version === 'string' ? value.version : undefined;
  } catch {
    return undefined;
  }
}

/** Swaps the `current` pointer in one step: written under a unique name, then renamed over the old one. */
async function writeCurrent(modelDir: string, version: string): Promise<void> {
  const staged = join(modelDir, `.${CURRENT_FILE}.${uniqueToken()}`);
  await writeFile(staged, JSON.stringify({ version, publishedAt: Date.now() }));
  try {
    await rename(staged, join(modelDir, CURRENT_FILE));
  } catch (error) {
    await rm(staged, { force: true });
    throw error;
  }
}
