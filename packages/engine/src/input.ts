import { failureReasonFromError, reasonForHttpStatus, redactUrl } from '@engine-kit/contracts';
import { EngineError } from './errors.ts';

/** How long reading a `cacheURI` may take; all in milliseconds. */
export interface InputTimeouts {
  /** From the call until the response headers arrive (connect, TLS and the server's first answer). */
  connectTimeoutMs: number;
  /** Longest wait for the next piece of the body (time the handler spends on a piece is not counted). */
  idleTimeoutMs: number;
  /** The whole read, headers and body. */
  totalTimeoutMs: number;
}

export const DEFAULT_INPUT_TIMEOUTS: Readonly<InputTimeouts> = Object.freeze({
  connectTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
  totalTimeoutMs: 3_600_000,
});

export interface OpenInputOptions extends Partial<InputTimeouts> {
  signal?: AbortSignal;
  /** Called with the size of every piece as it arrives (e.g. to count `bytesRead`). */
  onBytes?: (bytes: number) => void;
  headers?: Record<string, string>;
}

/**
 * Reads a `cacheURI` as it arrives: the body is yielded piece by piece while the toolkit is
 * still writing it, so a stream engine can start before the input is complete. Only `http:` and
 * `https:` URLs are read (a `file:` URL would let a client read the engine's disk), each within
 * the connect, idle and total timeouts.
 * @throws {EngineError} `input_failed` with a `failureReason` fitting the HTTP status, network error or timeout.
 */
export async function* openInputStream(
  url: string,
  options: OpenInputOptions = {},
): AsyncGenerator<Uint8Array> {
  const target = checkInputUrl(url);
  const timeouts = { ...DEFAULT_INPUT_TIMEOUTS, ...definedOnly(options) };
  const shown = redactUrl(target);
  const timeout = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
  const expire = (what: keyof InputTimeouts) => () =>
    timeout.abort(
      new EngineError('input_failed', `reading the input ${shown} timed out (${what} ${timeouts[what]} ms)`, {
        status: 504,
        failureReason: what === 'idleTimeoutMs' ? 'stream_read_error' : 'url_timeout',
      }),
    );
  const total = setTimeout(expire('totalTimeoutMs'), timeouts.totalTimeoutMs);
  const connect = setTimeout(expire('connectTimeoutMs'), timeouts.connectTimeoutMs);
  let idle: NodeJS.Timeout | undefined;
  try {
    let response: Response;
    try {
      response = await fetch(target, { signal, headers: options.headers });
    } catch (error) {
      throw timedOut(timeout.signal) ?? cannotRead(shown, error, options.signal);
    } finally {
      clearTimeout(connect);
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      throw new EngineError('input_failed', `cannot read the input ${shown}: HTTP ${response.status}`, {
        status: 502,
        failureReason: reasonForHttpStatus(response.status, 'url'),
      });
    }
    const reader = response.body.getReader();
    try {
      while (true) {
        idle = setTimeout(expire('idleTimeoutMs'), timeouts.idleTimeoutMs);
        let piece: ReadableStreamReadResult<Uint8Array>;
        try {
          piece = await reader.read();
        } catch (error) {
          throw (
            timedOut(timeout.signal) ??
            new EngineError('input_failed', `the input ${shown} broke off: ${(error as Error).message}`, {
              status: 502,
              failureReason: 'stream_read_error',
              cause: error,
            })
          );
        } finally {
          clearTimeout(idle);
        }
        if (piece.done) return;
        options.onBytes?.(piece.value.byteLength);
        yield piece.value;
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  } finally {
    clearTimeout(total);
    clearTimeout(connect);
    clearTimeout(idle);
  }
}

/** Only http(s): the reason names the scheme, never the rest of the URL. */
function checkInputUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EngineError('input_failed', 'cacheURI is not a valid URL', {
      status: 400,
      failureReason: 'invalid_data',
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new EngineError(
      'input_failed',
      `cacheURI must be an http:// or https:// URL; the scheme ${parsed.protocol} is not read`,
      { status: 400, failureReason: 'url_not_allowed' },
    );
  }
  return parsed;
}

function timedOut(signal: AbortSignal): EngineError | undefined {
  return signal.aborted && signal.reason instanceof EngineError ? signal.reason : undefined;
}

function cannotRead(shown: string, error: unknown, signal: AbortSignal | undefined): EngineError {
  return new EngineError('input_failed', `cannot read the input ${shown}: ${(error as Error).message}`, {
    status: 502,
    failureReason: signal?.aborted ? 'stream_read_error' : failureReasonFromError(error, { target: 'url' }),
    cause: error,
  });
}

function definedOnly(options: Partial<InputTimeouts>): Partial<InputTimeouts> {
  const result: Partial<InputTimeouts> = {};
  for (const key of ['connectTimeoutMs', 'idleTimeoutMs', 'totalTimeoutMs'] as const) {
    const value = options[key];
    if (value !== undefined) result[key] = value;
  }
  return result;
}
