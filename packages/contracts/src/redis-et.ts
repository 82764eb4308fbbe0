import { failureReasonFromError, type FailureReason } from './failure-reason.ts';

/** The TTL redisET gives a key when the POST names none: 24 hours. */
export const REDIS_ET_DEFAULT_TTL_SECONDS = 86_400;

/** The status codes redisET documents, and what each means. */
export const REDIS_ET_STATUS = {
  /** GET: the stored value; POST: stored (empty body). */
  ok: 200,
  /** Some toolkit builds may answer a POST with 204; accepted as stored. */
  stored: 204,
  /** Bad request, e.g. a POST without a body. */
  badRequest: 400,
  /** GET of a missing or expired key, or any call outside the task's own job/task. */
  notFound: 404,
  /** Internal error, e.g. Redis unavailable. */
  serverError: 500,
} as const;

export type RedisEtScope = 'job' | 'task';

const SCOPE_PREFIX: Readonly<Record<RedisEtScope, string>> = { job: 'j', task: 't' };

/** `/keys/j{internalJobId}/{key}` or `/keys/t{internalTaskId}/{key}`, with the id and key percent-encoded. */
export function redisEtKeyPath(scope: RedisEtScope, id: string, key: string): string {
  return `/keys/${SCOPE_PREFIX[scope]}${encodeURIComponent(id)}/${encodeURIComponent(key)}`;
}

export type RedisEtErrorCode =
  | 'bad_request'
  | 'out_of_scope'
  | 'server_error'
  | 'unexpected_status'
  | 'network_error'
  | 'invalid_ttl'
  | 'missing_scope_id';

export class RedisEtError extends Error {
  override readonly name = 'RedisEtError';
  readonly code: RedisEtErrorCode;
  readonly status: number | undefined;
  readonly failureReason: FailureReason;

  constructor(code: RedisEtErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.failureReason = failureReasonForRedis(code, options.cause);
  }
}

function failureReasonForRedis(code: RedisEtErrorCode, cause: unknown): FailureReason {
  if (code === 'network_error') return failureReasonFromError(cause, { target: 'url' });
  if (code === 'bad_request' || code === 'invalid_ttl' || code === 'missing_scope_id')
    return 'internal_error';
  if (code === 'out_of_scope') return 'url_not_allowed';
  return 'url_error';
}

export interface RedisEtClientOptions {
  /** The `redisETUrl` field of `/process`, e.g. `http://localhost:9191`. */
  url: string;
  internalJobId?: string;
  internalTaskId?: string;
  fetch?: typeof fetch;
}

export interface RedisEtKeyOptions {
  /** `task` (default) keys live with the task, `job` keys are shared by the job's tasks. */
  scope?: RedisEtScope;
}

export interface RedisEtSetOptions extends RedisEtKeyOptions {
  /** Positive whole seconds; redisET keeps the key 24 hours when left out. */
  ttlInSeconds?: number;
}

/**
 * A small client for the toolkit's redisET service. `get` gives `undefined` for a missing or expired key
 * (404); every other failure is a `RedisEtError` with a stable `code`.
 */
export class RedisEtClient {
  readonly #url: string;
  readonly #ids: Readonly<Record<RedisEtScope, string | undefined>>;
  readonly #fetch: typeof fetch | undefined;

  constructor(options: RedisEtClientOptions) {
    this.#url = options.url.replace(/\/+$/, '');
    this.#ids = { job: options.internalJobId, task: options.internalTaskId };
    this.#fetch = options.fetch;
  }

  /** A client for the redisET URL and ids of a parsed `/process` request, or undefined when it has no `redisETUrl`. */
  static fromProcessRequest(
    request: { redisETUrl?: string; internalJobId: string; internalTaskId: string },
    options: { fetch?: typeof fetch } = {},
  ): RedisEtClient | undefined {
    if (!request.redisETUrl) return undefined;
    return new RedisEtClient({
      url: request.redisETUrl,
      internalJobId: request.internalJobId,
      internalTaskId: request.internalTaskId,
      ...options,
    });
  }

  async get(key: string, options: RedisEtKeyOptions = {}): Promise<string | undefined> {
    const response = await this.#send('GET', this.#keyUrl(key, options.scope ?? 'task'));
    if (response.status === REDIS_ET_STATUS.notFound) return undefined;
    if (response.status === REDIS_ET_STATUS.ok) return response.text();
    throw await statusError(response, 'GET', key);
  }

  async set(key: string, value: string, options: RedisEtSetOptions = {}): Promise<void> {
    const url = this.#keyUrl(key, options.scope ?? 'task');
    if (options.ttlInSeconds !== undefined)
      url.searchParams.set('ttlInSeconds', String(checkTtl(options.ttlInSeconds)));
    const response = await this.#send('POST', url, value);
    if (response.status === REDIS_ET_STATUS.ok || response.status === REDIS_ET_STATUS.stored) {
      await response.body?.cancel();
      return;
    }
    throw await statusError(response, 'POST', key);
  }

  #keyUrl(key: string, scope: RedisEtScope): URL {
    const id = this.#ids[scope];
    if (!id) {
      const field = scope === 'job' ? 'internalJobId' : 'internalTaskId';
      throw new RedisEtError(
        'missing_scope_id',
        `a ${scope} key needs ${field}; pass it to the RedisEtClient`,
      );
    }
    return new URL(this.#url + redisEtKeyPath(scope, id, key));
  }

  async #send(method: 'GET' | 'POST', url: URL, body?: string): Promise<Response> {
    try {
      // The global fetch is looked up per call, so a fetch patched after construction (msw, tracing) is used.
      const send = this.#fetch ?? globalThis.fetch;
      return await send(url, {
        method,
        ...(body === undefined ? {} : { body, headers: { 'content-type': 'text/plain; charset=utf-8' } }),
      });
    } catch (error) {
      throw new RedisEtError(
        'network_error',
        `redisET ${method} ${url.pathname} failed: ${describe(error)}`,
        {
          cause: error,
        },
      );
    }
  }
}

function checkTtl(ttlInSeconds: number): number {
  if (!Number.isSafeInteger(ttlInSeconds) || ttlInSeconds <= 0) {
    throw new RedisEtError(
      'invalid_ttl',
      `ttlInSeconds must be a positive whole number, got ${ttlInSeconds}`,
    );
  }
  return ttlInSeconds;
}

async function statusError(response: Response, method: string, key: string): Promise<RedisEtError> {
  const text = (await response.text().catch(() => '')).trim();
  const detail = text ? `: ${text}` : '';
  const status = response.status;
  if (status === REDIS_ET_STATUS.badRequest) {
    return new RedisEtError('bad_request', `redisET rejected ${method} of key ${key}${detail}`, { status });
  }
  if (status === REDIS_ET_STATUS.notFound) {
    return new RedisEtError(
      'out_of_scope',
      `redisET refused ${method} of key ${key}: only this task's internalJobId/internalTaskId are allowed${detail}`,
      { status },
    );
  }
  if (status >= 500) {
    return new RedisEtError(
      'server_error',
      `redisET failed ${method} of key ${key} (HTTP ${status})${detail}`,
      {
        status,
      },
    );
  }
  return new RedisEtError(
    'unexpected_status',
    `redisET answered ${method} of key ${key} with HTTP ${status}${detail}`,
    {
      status,
    },
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
