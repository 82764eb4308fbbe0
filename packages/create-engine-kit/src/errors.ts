/** Stable codes of everything the scaffolder refuses or fails at. */
export type CreateEngineKitErrorCode =
  | 'usage'
  | 'invalid_option'
  | 'invalid_name'
  | 'target_not_empty'
  | 'target_not_directory'
  | 'install_failed';

/** An error a person can act on: `code` is stable, `message` says what to do. */
export class CreateEngineKitError extends Error {
  readonly code: CreateEngineKitErrorCode;

  constructor(code: CreateEngineKitErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CreateEngineKitError';
    this.code = code;
  }
}
