/** Stable codes of every error the toolkit raises, so callers can branch without parsing messages. */
export type ToolkitErrorCode =
  | 'usage'
  | 'invalid_option'
  | 'chunk_not_found'
  | 'engine_start_failed'
  | 'engine_exited'
  | 'ready_timeout'
  | 'ready_shutdown'
  | 'redis_error'
  | 'redis_protocol_error'
  | 'aborted';

export class ToolkitError extends Error {
  readonly code: ToolkitErrorCode;

  constructor(code: ToolkitErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ToolkitError';
    this.code = code;
  }
}
