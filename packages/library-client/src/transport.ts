import { type FailureReason, failureReasonFromError } from '@engine-kit/contracts';
import { backoffDelay, parseRetryAfter, sleep } from './common/backoff.ts';
import type { Limiter } from './common/limiter.ts';
import { redactError, redactText, redactValue } from './common/redact.ts';
import {
  type GraphQLErrorEntry,
  LibraryClientError,
  LibraryGraphQLError,
  LibraryHttpError,
  LibraryNetworkError,
  LibraryRateLimitError,
  LibraryResponseError,
  LibraryTimeoutError,
} from './errors.ts';

/** What the client reports to an optional `logger`; every string in it is already redacted. */
export type LibraryClientEvent =
  | { type: 'request'; operation: string; attempt: number }
  | { type: 'response'; operation: string; attempt: number; status: number; durationMs: number }
  | { type: 'retry'; operation: string; attempt: number; delayMs: number; reason: string }
  | { type: 'error'; operation: string; attempt: number; code: string; message: string };

export type RetryPolicy = 'idempotent' | 'once';

export interface TransportSettings {
  endpoint: string;
  token: string | undefined;
  timeoutMs: number;
  retries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** Longest `Retry-After` the client waits for; a longer one fails the call with `rate_limited`. */
  maxRetryAfterMs: number;
  random: () => number;
  fetch: (() => typeof fetch) | undefined;
  logger: ((event: LibraryClientEvent) => void) | undefined;
  limiter: Limiter;
}

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
/** Errno codes that prove the request never reached the server, so even a non-idempotent one may be re-sent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const BODY_SNIPPET_LENGTH = 500;

interface AttemptFailure {
  error: LibraryClientError;
  retryable: boolean;
  /** True when the request certainly did not reach the server. */
  notSent: boolean;
  retryAfterMs: number | undefined;
}

export interface HttpCall {
  operation: string;
  retry: RetryPolicy;
  signal?: AbortSignal | undefined;
  url?: string;
  method?: 'GET' | 'POST';
  /** Built anew for every attempt, so streamed bodies can be re-sent. */
  body?: () => Promise<BodyInit> | BodyInit;
  headers?: Record<string, string>;
  sendToken?: boolean;
}

export class Transport {
  readonly settings: TransportSettings;

  constructor(settings: TransportSettings) {
    this.settings = settings;
  }

  redact(text: string): string {
    return redactText(text, [this.settings.token]);
  }

  redactValue(value: unknown): unknown {
    return redactValue(value, [this.settings.token]);
  }

  log(event: LibraryClientEvent): void {
    this.settings.logger?.(event);
  }

  /** Sends a GraphQL document (JSON or a prepared multipart body) and returns `data`. */
  async graphql<T>(
    call: Omit<HttpCall, 'url' | 'method'> & { query: string; variables?: Record<string, unknown> },
  ): Promise<T> {
    const jsonBody = JSON.stringify({ query: call.query, variables: call.variables ?? {} });
    return this.request(
      {
        ...call,
        body: call.body ?? (() => jsonBody),
        headers: call.body ? {} : { 'content-type': 'application/json' },
      },
      async (response, attemptSignal) => this.readGraphQL<T>(call.operation, response, attemptSignal),
    );
  }

  /** One HTTP call with timeout, bounded concurrency and retries; `read` consumes the 2xx response. */
  async request<T>(
    call: HttpCall,
    read: (response: Response, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const { retries } = this.settings;
    for (let attempt = 0; ; attempt += 1) {
      const outcome = await this.settings.limiter.run(() => this.attempt(call, attempt, read));
      if (outcome.ok) return outcome.value;
      const failure = outcome.failure;
      const mayRetry =
        attempt < retries &&
        failure.retryable &&
        (call.retry === 'idempotent' || failure.notSent || failure.error.failureReason === 'rate_limited');
      if (!mayRetry || call.signal?.aborted) {
        this.log({
          type: 'error',
          operation: call.operation,
          attempt,
          code: failure.error.code,
          message: failure.error.message,
        });
        throw failure.error;
      }
      const delayMs = this.retryDelay(attempt, failure.retryAfterMs);
      this.log({ type: 'retry', operation: call.operation, attempt, delayMs, reason: failure.error.message });
      await sleep(delayMs, call.signal);
    }
  }

  private retryDelay(attempt: number, retryAfterMs: number | undefined): number {
    const { retryBaseDelayMs, retryMaxDelayMs, random } = this.settings;
    if (retryAfterMs !== undefined) {
      // Honour the server's wait, with a little jitter so throttled clients do not return in lockstep.
      return retryAfterMs + Math.round(random() * retryBaseDelayMs);
    }
    return backoffDelay(attempt, { baseDelayMs: retryBaseDelayMs, maxDelayMs: retryMaxDelayMs, random });
  }

  private async attempt<T>(
    call: HttpCall,
    attempt: number,
    read: (response: Response, signal: AbortSignal) => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; failure: AttemptFailure }> {
    const { timeoutMs } = this.settings;
    const timeoutSignal = AbortSignal.timeout(timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeoutSignal]) : timeoutSignal;
    const url = call.url ?? this.settings.endpoint;
    const started = performance.now();
    this.log({ type: 'request', operation: call.operation, attempt });
    try {
      const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
      if (this.settings.token && call.sendToken !== false)
        headers.authorization = `Bearer ${this.settings.token}`;
      const fetchImpl = this.settings.fetch?.() ?? globalThis.fetch;
      const response = await fetchImpl(url, {
        method: call.method ?? 'POST',
        headers,
        body: call.body ? await call.body() : null,
        signal,
      });
      this.log({
        type: 'response',
        operation: call.operation,
        attempt,
        status: response.status,
        durationMs: Math.round(performance.now() - started),
      });
      if (!response.ok) return { ok: false, failure: await this.httpFailure(call.operation, url, response) };
      return { ok: true, value: await read(response, signal) };
    } catch (error) {
      return { ok: false, failure: this.thrownFailure(call, url, error, timeoutSignal) };
    }
  }

