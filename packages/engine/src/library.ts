import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FailureReason, ProcessRequest } from '@engine-kit/contracts';
import type {
  JsonData,
  LibraryClient,
  LibraryEngineModel,
  LibraryEngineModelVersion,
} from '@engine-kit/library-client';
import { ModelCache, ModelCacheError, modelVersionOf } from '@engine-kit/model-cache';
import { EngineError } from './errors.ts';

/** A library engine model ready for `run`: the cached folder (when it has a data file) and its metadata. */
export interface LoadedModel {
  id: string;
  libraryId: string;
  /**
   * The model's version: its `modifiedDateTime` plus a digest of what names its content (see
   * `modelVersionOf` in `@engine-kit/model-cache`). A retrain gives a new version.
   */
  version: string;
  /** Published cache folder holding the downloaded `dataUrl` file; undefined for a `jsondata`-only model. */
  dir: string | undefined;
  /** The downloaded file inside `dir`. */
  file: string | undefined;
  jsondata: JsonData | undefined;
  contentType: string | undefined;
}

export interface LibraryIds {
  libraryId: string;
  libraryEngineModelId: string;
}

/** How `library-run` tasks learn about retrained models (`EngineDefinition.library`). */
export interface LibraryRunOptions {
  /**
   * How long the answer of one version query is reused for later tasks of the same model, in
   * ms. Default 0: every task asks the core once (`GetLibraryEngineModelVersion`), so a retrain
   * is seen by the very next task. With N > 0, a retrain is seen at most N ms late.
   */
  versionCheckIntervalMs?: number;
  /**
   * Longest wait for the model file (another process's download included) when the request has
   * no `maxTTL`; default 900 000 ms (15 min). With `maxTTL`, the wait is 90% of `maxTTL` (or this,
   * when shorter).
   */
  modelTimeoutMs?: number;
  /** Most bytes a model file may have; default 4 GiB. */
  maxModelBytes?: number;
}

export const DEFAULT_MODEL_TIMEOUT_MS = 15 * 60_000;
/** The share of `maxTTL` a task may spend waiting for its model file. */
const MAX_TTL_SHARE = 0.9;

/** The library ids of a request: the top-level fields, else the task payload's. */
export function libraryIdsOf(request: ProcessRequest): Partial<LibraryIds> {
  const payload = request.payload as Record<string, unknown>;
  const fromPayload = (name: string) =>
    typeof payload[name] === 'string' ? (payload[name] as string) : undefined;
  return {
    libraryId: request.libraryId ?? fromPayload('libraryId'),
    libraryEngineModelId: request.libraryEngineModelId ?? fromPayload('libraryEngineModelId'),
  };
}

export function requireLibraryEngineModelId(request: ProcessRequest): string {
  const id = libraryIdsOf(request).libraryEngineModelId;
  if (!id) {
    throw new EngineError(
      'invalid_request',
      'libraryEngineModelId is missing from the request and its payload',
      {
        status: 400,
        failureReason: 'invalid_data',
      },
    );
  }
  return id;
}

export interface LoadLimits {
  signal?: AbortSignal;
}

interface Loaded {
  version: string;
  load: Promise<LoadedModel>;
}

/**
 * Loads library engine models by version. Each task asks the core for the model's version
 * (one small query, or none within `versionCheckIntervalMs`); tasks that see the same version
 * share one load, and a new version replaces the previous one, which is then released (tasks
 * still running on it keep their reference until they end). A failed load is forgotten.
 */
export class ModelLoader {
  /** The newest load per model id (and cache root): the only one kept. */
  readonly #loads = new Map<string, Loaded>();
  readonly #checks = new Map<string, { at: number; answer: Promise<LibraryEngineModelVersion> }>();
  readonly #options: LibraryRunOptions;

  constructor(options: LibraryRunOptions = {}) {
    for (const name of ['versionCheckIntervalMs', 'modelTimeoutMs', 'maxModelBytes'] as const) {
      const value = options[name];
      const least = name === 'versionCheckIntervalMs' ? 0 : 1;
      if (value !== undefined && (!Number.isFinite(value) || value < least)) {
        throw new EngineError(
          'invalid_option',
          `library.${name} must be a finite number >= ${least}; got ${value}`,
        );
      }
    }
    this.#options = options;
  }

