import type { FailureReason } from '@engine-kit/contracts';

export type LibraryClientErrorCode =
  | 'network_error'
  | 'timeout'
  | 'http_error'
  | 'graphql_error'
  | 'invalid_response'
  | 'not_found'
  | 'invalid_options'
  | 'file_error'
  | 'training_status_error'
  | 'rate_limited';

export interface GraphQLErrorEntry {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
}

interface LibraryClientErrorOptions {
  operation?: string | undefined;
  cause?: unknown;
}

/** Base of every error the client throws: a stable `code` and the aiWARE `failureReason` it maps to. */
export class LibraryClientError extends Error {
  readonly code: LibraryClientErrorCode;
  readonly failureReason: FailureReason;
  /** Name of the operation (a key of `operations`, or `downloadModel`) that failed. */
  readonly operation: string | undefined;

  constructor(
    code: LibraryClientErrorCode,
    failureReason: FailureReason,
    message: string,
    options: LibraryClientErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.failureReason = failureReason;
    this.operation = options.operation;
  }
}

/** The request never got a response: DNS, refused or reset connection. */
export class LibraryNetworkError extends LibraryClientError {
  constructor(message: string, failureReason: FailureReason, options: LibraryClientErrorOptions = {}) {
    super('network_error', failureReason, message, options);
  }
}

/** No complete response within `timeoutMs`. */
export class LibraryTimeoutError extends LibraryClientError {
  readonly timeoutMs: number;
  constructor(message: string, timeoutMs: number, options: LibraryClientErrorOptions = {}) {
    super('timeout', 'url_timeout', message, options);
    this.timeoutMs = timeoutMs;
  }
}

/** The server answered with a non-2xx status. */
export class LibraryHttpError extends LibraryClientError {
  readonly status: number;
  /** Start of the response body (redacted), for diagnosis. */
  readonly body: string;
  constructor(message: string, status: number, body: string, options: LibraryClientErrorOptions = {}) {
    super('http_error', failureReasonForStatus(status), message, options);
    this.status = status;
    this.body = body;
  }
}

/**
 * The server asked to wait (`Retry-After`) longer than `maxRetryAfterMs`: the call fails at once
 * instead of sleeping for as long as the server says.
 */
export class LibraryRateLimitError extends LibraryClientError {
  readonly status: number;
  /** The wait the server asked for. */
  readonly retryAfterMs: number;
  constructor(
    message: string,
    status: number,
    retryAfterMs: number,
    options: LibraryClientErrorOptions = {},
  ) {
    super('rate_limited', 'rate_limited', message, options);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The GraphQL response carried `errors`; `data` holds whatever part of the result did resolve. */
export class LibraryGraphQLError extends LibraryClientError {
  readonly errors: readonly GraphQLErrorEntry[];
  readonly data: unknown;
  constructor(
    message: string,
    errors: readonly GraphQLErrorEntry[],
    data: unknown,
    options: LibraryClientErrorOptions = {},
  ) {
    super('graphql_error', failureReasonForGraphQLErrors(errors), message, options);
    this.errors = errors;
    this.data = data;
  }
}

/** The server answered 2xx with a body that is not a GraphQL response. */
export class LibraryResponseError extends LibraryClientError {
  constructor(message: string, options: LibraryClientErrorOptions = {}) {
    super('invalid_response', 'api_error', message, options);
  }
}

/** A requested library or library engine model does not exist (or is not visible to the token). */
export class LibraryNotFoundError extends LibraryClientError {
  constructor(message: string, options: LibraryClientErrorOptions = {}) {
    super('not_found', 'api_not_found', message, options);
  }
}

/** The client was configured or called with values it cannot use. */
export class LibraryOptionsError extends LibraryClientError {
  constructor(message: string) {
    super('invalid_options', 'invalid_data', message);
  }
}

/** A local model file could not be read for upload, or a download could not be written. */
export class LibraryFileError extends LibraryClientError {
  constructor(message: string, options: LibraryClientErrorOptions = {}) {
    super('file_error', 'file_write_error', message, options);
  }
}

/**
 * `runTraining` could not record the final `trainStatus`; the model may still say `running`.
 * `cause` is the error of the status update; `trainingError` the error of `train`, if any.
 */
export class LibraryTrainingStatusError extends LibraryClientError {
  readonly trainingError: unknown;
  constructor(message: string, failureReason: FailureReason, trainingError: unknown, cause: unknown) {
    super('training_status_error', failureReason, message, { cause });
    this.trainingError = trainingError;
  }
}

export function failureReasonForStatus(status: number): FailureReason {
  if (status === 401) return 'api_authentication_error';
  if (status === 403) return 'api_not_allowed';
  if (status === 404) return 'api_not_found';
  if (status === 429) return 'rate_limited';
  return 'api_error';
}

function failureReasonForGraphQLErrors(errors: readonly GraphQLErrorEntry[]): FailureReason {
  const codes = errors.map((entry) => String(entry.extensions?.code ?? '').toUpperCase());
  if (codes.some((code) => code === 'UNAUTHENTICATED' || code === 'FORBIDDEN'))
    return 'api_authentication_error';
  if (codes.some((code) => code === 'NOT_FOUND')) return 'api_not_found';
  if (codes.some((code) => code === 'BAD_USER_INPUT' || code === 'GRAPHQL_VALIDATION_FAILED'))
    return 'invalid_data';
  return 'api_error';
}
