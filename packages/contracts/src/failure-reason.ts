import { z } from 'zod';

/** The `failureReason` values a heartbeat may carry, in the order the Engine Toolkit documents them. */
export const FAILURE_REASONS = [
  'internal_error',
  'external_error',
  'unknown',
  'url_not_found',
  'url_not_allowed',
  'url_timeout',
  'url_connection_refused',
  'url_error',
  'invalid_data',
  'rate_limited',
  'api_not_allowed',
  'api_authentication_error',
  'api_not_found',
  'api_error',
  'file_write_error',
  'stream_read_error',
  'system_dependency_missing',
  'system_error',
  'heartbeat_timeout',
  'other',
] as const;

export const FailureReasonSchema = z.enum(FAILURE_REASONS).meta({
  title: 'FailureReason',
  description: 'Why an engine failed a task, as sent in a failed heartbeat.',
});
export type FailureReason = z.infer<typeof FailureReasonSchema>;

/** The GraphQL `TaskFailureReason` enum: the heartbeat values plus `chunk_timeout`, which only the platform sets. */
export const TASK_FAILURE_REASONS = [...FAILURE_REASONS, 'chunk_timeout'] as const;

export const TaskFailureReasonSchema = z.enum(TASK_FAILURE_REASONS).meta({
  title: 'TaskFailureReason',
  description: 'The GraphQL TaskFailureReason enum (heartbeat values plus chunk_timeout).',
});
export type TaskFailureReason = z.infer<typeof TaskFailureReasonSchema>;

export const FAILURE_REASON_DESCRIPTIONS: Readonly<Record<TaskFailureReason, string>> = {
  internal_error: 'A bug or unexpected state inside the engine itself.',
  external_error: 'A service outside aiWARE that the engine depends on failed.',
  unknown: 'The cause of the failure is not known.',
  url_not_found: 'A URL the engine had to fetch does not exist (HTTP 404 or the host name does not resolve).',
  url_not_allowed: 'A URL the engine had to fetch refused access (HTTP 401/403).',
  url_timeout: 'A URL the engine had to fetch did not answer in time.',
  url_connection_refused: 'The host of a URL the engine had to fetch refused the connection.',
  url_error:
    'Fetching a URL failed for another reason (reset connection, unreachable network, server error).',
  invalid_data: 'The input (chunk, payload or response) is malformed or of an unsupported format.',
  rate_limited: 'A service throttled the engine (HTTP 429).',
  api_not_allowed: 'The aiWARE API denied the operation to this token (HTTP 403).',
  api_authentication_error: 'The aiWARE API rejected the token (HTTP 401).',
  api_not_found: 'The aiWARE API object (library, model, TDO...) does not exist (HTTP 404).',
  api_error: 'The aiWARE API returned another error.',
  file_write_error: 'Writing a file failed (disk full, read-only file system, quota).',
  stream_read_error: 'Reading the input stream failed part way.',
  system_dependency_missing: 'A program, library or model file the engine needs is not installed.',
  system_error: 'The operating system failed the engine (out of memory, too many open files, permissions).',
  heartbeat_timeout: 'The engine stopped sending heartbeats for too long.',
  other: 'A failure that fits none of the other reasons.',
  chunk_timeout: 'The platform gave up waiting for a chunk result (set by aiWARE, never by an engine).',
};

export type FailureReasonTarget = 'url' | 'api';

export interface FailureReasonOptions {
  /**
   * Whether an HTTP status came from fetching media (`url`, e.g. `cacheURI`) or from the aiWARE API (`api`).
   * Network errors always map to `url_*` reasons. Defaults to `api`.
   */
  target?: FailureReasonTarget;
}