  private async httpFailure(operation: string, url: string, response: Response): Promise<AttemptFailure> {
    const body = this.redact((await response.text().catch(() => '')).slice(0, BODY_SNIPPET_LENGTH));
    const status = response.status;
    const retryAfterMs =
      status === 429 || status === 503 ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
    const { maxRetryAfterMs } = this.settings;
    if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) {
      const message = this.redact(
        `${operation}: HTTP ${status} from ${url} asks to retry after ${Math.ceil(retryAfterMs / 1000)} s, longer than maxRetryAfterMs (${maxRetryAfterMs} ms); not waiting.`,
      );
      return {
        error: new LibraryRateLimitError(message, status, retryAfterMs, { operation }),
        retryable: false,
        notSent: false,
        retryAfterMs,
      };
    }
    const message = this.redact(
      `${operation}: HTTP ${status} from ${url}. ${hintForStatus(status)}${body ? ` Response: ${body}` : ''}`,
    );
    return {
      error: new LibraryHttpError(message, status, body, { operation }),
      retryable: RETRYABLE_STATUSES.has(status),
      notSent: false,
      retryAfterMs,
    };
  }

  private thrownFailure(
    call: HttpCall,
    url: string,
    error: unknown,
    timeoutSignal: AbortSignal,
  ): AttemptFailure {
    const operation = call.operation;
    if (error instanceof LibraryClientError) {
      return { error, retryable: false, notSent: false, retryAfterMs: undefined };
    }
    const cause = redactError(error, [this.settings.token]);
    if (timeoutSignal.aborted && !call.signal?.aborted) {
      const timeoutMs = this.settings.timeoutMs;
      return {
        error: new LibraryTimeoutError(
          this.redact(
            `${operation}: no complete response from ${url} within ${timeoutMs} ms; raise timeoutMs or check the server.`,
          ),
          timeoutMs,
          { operation, cause },
        ),
        retryable: true,
        notSent: false,
        retryAfterMs: undefined,
      };
    }
    if (call.signal?.aborted) {
      return {
        error: new LibraryNetworkError(this.redact(`${operation}: aborted by the caller.`), 'other', {
          operation,
          cause,
        }),
        retryable: false,
        notSent: false,
        retryAfterMs: undefined,
      };
    }
    const errno = errnoOf(error);
    const detail = errno ?? (error instanceof Error ? error.message : String(error));
    return {
      error: new LibraryNetworkError(
        this.redact(`${operation}: request to ${url} failed (${detail}); check that the API is reachable.`),
        // Network failures concern reaching the API's URL: url_connection_refused, url_not_found, url_error...
        networkFailureReason(error),
        { operation, cause },
      ),
      retryable: true,
      notSent: errno !== undefined && NOT_SENT_CODES.has(errno),
      retryAfterMs: undefined,
    };
  }

  private async readGraphQL<T>(operation: string, response: Response, _signal: AbortSignal): Promise<T> {
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new LibraryResponseError(
        this.redact(`${operation}: the response is not JSON: ${text.slice(0, 200)}`),
        { operation, cause: redactError(error, [this.settings.token]) },
      );
    }
    if (!isRecord(parsed)) {
      throw new LibraryResponseError(
        this.redact(`${operation}: the response is not a GraphQL result object.`),
        {
          operation,
        },
      );
    }
    const errors = Array.isArray(parsed.errors) ? parsed.errors.map(toErrorEntry(this)) : [];
    if (errors.length > 0) {
      const messages = errors.map((entry) => entry.message).join('; ');
      throw new LibraryGraphQLError(
        this.redact(`${operation}: the API returned ${errors.length} GraphQL error(s): ${messages}`),
        errors,
        // A server may echo the token (or a signed URL) in the partial data.
        redactValue(parsed.data ?? null, [this.settings.token]),
        { operation },
      );
    }
    if (!isRecord(parsed.data)) {
      throw new LibraryResponseError(this.redact(`${operation}: the GraphQL result has no data.`), {
        operation,
      });
    }
    return parsed.data as T;
  }
}

function toErrorEntry(transport: Transport) {
  return (value: unknown): GraphQLErrorEntry => {
    if (!isRecord(value)) return { message: transport.redact(String(value)) };
    const entry: GraphQLErrorEntry = { message: transport.redact(String(value.message ?? 'unknown error')) };
    if (Array.isArray(value.path)) {
      entry.path = value.path.map((segment) =>
        typeof segment === 'number' ? segment : transport.redact(String(segment)),
      );
    }
    if (isRecord(value.extensions)) {
      entry.extensions = transport.redactValue(value.extensions) as Record<string, unknown>;
    }
    return entry;
  };
}

function hintForStatus(status: number): string {
  if (status === 401) return 'The token is missing, expired or invalid; pass a valid token.';
  if (status === 403) return 'The token is not allowed to do this; check its rights on the library.';
  if (status === 404) return 'Check the endpoint: it should end with /v3/graphql.';
  if (status === 429) return 'Rate limited; retries honour Retry-After.';
  if (status >= 500) return 'The API failed; it may succeed later.';
  return 'The request was rejected.';
}

function errnoOf(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function networkFailureReason(error: unknown): FailureReason {
  const reason = failureReasonFromError(error, { target: 'url' });
  return reason === 'internal_error' || reason === 'unknown' ? 'url_error' : reason;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
