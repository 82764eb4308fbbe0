/** Stable codes of every error the toolkit raises, so callers can branch without parsing messages. */
export type ToolkitErrorCode =
  | 'usage'
  | 'invalid_option'
  | 'invalid_id'
  | 'chunk_not_found'
  | 'engine_start_failed'
  | 'engine_exited'
  | 'ready_timeout'
  | 'ready_shutdown'
  | 'redis_error'
  | 'redis_protocol_error'
  | 'aborted'
  | ProcessCallErrorCode
  | RequestErrorCode;

/** Why a `/process` call got no usable answer (the call is then retried like a lost connection). */
export type ProcessCallErrorCode = 'response_too_large' | 'response_aborted' | 'chunk_changed';

/** Why a request to one of the toolkit's servers was refused (each maps to a 4xx status). */
export type RequestErrorCode =
  | 'body_too_large'
  | 'file_too_large'
  | 'field_too_large'
  | 'too_many_files'
  | 'too_many_fields'
  | 'unexpected_file'
  | 'bad_percent_encoding'
  | 'bad_request_target'
  | 'malformed_multipart'
  | 'unsupported_media_type'
  | 'invalid_field'
  | 'host_not_allowed'
  | 'origin_not_allowed';

export class ToolkitError extends Error {
  readonly code: ToolkitErrorCode;

  constructor(code: ToolkitErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ToolkitError';
    this.code = code;
  }
}

/** A request refused with a 4xx status; `sendError` answers it as `{ error, code }`. */
export class RequestError extends ToolkitError {
  readonly status: number;

  constructor(status: number, code: RequestErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'RequestError';
    this.status = status;
  }
}
