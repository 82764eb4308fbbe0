import { createWriteStream, openAsBlob } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isRedactableSecret, MIN_REDACTABLE_SECRET_LENGTH } from '@engine-kit/contracts';
import { createLimiter } from './common/limiter.ts';
import { redactError } from './common/redact.ts';
import {
  LibraryFileError,
  LibraryNotFoundError,
  LibraryOptionsError,
  LibraryResponseError,
} from './errors.ts';
import { type IterateEntitiesOptions, iterateLibraryEntities } from './iterate.ts';
import { operations } from './operations.ts';
import { type LibraryClientEvent, Transport } from './transport.ts';
import type {
  CreateTrainingJobInput,
  DownloadedModel,
  DownloadedModelFile,
  EntityWithIdentifiers,
  Job,
  Library,
  LibraryEngineModel,
  LibraryEngineModelVersion,
  UpdateLibraryEngineModelInput,
  UploadLibraryEngineModelFileInput,
} from './types.ts';

export interface LibraryClientOptions {
  /** GraphQL endpoint, e.g. `https://api.veritone.com/v3/graphql`. */
  endpoint: string;
  /** Bearer token; never written to errors or logs. */
  token?: string;
  /** Most requests in flight at once, across everything this client does. Default 4. */
  concurrency?: number;
  /** Per-request timeout (whole response, body included). Default 30,000 ms. */
  timeoutMs?: number;
  /** Retries after the first attempt for retryable failures. Default 4. */
  retries?: number;
  /** First backoff window; doubles on each retry (full jitter). Default 200 ms. */
  retryBaseDelayMs?: number;
  /** Largest backoff window. Default 5,000 ms. */
  retryMaxDelayMs?: number;
  /**
   * Longest `Retry-After` (seconds or an HTTP date) the client waits for. A server asking for longer
   * fails the call at once with `LibraryRateLimitError` (code `rate_limited`). Default 60,000 ms.
   */
  maxRetryAfterMs?: number;
  /** Source of jitter, for reproducible tests. Default `Math.random`. */
  random?: () => number;
  /** Fetch implementation; default the global `fetch` at call time. */
  fetch?: typeof fetch;
  /** Receives request/response/retry/error events; their strings are redacted. */
  logger?: (event: LibraryClientEvent) => void;
}

export interface DownloadOptions {
  signal?: AbortSignal;
}

export interface LibraryClient {
  readonly endpoint: string;
  readonly concurrency: number;
  getLibrary(id: string, options?: DownloadOptions): Promise<Library>;
  iterateEntities(options: IterateEntitiesOptions): AsyncIterable<EntityWithIdentifiers>;
  getLibraryEngineModel(id: string, options?: DownloadOptions): Promise<LibraryEngineModel>;
  /** The small per-task query: `trainStatus`, `dataUrl`, `contentType`, `modifiedDateTime` (no `jsondata`). */
  getLibraryEngineModelVersion(id: string, options?: DownloadOptions): Promise<LibraryEngineModelVersion>;
  updateLibraryEngineModel(
    input: UpdateLibraryEngineModelInput,
    options?: DownloadOptions,
  ): Promise<LibraryEngineModel>;
  uploadLibraryEngineModelFile(
    input: UploadLibraryEngineModelFileInput,
    options?: DownloadOptions,
  ): Promise<LibraryEngineModel>;
  createTrainingJob(input: CreateTrainingJobInput, options?: DownloadOptions): Promise<Job>;
  downloadModel(dataUrl: string, options?: DownloadOptions): Promise<DownloadedModel>;
  downloadModelToFile(
    dataUrl: string,
    filePath: string,
    options?: DownloadOptions,
  ): Promise<DownloadedModelFile>;
}

/** `code` of the process warning given for a token too short to redact. */
export const SHORT_TOKEN_WARNING_CODE = 'ENGINE_KIT_SHORT_TOKEN';