const ERRNO_REASONS: Readonly<Record<string, FailureReason>> = {
  ECONNREFUSED: 'url_connection_refused',
  ETIMEDOUT: 'url_timeout',
  ESOCKETTIMEDOUT: 'url_timeout',
  UND_ERR_CONNECT_TIMEOUT: 'url_timeout',
  UND_ERR_HEADERS_TIMEOUT: 'url_timeout',
  UND_ERR_BODY_TIMEOUT: 'url_timeout',
  ENOTFOUND: 'url_not_found',
  EAI_AGAIN: 'url_not_found',
  EAI_NONAME: 'url_not_found',
  ECONNRESET: 'url_error',
  EPIPE: 'url_error',
  EHOSTUNREACH: 'url_error',
  ENETUNREACH: 'url_error',
  UND_ERR_SOCKET: 'url_error',
  ERR_INVALID_URL: 'url_error',
  ENOSPC: 'file_write_error',
  EDQUOT: 'file_write_error',
  EROFS: 'file_write_error',
  EFBIG: 'file_write_error',
  ENOMEM: 'system_error',
  EMFILE: 'system_error',
  ENFILE: 'system_error',
  EACCES: 'system_error',
  EPERM: 'system_error',
};

const MAX_CAUSE_DEPTH = 8;

/**
 * Picks the `failureReason` that best describes an error: an explicit `failureReason` property, a Node/undici
 * errno code (on the error or any `cause`), an abort/timeout, an HTTP status (`status`, `statusCode` or
 * `response.status`), or a parse error. Never throws.
 */
export function failureReasonFromError(error: unknown, options: FailureReasonOptions = {}): FailureReason {
  const target = options.target ?? 'api';
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && isObject(current); depth++) {
    const reason = reasonOfOne(current, target);
    if (reason) return reason;
    current = safeGet(current, 'cause');
  }
  if (error instanceof Error) return 'internal_error';
  return 'unknown';
}

function reasonOfOne(error: object, target: FailureReasonTarget): FailureReason | undefined {
  const explicit = safeGet(error, 'failureReason');
  if (typeof explicit === 'string' && FailureReasonSchema.safeParse(explicit).success) {
    return explicit as FailureReason;
  }
  const code = safeGet(error, 'code');
  if (typeof code === 'string') {
    if (code === 'ENOENT' && isSpawnError(error)) return 'system_dependency_missing';
    const errnoReason = ERRNO_REASONS[code];
    if (errnoReason) return errnoReason;
  }
  const name = safeGet(error, 'name');
  if (name === 'AbortError' || name === 'TimeoutError') return 'url_timeout';
  const status = httpStatusOf(error);
  if (status !== undefined) return reasonForHttpStatus(status, target);
  if (name === 'SyntaxError' || name === 'ZodError') return 'invalid_data';
  return undefined;
}

/** Maps an HTTP status of a failed call to a failure reason; `target` says whose call it was. */
export function reasonForHttpStatus(status: number, target: FailureReasonTarget = 'api'): FailureReason {
  if (status === 429) return 'rate_limited';
  if (status === 401) return target === 'url' ? 'url_not_allowed' : 'api_authentication_error';
  if (status === 403) return target === 'url' ? 'url_not_allowed' : 'api_not_allowed';
  if (status === 404 || status === 410) return target === 'url' ? 'url_not_found' : 'api_not_found';
  if (status === 408 || status === 504) return 'url_timeout';
  if (status === 400 || status === 415 || status === 422) return 'invalid_data';
  return target === 'url' ? 'url_error' : 'api_error';
}

function httpStatusOf(error: object): number | undefined {
  const response = safeGet(error, 'response');
  const candidates = [
    safeGet(error, 'status'),
    safeGet(error, 'statusCode'),
    isObject(response) ? safeGet(response, 'status') : undefined,
  ];
  for (const candidate of candidates) {
    if (
      typeof candidate === 'number' &&
      Number.isInteger(candidate) &&
      candidate >= 400 &&
      candidate <= 599
    ) {
      return candidate;
    }
  }
  return undefined;
}

function isSpawnError(error: object): boolean {
  const syscall = safeGet(error, 'syscall');
  return typeof syscall === 'string' && syscall.startsWith('spawn');
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** Reads a property without letting a throwing getter or proxy escape. */
function safeGet(target: object, key: string): unknown {
  try {
    return (target as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}