  async load(request: ProcessRequest, client: LibraryClient, limits: LoadLimits = {}): Promise<LoadedModel> {
    const id = requireLibraryEngineModelId(request);
    try {
      const current = await this.#currentVersion(id, client, limits);
      requireComplete(id, current);
      const version = modelVersionOf(current);
      const slot = `${id}\u0000${modelRoot(request)}`;
      let loaded = this.#loads.get(slot);
      if (loaded === undefined || loaded.version !== version) {
        const load = this.#loadNewVersion(id, request, client, limits);
        loaded = { version, load };
        this.#loads.set(slot, loaded);
        const forget = () => {
          if (this.#loads.get(slot)?.load === load) this.#loads.delete(slot);
        };
        load.catch(forget);
      }
      const model = await loaded.load;
      // One `stat` per task: records the use (old versions are removed only after a grace period
      // of no use) and fills the version again if someone pruned it meanwhile.
      return model.dir === undefined
        ? model
        : await this.#ensureFile(model, current, request, client, limits);
    } catch (error) {
      throw asEngineError(id, error);
    }
  }

  #currentVersion(id: string, client: LibraryClient, limits: LoadLimits): Promise<LibraryEngineModelVersion> {
    const interval = this.#options.versionCheckIntervalMs ?? 0;
    const key = `${client.endpoint}\u0000${id}`;
    const recent = this.#checks.get(key);
    if (interval > 0 && recent !== undefined && Date.now() - recent.at < interval) return recent.answer;
    const answer = client.getLibraryEngineModelVersion(id, { signal: limits.signal });
    if (interval > 0) {
      if (this.#checks.size > 1_000) this.#checks.clear();
      this.#checks.set(key, { at: Date.now(), answer });
      answer.catch(() => {
        if (this.#checks.get(key)?.answer === answer) this.#checks.delete(key);
      });
    }
    return answer;
  }

  async #loadNewVersion(
    id: string,
    request: ProcessRequest,
    client: LibraryClient,
    limits: LoadLimits,
  ): Promise<LoadedModel> {
    // The full record once per version: `jsondata` and `libraryId` are not in the per-task query.
    const model = await client.getLibraryEngineModel(id, { signal: limits.signal });
    requireComplete(id, model);
    const libraryId = libraryIdsOf(request).libraryId ?? model.libraryId;
    const base = {
      id,
      libraryId,
      version: modelVersionOf(model),
      jsondata: model.jsondata ?? undefined,
      contentType: model.contentType ?? undefined,
    };
    if (!model.dataUrl) return { ...base, dir: undefined, file: undefined };
    return this.#ensureFile({ ...base, dir: undefined, file: undefined }, model, request, client, limits);
  }

  async #ensureFile(
    model: LoadedModel,
    source: Pick<LibraryEngineModel, 'dataUrl'>,
    request: ProcessRequest,
    client: LibraryClient,
    limits: LoadLimits,
  ): Promise<LoadedModel> {
    if (!source.dataUrl) return model;
    const key = { libraryId: model.libraryId, libraryEngineModelId: model.id, version: model.version };
    const cache = ModelCache.fromLibraryModelDirectory(modelRoot(request), key);
    const headers =
      sameOrigin(source.dataUrl, client.endpoint) && request.token
        ? { authorization: `Bearer ${request.token}` }
        : undefined;
    const { dir, file } = await cache.ensureFromUrl(key, source.dataUrl, {
      ...(headers ? { headers } : {}),
      ...(limits.signal ? { signal: limits.signal } : {}),
      timeoutMs: this.#timeoutMs(request),
      ...(this.#options.maxModelBytes === undefined ? {} : { maxBytes: this.#options.maxModelBytes }),
    });
    return { ...model, dir, file };
  }

  /**
   * With `maxTTL`, the wait ends at 90% of it (and at `modelTimeoutMs` when that is shorter), so
   * the task fails naming the model before the runtime's own `maxTTL` bound (`chunk_timeout`)
   * ends it anonymously; without, `modelTimeoutMs`.
   */
  #timeoutMs(request: ProcessRequest): number {
    const maxTTL = request.maxTTL;
    const configured = this.#options.modelTimeoutMs;
    if (typeof maxTTL === 'number' && Number.isFinite(maxTTL) && maxTTL > 0) {
      const derived = Math.max(1, Math.floor(maxTTL * 1_000 * MAX_TTL_SHARE));
      return configured === undefined ? derived : Math.min(configured, derived);
    }
    return configured ?? DEFAULT_MODEL_TIMEOUT_MS;
  }
}

function modelRoot(request: ProcessRequest): string {
  return request.libraryModelDirectory ?? join(tmpdir(), 'engine-kit-models');
}

/**
 * Only a `complete` model is run: `running` is a retrain in progress (its file may be the
 * previous one or missing), `failed` has no usable file. The task fails with `invalid_data`:
 * the model the task names is not usable, and retrying the same task soon may succeed.
 */
function requireComplete(id: string, model: Pick<LibraryEngineModel, 'trainStatus'>): void {
  if (model.trainStatus === 'complete') return;
  throw new EngineError(
    'model_load_failed',
    `library engine model ${id} has trainStatus ${model.trainStatus ?? 'null'}, not complete; train it (or wait for its training to finish) before running`,
    { status: 422, failureReason: 'invalid_data' },
  );
}

function asEngineError(id: string, error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  const failureReason = failureReasonOfLoad(error);
  // A timeout answers 504 like the runtime's other timeouts (`cacheURI`, `chunk_timeout`).
  return new EngineError(
    'model_load_failed',
    `cannot load library engine model ${id}: ${(error as Error).message}`,
    { failureReason, ...(failureReason === 'url_timeout' ? { status: 504 } : {}), cause: error },
  );
}

/** Cache errors carry no failureReason: map them; library-client errors carry their own. */
function failureReasonOfLoad(error: unknown): FailureReason {
  if (error instanceof ModelCacheError) {
    if (error.code === 'timeout' || error.code === 'download_timeout') return 'url_timeout';
    if (error.code === 'download_too_large' || error.code === 'integrity_mismatch') return 'invalid_data';
    if (error.code === 'aborted') return 'system_error';
    if (error.code === 'download_failed' || error.code === 'size_mismatch') {
      if (error.status === 404) return 'url_not_found';
      if (error.status === 401 || error.status === 403) return 'url_not_allowed';
      return 'url_error';
    }
    return 'file_write_error';
  }
  return (error as { failureReason?: FailureReason }).failureReason ?? 'api_error';
}

/** The API token goes only to the API's own origin, never to signed storage URLs. */
function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
