import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ModelCacheError } from './errors.ts';
import { idProblem } from './key.ts';
import { urlWithoutQuery } from './version.ts';

/** Downloads larger than this are refused unless `maxBytes` says otherwise: 4 GiB. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 4 * 1024 ** 3;
/** A download that delivers no byte for this long is cut off: 60 s. */
export const DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS = 60_000;

export interface DownloadOptions {
  headers?: Record<string, string>;
  /** Expected SHA-256 of the body, hex. */
  sha256?: string;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Most bytes accepted (default 4 GiB); checked against Content-Length first, then while streaming. */
  maxBytes?: number;
  /** Longest pause between two pieces of the response, headers included (default 60 s). */
  idleTimeoutMs?: number;
  /** Names the model in error messages (e.g. `lib-1/model-1@version`). */
  label?: string;
}

/** What the server said about the downloaded file; recorded in the manifest. */
export interface DownloadSource {
  /** The URL without its query (a signed URL's query is a secret and no version). */
  url: string;
  etag?: string;
  lastModified?: string;
  sha256: string;
  bytes: number;
}

/** The file name a download is stored under: the URL's last path segment when it is a safe name. */
export function fileNameFromUrl(url: string | URL): string {
  try {
    const segment = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    return idProblem(segment) === undefined ? segment : 'model';
  } catch {
    return 'model';
  }
}

function expectedLength(response: Response): number | undefined {
  const encoding = response.headers.get('content-encoding');
  // fetch decodes compressed bodies, so Content-Length then counts other bytes than we see.
  if (encoding !== null && encoding !== 'identity') return undefined;
  const header = response.headers.get('content-length');
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header);
}

/** Aborts when the caller's signal does, or when nothing arrived for `idleMs`; `poke()` restarts the clock. */
class IdleGuard {
  readonly controller = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  timedOut = false;

  constructor(
    private readonly idleMs: number,
    private readonly outer: AbortSignal | undefined,
  ) {
    outer?.addEventListener('abort', this.#onOuterAbort, { once: true });
    if (outer?.aborted) this.#onOuterAbort();
    this.poke();
  }

  readonly #onOuterAbort = (): void => {
    this.controller.abort(this.outer?.reason);
  };

  poke(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error(`no data for ${this.idleMs} ms`));
    }, this.idleMs);
    this.#timer.unref?.();
  }

  close(): void {
    clearTimeout(this.#timer);
    this.outer?.removeEventListener('abort', this.#onOuterAbort);
  }
}

/**
 * Streams `url` into `file` (which must not exist) while counting and hashing the bytes,
 * then checks them against Content-Length and the expected SHA-256. Bounded: at most
 * `maxBytes`, and no pause longer than `idleTimeoutMs`; the caller's signal bounds the total.
 * Messages name the model (`label`) and the URL without its query.
 */
export async function downloadToFile(
  url: string | URL,
  file: string,
  options: DownloadOptions,
): Promise<DownloadSource> {
  const shown = urlWithoutQuery(url);
  const what = options.label === undefined ? shown : `model ${options.label} from ${shown}`;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  const guard = new IdleGuard(options.idleTimeoutMs ?? DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS, options.signal);
  const failure = (error: unknown, during: string): ModelCacheError | unknown => {
    if (options.signal?.aborted) return error;
    if (guard.timedOut) {
      return new ModelCacheError(
        'download_timeout',
        `Download of ${what} sent nothing for ${options.idleTimeoutMs ?? DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS} ms ${during}; check the storage server or raise idleTimeoutMs.`,
      );
    }
    if (error instanceof ModelCacheError) return error;
    return new ModelCacheError(
      'download_failed',
      `Download of ${what} ${during === 'before answering' ? 'could not start' : 'broke off'}; try again.`,
      {
        cause: redactedCause(error),
      },
    );
  };
  try {
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(url, {
        headers: options.headers,
        signal: guard.controller.signal,
      });
    } catch (error) {
      throw failure(error, 'before answering');
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel().catch(() => undefined);
      throw new ModelCacheError(
        'download_failed',
        `Download of ${what} answered HTTP ${response.status}; check the URL and its credentials.`,
        { status: response.status },
      );
    }
    const length = expectedLength(response);
    if (length !== undefined && length > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw tooLarge(what, `Content-Length says ${length} bytes`, maxBytes);
    }
    const hash = createHash('sha256');
    let bytes = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        guard.poke();
        bytes += chunk.length;
        if (bytes > maxBytes) {
          callback(tooLarge(what, `more than ${maxBytes} bytes arrived`, maxBytes));
          return;
        }
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    try {
      await pipeline(body, measure, createWriteStream(file, { flags: 'wx' }), {
        signal: guard.controller.signal,
      });
    } catch (error) {
      throw failure(error, 'while streaming');
    }
    if (length !== undefined && bytes !== length) {
      throw new ModelCacheError(
        'size_mismatch',
        `Download of ${what} gave ${bytes} bytes but Content-Length said ${length}; the transfer was cut short.`,
      );
    }
    const digest = hash.digest('hex');
    if (options.sha256 !== undefined && digest !== options.sha256.toLowerCase()) {
      throw new ModelCacheError(
        'integrity_mismatch',
        `Download of ${what} has SHA-256 ${digest}, expected ${options.sha256}; the file is corrupt or changed.`,
      );
    }
    const etag = response.headers.get('etag') ?? undefined;
    const lastModified = response.headers.get('last-modified') ?? undefined;
    return {
      url: shown,
      sha256: digest,
      bytes,
      ...(etag === undefined ? {} : { etag }),
      ...(lastModified === undefined ? {} : { lastModified }),
    };
  } finally {
    guard.close();
  }
}

function tooLarge(what: string, detail: string, maxBytes: number): ModelCacheError {
  return new ModelCacheError(
    'download_too_large',
    `Download of ${what} is too large (${detail}; the limit is ${maxBytes} bytes); raise maxBytes if the model really is that big.`,
  );
}

/**
 * undici's errors can quote the request URL (query included): keep the cause's kind and code
 * for debugging, never its text.
 */
function redactedCause(error: unknown): Error {
  const code =
    (error as { code?: unknown; cause?: { code?: unknown } } | undefined)?.code ??
    (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  const name = error instanceof Error ? error.name : 'Error';
  return Object.assign(new Error(`${name}${typeof code === 'string' ? ` ${code}` : ''}`), {
    ...(typeof code === 'string' ? { code } : {}),
  });
}
