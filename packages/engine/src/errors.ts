import type { FailureReason } from '@engine-kit/contracts';

/** Stable codes of the errors the engine runtime answers with or throws. */
export type EngineErrorCode =
  | 'invalid_multipart'
  | 'invalid_request'
  | 'unsupported_media_type'
  | 'field_too_large'
  | 'too_many_fields'
  | 'file_too_large'
  | 'unexpected_file'
  | 'chunk_not_saved'
  | 'body_too_large'
  | 'body_timeout'
  | 'header_timeout'
  | 'request_timeout'
  | 'invalid_http'
  | 'not_found'
  | 'method_not_allowed'
  | 'not_ready'
  | 'shutting_down'
  | 'busy'
  | 'unsupported_mode'
  | 'chunk_timeout'
  | 'handler_failed'
  | 'webhook_failed'
  | 'input_failed'
  | 'model_load_failed'
  | 'invalid_option';

export interface EngineErrorOptions {
  /** HTTP status the `/process` webhook answers with when this error ends a request. */
  status?: number;
  /** Heartbeat/task failure reason to report (see `@engine-kit/contracts` FAILURE_REASONS). */
  failureReason?: FailureReason;
  cause?: unknown;
}

/**
 * Every error the runtime produces, and the one an engine can throw to choose the
 * `/process` status and the reported `failureReason`:
 * `throw new EngineError('handler_failed', 'model rejected the image', { status: 422, failureReason: 'invalid_data' })`.
 */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly code: EngineErrorCode;
  readonly status: number;
  readonly failureReason: FailureReason | undefined;

  constructor(code: EngineErrorCode, message: string, options: EngineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? 500;
    this.failureReason = options.failureReason;
  }
}
