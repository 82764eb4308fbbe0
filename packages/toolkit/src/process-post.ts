import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { Agent, type ClientRequest, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';
import { ToolkitError } from './common/errors.ts';

/**
 * The `/process` POST, as the Go Engine Toolkit sends it: a `multipart/form-data` body with every
 * field as a text part and the chunk last as the file `chunk.data` (`application/octet-stream`),
 * with a `content-length` (engines on small servers, Flask's among them, want one).
 *
 * This is written on `node:http` rather than `fetch` + `FormData` because the toolkit posts one
 * request per chunk and the undici path costs three to five times as much CPU per small request
 * (measured in `bench/index.ts`: 18 fields and a 64×36 PNG to a trivial engine, ~850/s with
 * fetch against ~2,500/s here at concurrency 1, ~880/s against ~5,500/s at 4). The encoding is the
 * few lines of RFC 7578 that Go's `mime/multipart` writes.
 */
export interface ProcessFile {
  path: string;
  filename: string;
  contentType: string;
  /** What `readChunkFile` read: the size, and the bytes themselves when the file is small. */
  content: ChunkContent;
}

export interface ChunkContent {
  size: number;
  /** The whole file, when at most `INLINE_FILE_BYTES`: sent from memory on every attempt. */
  data?: Buffer;
}

export interface ProcessAnswer {
  status: number;
  contentType: string | null;
  body: string;
}

/** A chunk this small is read once, kept and sent in one write; larger ones are streamed from disk. */
export const INLINE_FILE_BYTES = 1024 * 1024;

/** Bound on a `/process` answer's body: past it the call fails (and is retried) instead of filling memory. */
export const MAX_PROCESS_RESPONSE_BYTES = 64 * 1024 * 1024;

/** Keep-alive agents for the toolkit's calls to one engine; `destroy()` closes their idle sockets. */
export interface ProcessAgents {
  http: Agent;
  https: HttpsAgent;
  destroy(): void;
}

export function createProcessAgents(): ProcessAgents {
  const http = new Agent({ keepAlive: true });
  const https = new HttpsAgent({ keepAlive: true });
  return {
    http,
    https,
    destroy() {
      http.destroy();
      https.destroy();
    },
  };
}

const NEEDS_ESCAPING = /[\\"\r\n]/;

/**
 * A part header's quoted name: `"` and `\` are escaped with a backslash as Go's `mime/multipart`
 * does, and CR/LF (which would end the header) are percent-encoded as browsers do.
 */
function quoted(name: string): string {
  if (!NEEDS_ESCAPING.test(name)) return `"${name}"`;
  return `"${name.replace(/[\\"]/g, '\\$&').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;
}

/**
 * A boundary as long as Go's `mime/multipart` one (60 hex digits): 26 random bytes drawn once per
 * process and a counter, so no two requests share one and no request pays for fresh randomness.
 */
const BOUNDARY_PREFIX = randomBytes(26).toString('hex');
let boundaryCount = 0;
function newBoundary(): string {
  boundaryCount = (boundaryCount + 1) % 0x1_0000_0000;
  return `${BOUNDARY_PREFIX}${boundaryCount.toString(16).padStart(8, '0')}`;
}

/** The text parts and the file part's header (all before the file), and what follows the file. */
export function encodeMultipartEnvelope(
  fields: Record<string, string>,
  file: Pick<ProcessFile, 'filename' | 'contentType'> | undefined,
  boundary: string = newBoundary(),
): { contentType: string; head: Buffer; tail: Buffer } {
  let head = '';
  for (const [name, value] of Object.entries(fields))
    head += `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(name)}\r\n\r\n${value}\r\n`;
  if (file) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="chunk"; filename=${quoted(file.filename)}\r\n`;
    head += `Content-Type: ${file.contentType}\r\n\r\n`;
  }
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    head: Buffer.from(head, 'utf8'),
    tail: Buffer.from(`${file ? '\r\n' : ''}--${boundary}--\r\n`, 'utf8'),
  };
}

export interface PostProcessOptions {
  agents: ProcessAgents;
  userAgent: string;
  signal: AbortSignal;
}

/**
 * POSTs the fields (and the chunk file) to `/process` and reads the whole answer, bounded by
 * `MAX_PROCESS_RESPONSE_BYTES`. A keep-alive socket the engine closed while idle is retried once on
 * a connection of its own (outside the pool, whose other idle sockets may be just as stale), since
 * the request never reached the engine (Node's documented `reusedSocket` pattern).
 */
export async function postProcessForm(
  url: string,
  fields: Record<string, string>,
  file: ProcessFile | undefined,
  options: PostProcessOptions,
): Promise<ProcessAnswer> {
  const body = bodyParts(fields, file);
  try {
    return await send(url, body, options);
  } catch (error) {
    if (!(error instanceof StaleSocketError)) throw error;
    return await send(url, body, options, true);
  }
}

