export type CoreEmulatorErrorCode = 'invalid_seed' | 'invalid_options' | 'listen_failed';

/** A start-up problem of the emulator, with a stable `code` and a message that says what to fix. */
export class CoreEmulatorError extends Error {
  readonly code: CoreEmulatorErrorCode;
  constructor(code: CoreEmulatorErrorCode, message: string) {
    super(message);
    this.name = 'CoreEmulatorError';
    this.code = code;
  }
}
