import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ModelCacheError } from './errors.ts';
import { idProblem } from './key.ts';

export interface DownloadOptions {
  headers?: Record<string, string>;
  /** Expected SHA-256 of the body, hex. */
  sha256?: string;
  signal?: AbortSignal;
  fetch?: typeof fetch;
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

async function request(url: string | URL, options: DownloadOptions): Promise<Response> {
  try {
    return await (options.fetch ?? fetch)(url, { headers: options.headers, signal: options.signal });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ModelCacheError(
      'download_failed',
      `Could not download ${String(url)}; check the URL and network.`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Streams `url` into `file` (which must not exist) while counting and hashing the bytes,
 * then checks them against Content-Length and the expected SHA-256.
 */
export async function downloadToFile(
  url: string | URL,
  file: string,
  options: DownloadOptions,
): Promise<void> {
  const response = await request(url, options);
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new ModelCacheError(
      'download_failed',
      `Download of ${String(url)} answered HTTP ${response.status}; check the URL and its credentials.`,
      { status: response.status },
    );
  }
  const hash = createHash('sha256');
  let bytes = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  try {
    await pipeline(body, measure, createWriteStream(file, { flags: 'wx' }), { signal: options.signal });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ModelCacheError('download_failed', `Download of ${String(url)} broke off; try again.`, {
      cause: error,
    });
  }
  const length = expectedLength(response);
  if (length !== undefined && bytes !== length) {
    throw new ModelCacheError(
      'size_mismatch',
      `Download of ${String(url)} gave ${bytes} bytes but Content-Length said ${length}; the transfer was cut short.`,
    );
  }
  const digest = hash.digest('hex');
  if (options.sha256 !== undefined && digest !== options.sha256.toLowerCase()) {
    throw new ModelCacheError(
      'integrity_mismatch',
      `Download of ${String(url)} has SHA-256 ${digest}, expected ${options.sha256}; the file is corrupt or changed.`,
    );
  }
}