const DEFAULTS = {
  concurrency: 4,
  timeoutMs: 30_000,
  retries: 4,
  retryBaseDelayMs: 200,
  retryMaxDelayMs: 5_000,
  maxRetryAfterMs: 60_000,
};

export function createLibraryClient(options: LibraryClientOptions): LibraryClient {
  const endpoint = checkEndpoint(options.endpoint);
  const concurrency = positiveInteger('concurrency', options.concurrency ?? DEFAULTS.concurrency);
  const fetchOverride = options.fetch;
  const transport = new Transport({
    endpoint,
    token: options.token,
    timeoutMs: positiveInteger('timeoutMs', options.timeoutMs ?? DEFAULTS.timeoutMs),
    retries: nonNegativeInteger('retries', options.retries ?? DEFAULTS.retries),
    retryBaseDelayMs: nonNegativeInteger(
      'retryBaseDelayMs',
      options.retryBaseDelayMs ?? DEFAULTS.retryBaseDelayMs,
    ),
    retryMaxDelayMs: nonNegativeInteger(
      'retryMaxDelayMs',
      options.retryMaxDelayMs ?? DEFAULTS.retryMaxDelayMs,
    ),
    maxRetryAfterMs: nonNegativeInteger(
      'maxRetryAfterMs',
      options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
    ),
    random: options.random ?? Math.random,
    fetch: fetchOverride ? () => fetchOverride : undefined,
    logger: options.logger,
    limiter: createLimiter(concurrency),
  });
  const endpointOrigin = new URL(endpoint).origin;
  warnAboutShortToken(options);

  async function getLibrary(id: string, callOptions: DownloadOptions = {}): Promise<Library> {
    const data = await transport.graphql<{ library: Library | null }>({
      operation: 'GetLibrary',
      query: operations.GetLibrary,
      variables: { id },
      retry: 'idempotent',
      signal: callOptions.signal,
    });
    if (!data.library) {
      throw new LibraryNotFoundError(
        `Library ${id} was not found; check the id and the token's organization.`,
        {
          operation: 'GetLibrary',
        },
      );
    }
    return data.library;
  }

  /** `libraryEngineModel(id)` with the fields of `operation`; a missing model is `LibraryNotFoundError`. */
  async function queryLibraryEngineModel<T>(
    operation: 'GetLibraryEngineModel' | 'GetLibraryEngineModelVersion',
    id: string,
    callOptions: DownloadOptions,
  ): Promise<T> {
    const data = await transport.graphql<{ libraryEngineModel: T | null }>({
      operation,
      query: operations[operation],
      variables: { id },
      retry: 'idempotent',
      signal: callOptions.signal,
    });
    if (!data.libraryEngineModel) {
      throw new LibraryNotFoundError(
        `Library engine model ${id} was not found; check libraryEngineModelId.`,
        { operation },
      );
    }
    return data.libraryEngineModel;
  }

  function getLibraryEngineModel(id: string, callOptions: DownloadOptions = {}): Promise<LibraryEngineModel> {
    return queryLibraryEngineModel<LibraryEngineModel>('GetLibraryEngineModel', id, callOptions);
  }

  function getLibraryEngineModelVersion(
    id: string,
    callOptions: DownloadOptions = {},
  ): Promise<LibraryEngineModelVersion> {
    return queryLibraryEngineModel<LibraryEngineModelVersion>(
      'GetLibraryEngineModelVersion',
      id,
      callOptions,
    );
  }

  async function updateLibraryEngineModel(
    input: UpdateLibraryEngineModelInput,
    callOptions: DownloadOptions = {},
  ): Promise<LibraryEngineModel> {
    const data = await transport.graphql<{ updateLibraryEngineModel: LibraryEngineModel | null }>({
      operation: 'UpdateLibraryEngineModel',
      query: operations.UpdateLibraryEngineModel,
      variables: { input },
      // Setting the same status, data and metadata twice has the same effect as once.
      retry: 'idempotent',
      signal: callOptions.signal,
    });
    return requireModel(data.updateLibraryEngineModel, 'UpdateLibraryEngineModel', input.id);
  }

  async function uploadLibraryEngineModelFile(
    input: UploadLibraryEngineModelFileInput,
    callOptions: DownloadOptions = {},
  ): Promise<LibraryEngineModel> {
    const { filePath, contentType, filename, ...fields } = input;
    const variables = { input: fields };
    const name = filename ?? basename(filePath);
    const buildBody = async () => {
      const form = new FormData();
      form.append('query', operations.UploadLibraryEngineModelFile);
      form.append('variables', JSON.stringify(variables));
      form.append('file', await openModelFile(filePath, contentType), name);
      return form;
    };
    const data = await transport.graphql<{ updateLibraryEngineModel: LibraryEngineModel | null }>({
      operation: 'UploadLibraryEngineModelFile',
      query: operations.UploadLibraryEngineModelFile,
      variables,
      body: buildBody,
      // Re-uploading the same file replaces it: safe to retry.
      retry: 'idempotent',
      signal: callOptions.signal,
    });
    return requireModel(data.updateLibraryEngineModel, 'UploadLibraryEngineModelFile', input.id);
  }

  async function createTrainingJob(
    input: CreateTrainingJobInput,
    callOptions: DownloadOptions = {},
  ): Promise<Job> {
    const task = {
      engineId: input.engineId,
      payload: {
        ...input.payload,
        mode: 'library-train',
        libraryId: input.libraryId,
        libraryEngineModelId: input.libraryEngineModelId,
      },
    };
    const data = await transport.graphql<{ createJob: Job | null }>({
      operation: 'CreateTrainingJob',
      query: operations.CreateTrainingJob,
      variables: { input: { tasks: [task], ...(input.clusterId ? { clusterId: input.clusterId } : {}) } },
      // A retried createJob may start a second job: only re-sent when the server surely did not act on it.
      retry: 'once',
      signal: callOptions.signal,
    });
    if (!data.createJob) {
      throw new LibraryResponseError('CreateTrainingJob: the API returned no job.', {
        operation: 'CreateTrainingJob',
      });
    }
    return data.createJob;
  }

  function downloadCall(dataUrl: string, callOptions: DownloadOptions) {
    const url = checkDataUrl(dataUrl);
    return {
      operation: 'downloadModel',
      retry: 'idempotent' as const,
      url,
      method: 'GET' as const,
      signal: callOptions.signal,
      // Model data often lives on signed storage URLs: the API token goes only to the API's own origin.
      sendToken: new URL(url).origin === endpointOrigin,
    };
  }

  async function downloadModel(dataUrl: string, callOptions: DownloadOptions = {}): Promise<DownloadedModel> {
    return transport.request(downloadCall(dataUrl, callOptions), async (response) => ({
      data: new Uint8Array(await response.arrayBuffer()),
      contentType: response.headers.get('content-type'),
    }));
  }

  async function downloadModelToFile(
    dataUrl: string,
    filePath: string,
    callOptions: DownloadOptions = {},
  ): Promise<DownloadedModelFile> {
    return transport.request(downloadCall(dataUrl, callOptions), async (response) => {
      // A staging name, renamed when complete: a failed or retried download never leaves half a model.
      const staging = `${filePath}.${process.pid}.${Date.now()}.partial`;
      let size = 0;
      const body = response.body
        ? Readable.fromWeb(response.body as import('node:stream/web').ReadableStream)
        : Readable.from([]);
      body.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      try {
        await pipeline(body, createWriteStream(staging));
        await rename(staging, filePath);
      } catch (error) {
        await rm(staging, { force: true });
        // Read failures (reset, timeout) go back to the transport, which retries them.
        if (!isFileSystemError(error)) throw error;
        throw new LibraryFileError(
          transport.redact(`downloadModel: could not write ${filePath}: ${(error as Error).message}`),
          { operation: 'downloadModel', cause: redactError(error, [options.token]) },
        );
      }
      return { filePath, contentType: response.headers.get('content-type'), size };
    });
  }

  return {
    endpoint,
    concurrency,
    getLibrary,
    iterateEntities: (iterateOptions) => iterateLibraryEntities(transport, concurrency, iterateOptions),
    getLibraryEngineModel,
    getLibraryEngineModelVersion,
    updateLibraryEngineModel,
    uploadLibraryEngineModelFile,
    createTrainingJob,
    downloadModel,
    downloadModelToFile,
  };
}

