/** Stable machine-readable codes carried by every {@link ModelCacheError}. */
export type ModelCacheErrorCode =
  /** A `libraryId` or `libraryEngineModelId` cannot be used as a folder name. */
  | 'invalid_key'
  /** The caller's `signal` aborted while waiting or filling. */
  | 'aborted'
  /** `timeoutMs` elapsed before the model was published. */
  | 'timeout'
  /** The `fill` callback threw; nothing was published. */
  | 'fill_failed'
  /** `fill` left something the cache cannot publish (a symlink, or a file named like the manifest). */
  | 'invalid_fill'
  /** The model folder exists but was not published by this cache (no manifest). */
  | 'path_occupied'
  /** A download answered with a non-2xx status or broke off. */
  | 'download_failed'
  /** A download's byte count differs from its `Content-Length`. */
  | 'size_mismatch'
  /** A download's SHA-256 differs from the expected one. */
  | 'integrity_mismatch'
  /** A download was larger than `maxBytes`. */
  | 'download_too_large'
  /** A download delivered nothing for `idleTimeoutMs`. */
  | 'download_timeout';

/**
 * The one error class the cache throws. `code` is stable and meant for branching;
 * `message` says what to do about it; `cause` keeps the underlying error.
 */
export class ModelCacheError extends Error {
  override readonly name = 'ModelCacheError';
  readonly code: ModelCacheErrorCode;
  /** The HTTP status of a failed download, when there was a response. */
  readonly status?: number;

  constructor(code: ModelCacheErrorCode, message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options?.status !== undefined) this.status = options.status;
  }
}