interface BodyParts {
  contentType: string;
  head: Buffer;
  /** The whole file when small (one write), else its path and size (streamed). */
  file: Buffer | { path: string; size: number } | undefined;
  tail: Buffer;
  length: number;
}

function bodyParts(fields: Record<string, string>, file: ProcessFile | undefined): BodyParts {
  const envelope = encodeMultipartEnvelope(fields, file);
  const fixed = envelope.head.length + envelope.tail.length;
  if (!file) return { ...envelope, file: undefined, length: fixed };
  const { size, data } = file.content;
  return { ...envelope, file: data ?? { path: file.path, size }, length: fixed + size };
}

/**
 * Opens the chunk once: its size, and its bytes when small (they serve the image-size reading and
 * every attempt's body). `undefined` when there is no such regular file.
 *
 * Synchronous on purpose: the file is local and at most `INLINE_FILE_BYTES` is read, while each
 * asynchronous step (open, stat, read, close) is a round trip through libuv's thread pool. Those four
 * trips were about a fifth of a chunk's time at concurrency 1 in `bench/index.ts`.
 */
export function readChunkFile(path: string): ChunkContent | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return undefined;
    if (info.size > INLINE_FILE_BYTES) return { size: info.size };
    const data = Buffer.allocUnsafe(info.size);
    let read = 0;
    while (read < info.size) {
      const bytesRead = readSync(fd, data, read, info.size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return { size: read, data: data.subarray(0, read) };
  } finally {
    closeSync(fd);
  }
}

class StaleSocketError extends Error {}

function send(
  url: string,
  body: BodyParts,
  options: PostProcessOptions,
  freshSocket = false,
): Promise<ProcessAnswer> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  // `agent: false`: a new connection, closed after this request.
  const agent = freshSocket ? false : secure ? options.agents.https : options.agents.http;
  return new Promise((resolve, reject) => {
    let answered = false;
    const request: ClientRequest = (secure ? httpsRequest : httpRequest)(target, {
      method: 'POST',
      agent,
      signal: options.signal,
      headers: {
        'content-type': body.contentType,
        'content-length': String(body.length),
        'user-agent': options.userAgent,
      },
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) return;
      // A pooled socket that the engine had already closed: nothing of this request was processed.
      if (request.reusedSocket && !freshSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE'))
        reject(new StaleSocketError(error.message));
      else reject(error);
    });
    request.on('response', (response: IncomingMessage) => {
      answered = true;
      readAnswer(response).then(resolve, reject);
    });
    writeBody(request, body).catch((error: Error) => request.destroy(error));
  });
}

async function writeBody(request: ClientRequest, body: BodyParts): Promise<void> {
  if (body.file === undefined || Buffer.isBuffer(body.file)) {
    request.end(
      body.file ? Buffer.concat([body.head, body.file, body.tail]) : Buffer.concat([body.head, body.tail]),
    );
    return;
  }
  request.write(body.head);
  let sent = 0;
  const file = createReadStream(body.file.path, { end: body.file.size - 1 });
  file.on('data', (part) => {
    sent += part.length;
  });
  await pipeline(file, request, { end: false });
  if (sent !== body.file.size)
    throw new ToolkitError(
      'chunk_changed',
      `the chunk file changed size while it was sent (${sent} of ${body.file.size} bytes)`,
    );
  request.end(body.tail);
}

function readAnswer(response: IncomingMessage): Promise<ProcessAnswer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => {
      // Rejected first: destroying the answer then reports its own (later, ignored) abort.
      reject(
        new ToolkitError(
          'response_too_large',
          `the /process answer exceeds ${MAX_PROCESS_RESPONSE_BYTES} bytes; the toolkit does not read it`,
        ),
      );
      response.destroy();
    };
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_PROCESS_RESPONSE_BYTES) return tooLarge();
    const parts: Buffer[] = [];
    let size = 0;
    let refused = false;
    response.on('data', (part: Buffer) => {
      if (refused) return;
      size += part.length;
      if (size <= MAX_PROCESS_RESPONSE_BYTES) {
        parts.push(part);
        return;
      }
      refused = true;
      parts.length = 0;
      tooLarge();
    });
    // An answer cut off mid-body ends with an error ('aborted', ECONNRESET), never with 'end'.
    response.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ECONNRESET'
          ? new ToolkitError('response_aborted', 'the engine closed the connection mid-answer')
          : error,
      ),
    );
    response.on('end', () => {
      resolve({
        status: response.statusCode ?? 0,
        contentType: response.headers['content-type'] ?? null,
        // As `Response.text()`: UTF-8, a leading byte-order mark dropped.
        body: new TextDecoder().decode(parts.length === 1 ? parts[0] : Buffer.concat(parts)),
      });
    });
  });
}