/** The `/process` fields the client needs; a full `ProcessRequest` fits. */
export interface LibraryApiFields {
  veritoneApiBaseUrl?: string | undefined;
  token?: string | undefined;
}

/** A client for the API named in a `/process` request: `veritoneApiBaseUrl` + `/v3/graphql`, with its `token`. */
export function libraryClientFromProcessRequest(
  request: LibraryApiFields,
  options: Omit<LibraryClientOptions, 'endpoint' | 'token'> = {},
): LibraryClient {
  if (!request.veritoneApiBaseUrl) {
    throw new LibraryOptionsError(
      'The /process request has no veritoneApiBaseUrl; library training needs the API. Check the task payload.',
    );
  }
  return createLibraryClient({
    ...options,
    endpoint: graphqlEndpointFromBaseUrl(request.veritoneApiBaseUrl),
    ...(request.token ? { token: request.token } : {}),
  });
}

export function graphqlEndpointFromBaseUrl(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return trimmed.endsWith('/v3/graphql') ? trimmed : `${trimmed}/v3/graphql`;
}

async function openModelFile(filePath: string, contentType: string): Promise<Blob> {
  try {
    return await openAsBlob(filePath, { type: contentType });
  } catch (error) {
    throw new LibraryFileError(`Cannot read model file ${filePath} for upload: ${(error as Error).message}`, {
      operation: 'UploadLibraryEngineModelFile',
      cause: error,
    });
  }
}

