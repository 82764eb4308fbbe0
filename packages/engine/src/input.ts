import { failureReasonFromError, reasonForHttpStatus } from '@engine-kit/contracts';
import { redactUrl } from './common/url.ts';
import { EngineError } from './errors.ts';

export interface OpenInputOptions {
  signal?: AbortSignal;
  /** Called with the size of every piece as it arrives (e.g. to count `bytesRead`). */
  onBytes?: (bytes: number) => void;
  headers?: Record<string, string>;
}

/**
 * Reads a `cacheURI` as it arrives: the body is yielded piece by piece while the toolkit is
 * still writing it, so a stream engine can start before the input is complete.
 * @throws {EngineError} `input_failed` with a `failureReason` fitting the HTTP status or network error.
 */
export async function* openInputStream(
  url: string,
  options: OpenInputOptions = {},
): AsyncGenerator<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal: options.signal, headers: options.headers });
  } catch (error) {
    throw new EngineError(
      'input_failed',
      `cannot read the input ${redactUrl(url)}: ${(error as Error).message}`,
      {
        status: 502,
        failureReason: options.signal?.aborted
          ? 'stream_read_error'
          : failureReasonFromError(error, { target: 'url' }),
        cause: error,
      },
    );
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    throw new EngineError(
      'input_failed',
      `cannot read the input ${redactUrl(url)}: HTTP ${response.status}`,
      {
        status: 502,
        failureReason: reasonForHttpStatus(response.status, 'url'),
      },
    );
  }
  const reader = response.body.getReader();
  try {
    while (true) {
      let piece: ReadableStreamReadResult<Uint8Array>;
      try {
        piece = await reader.read();
      } catch (error) {
        throw new EngineError(
          'input_failed',
          `the input ${redactUrl(url)} broke off: ${(error as Error).message}`,
          {
            status: 502,
            failureReason: 'stream_read_error',
            cause: error,
          },
        );
      }
      if (piece.done) return;
      options.onBytes?.(piece.value.byteLength);
      yield piece.value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
