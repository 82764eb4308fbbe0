import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type SourceErrorCode =
  | 'source_not_found'
  | 'source_http_error'
  | 'source_unreachable'
  | 'source_read_failed';
export type SourceFailureReason =
  | 'url_not_found'
  | 'url_error'
  | 'url_connection_refused'
  | 'stream_read_error';

const REASONS: Record<SourceErrorCode, SourceFailureReason> = {
  source_not_found: 'url_not_found',
  source_http_error: 'url_error',
  source_unreachable: 'url_connection_refused',
  source_read_failed: 'stream_read_error',
};

/** The input stream (`cacheURI`) could not be opened or read. */
export class SourceError extends Error {
  readonly code: SourceErrorCode;
  readonly failureReason: SourceFailureReason;

  constructor(code: SourceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SourceError';
    this.code = code;
    this.failureReason = REASONS[code];
  }
}

export interface OpenSourceOptions {
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

async function* readFile(path: string, signal?: AbortSignal): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of createReadStream(path, { signal })) yield chunk as Buffer;
  } catch (cause) {
    const code =
      (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'source_not_found' : 'source_read_failed';
    throw new SourceError(code, `Cannot read input file ${path}: ${(cause as Error).message}`, { cause });
  }
}

async function* readHttp(url: string, options: OpenSourceOptions): AsyncIterable<Uint8Array> {
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, options.signal ? { signal: options.signal } : {});
  } catch (cause) {
    throw new SourceError(
      'source_unreachable',
      `Cannot connect to the input stream ${url}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  if (!response.ok || !response.body) {
    const code = response.status === 404 ? 'source_not_found' : 'source_http_error';
    throw new SourceError(code, `The input stream ${url} answered HTTP ${response.status}.`);
  }
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } catch (cause) {
    throw new SourceError(
      'source_read_failed',
      `Reading the input stream ${url} failed: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  } finally {
    reader.releaseLock();
  }
}

/**
 * Streams the bytes of `cacheURI` as they arrive: `http(s):` through fetch, `file:` URLs and
 * plain paths from disk (the toolkit may hand either).
 */
export function openSource(uri: string, options: OpenSourceOptions = {}): AsyncIterable<Uint8Array> {
  if (/^https?:/i.test(uri)) return readHttp(uri, options);
  return readFile(uri.startsWith('file:') ? fileURLToPath(uri) : uri, options.signal);
}