function isFileSystemError(error: unknown): boolean {
  const syscall = (error as { syscall?: unknown }).syscall;
  return typeof syscall === 'string' && ['open', 'write', 'rename', 'close', 'fsync'].includes(syscall);
}

function requireModel(model: LibraryEngineModel | null, operation: string, id: string): LibraryEngineModel {
  if (!model) {
    throw new LibraryNotFoundError(`${operation}: library engine model ${id} was not found.`, { operation });
  }
  return model;
}

function checkEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString();
  } catch {
    // reported below
  }
  throw new LibraryOptionsError(
    `endpoint must be an http(s) URL such as https://api.veritone.com/v3/graphql.`,
  );
}

function checkDataUrl(dataUrl: string): string {
  try {
    const url = new URL(dataUrl);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString();
  } catch {
    // reported below
  }
  throw new LibraryOptionsError('downloadModel needs the http(s) dataUrl of a library engine model.');
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new LibraryOptionsError(`${name} must be an integer >= 1.`);
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0)
    throw new LibraryOptionsError(`${name} must be an integer >= 0.`);
  return value;
}

/**
 * A token shorter than `MIN_REDACTABLE_SECRET_LENGTH` cannot be redacted as a whole value without
 * garbling ordinary words, so it is left out of redaction (Bearer headers are still masked): say so
 * with a process warning (printed on stderr by default) when the client is created.
 */
function warnAboutShortToken(options: LibraryClientOptions): void {
  if (options.token === undefined || options.token === '' || isRedactableSecret(options.token)) return;
  const message = `The API token is shorter than ${MIN_REDACTABLE_SECRET_LENGTH} characters: it cannot be redacted from error messages and logs without garbling them, so only Authorization headers are masked. Use a longer token.`;
  process.emitWarning(message, { code: SHORT_TOKEN_WARNING_CODE });
}
