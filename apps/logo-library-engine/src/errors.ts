export type LogoEngineErrorCode =
  | 'download_failed'
  | 'download_not_found'
  | 'empty_library'
  | 'invalid_model'
  | 'model_unreadable';

export type LogoFailureReason =
  | 'url_error'
  | 'url_not_found'
  | 'invalid_data'
  | 'file_write_error'
  | 'system_error';

const REASONS: Record<LogoEngineErrorCode, LogoFailureReason> = {
  download_failed: 'url_error',
  download_not_found: 'url_not_found',
  empty_library: 'invalid_data',
  invalid_model: 'invalid_data',
  model_unreadable: 'system_error',
};

/** Errors of the logo engine with a stable code and the aiWARE failureReason it maps to. */
export class LogoEngineError extends Error {
  readonly code: LogoEngineErrorCode;
  readonly failureReason: LogoFailureReason;

  constructor(code: LogoEngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LogoEngineError';
    this.code = code;
    this.failureReason = REASONS[code];
  }
}
