import { randomBytes } from 'node:crypto';
import { request } from 'node:http';

/**
 * A byte-faithful reproduction of the open-source Go Engine Toolkit's `/process` request, written
 * from reading its source (`engine/webhooks.go` of laurencamblackburn/engine-toolkit, and the
 * newer version that adds `chunkUUID`) and Go's `mime/multipart` writer:
 *
 * - fields in this order, each written even when empty (`libraryId` ""), integers in decimal;
 * - a part is `--B\r\n` (the first) or `\r\n--B\r\n`, then `Content-Disposition: form-data;
 *   name="…"` (plus `; filename="…"` and `Content-Type: application/octet-stream` for the file),
 *   a blank line, and the bytes; the form ends with `\r\n--B--\r\n`;
 * - the boundary is 30 random bytes in hex; the file `chunk` named `chunk.data` comes last and
 *   only when there is a `cacheURI` (Go downloads it from there);
 * - no `internalJobId`, `internalTaskId`, webhooks or directories;
 * - headers as Go's client writes them: Host, User-Agent, Content-Length, Content-Type,
 *   Accept-Encoding: gzip.
 */
export interface GoMediaChunk {
  mimeType: string;
  /** The newer toolkit writes it right after `chunkMimeType`; the older one has no such field. */
  chunkUUID?: string;
  chunkIndex?: number;
  startOffsetMS?: number;
  endOffsetMS?: number;
  width?: number;
  height?: number;
  /** Go reads these four from the task payload and writes "" when they are absent. */
  libraryId?: string;
  libraryEngineModelId?: string;
  veritoneApiBaseUrl?: string;
  token?: string;
  cacheURI: string;
  /** The task payload as raw JSON text: `null` for an absent payload, or "" for none at all. */
  payload: string;
  /** The bytes Go downloaded from `cacheURI`. */
  chunk?: Uint8Array;
  /** Fields a newer toolkit appends (e.g. heartbeatWebhook), after the Go fields, before the file. */
  extraFields?: [string, string][];
}

export const GO_USER_AGENT_OLD = 'veritone-engine-toolkit/1.0';
export const GO_USER_AGENT = 'veritone-engine-toolkit';

/** Go's `escapeQuotes` for Content-Disposition parameters. */
function escapeQuotes(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
}

export function goBoundary(): string {
  return randomBytes(30).toString('hex');
}

/** The fields of `newRequestFromMediaChunk`, in its order. */
export function goFields(chunk: GoMediaChunk): [string, string][] {
  const fields: [string, string][] = [['chunkMimeType', chunk.mimeType]];
  if (chunk.chunkUUID !== undefined) fields.push(['chunkUUID', chunk.chunkUUID]);
  fields.push(
    ['chunkIndex', String(chunk.chunkIndex ?? 0)],
    ['startOffsetMS', String(chunk.startOffsetMS ?? 0)],
    ['endOffsetMS', String(chunk.endOffsetMS ?? 0)],
    ['width', String(chunk.width ?? 0)],
    ['height', String(chunk.height ?? 0)],
    ['libraryId', chunk.libraryId ?? ''],
    ['libraryEngineModelId', chunk.libraryEngineModelId ?? ''],
    ['cacheURI', chunk.cacheURI],
    ['veritoneApiBaseUrl', chunk.veritoneApiBaseUrl ?? ''],
    ['token', chunk.token ?? ''],
    ['payload', chunk.payload],
    ...(chunk.extraFields ?? []),
  );
  return fields;
}

/** The multipart body exactly as Go's `multipart.Writer` writes it. */
export function goMultipartBody(chunk: GoMediaChunk, boundary: string): Buffer {
  const parts: Buffer[] = [];
  let first = true;
  const open = (headers: string[]) => {
    parts.push(
      Buffer.from(`${first ? '' : '\r\n'}--${boundary}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`),
    );
    first = false;
  };
  for (const [name, value] of goFields(chunk)) {
    open([`Content-Disposition: form-data; name="${escapeQuotes(name)}"`]);
    parts.push(Buffer.from(value, 'utf8'));
  }
  if (chunk.cacheURI !== '' && chunk.chunk) {
    open([
      `Content-Disposition: form-data; name="chunk"; filename="chunk.data"`,
      'Content-Type: application/octet-stream',
    ]);
    parts.push(Buffer.from(chunk.chunk));
  }
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

export interface GoResponse {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** POSTs the request with Go's header set and order. */
export function sendGoProcessRequest(
  processUrl: string,
  chunk: GoMediaChunk,
  options: { userAgent?: string; boundary?: string; timeoutMs?: number } = {},
): Promise<GoResponse> {
  const boundary = options.boundary ?? goBoundary();
  const body = goMultipartBody(chunk, boundary);
  const url = new URL(processUrl);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        method: 'POST',
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        setHost: false,
        headers: [
          'Host',
          url.host,
          'User-Agent',
          options.userAgent ?? GO_USER_AGENT,
          'Content-Length',
          String(body.length),
          'Content-Type',
          `multipart/form-data; boundary=${boundary}`,
          'Accept-Encoding',
          'gzip',
        ],
        timeout: options.timeoutMs ?? 60_000,
      },
      async (response) => {
        const chunks: Buffer[] = [];
        for await (const part of response) chunks.push(part as Buffer);
        resolve({
          status: response.statusCode ?? 0,
          contentType: response.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        });
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('the engine did not answer in time')));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
