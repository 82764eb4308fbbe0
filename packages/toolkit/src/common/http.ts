import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RequestError } from './errors.ts';

/** Default bound on a webhook or redisET request body. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * Reads a whole request body (webhooks, redisET values). Over `limitBytes` it stops reading and
 * throws a 413 `RequestError`; the request is left paused for `sendError` to close the connection.
 */
export function readBody(request: IncomingMessage, limitBytes = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes)
    return Promise.reject(tooLarge(limitBytes, declared));
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
    };
    const onData = (part: Buffer) => {
      size += part.length;
      if (size > limitBytes) {
        cleanup();
        request.pause();
        parts.length = 0;
        reject(tooLarge(limitBytes));
        return;
      }
      parts.push(part);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(parts));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
  });
}

function tooLarge(limitBytes: number, declared?: number): RequestError {
  return new RequestError(
    413,
    'body_too_large',
    `request body ${declared === undefined ? 'exceeds' : `of ${declared} bytes exceeds`} the limit of ${limitBytes} bytes`,
  );
}

export function sendText(
  response: ServerResponse,
  status: number,
  text = '',
  contentType = 'text/plain; charset=utf-8',
) {
  response.statusCode = status;
  if (text.length > 0) response.setHeader('content-type', contentType);
  response.end(text);
}

export function sendJson(response: ServerResponse, status: number, value: unknown) {
  sendText(response, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

/** How long a refused request's remaining body is read and discarded before the socket is closed. */
const LINGER_MS = 2000;

/**
 * Answers an error: a `RequestError` with its 4xx status and `{ error, code }`, bad
 * percent-encoding with 400, anything else with 500. When the body was not read to its end, the
 * answer says `connection: close` and the socket is closed shortly after, so a keep-alive
 * connection never stays half-read.
 */
export function sendError(
  request: IncomingMessage,
  response: ServerResponse,
  error: unknown,
  context = 'internal error',
) {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (!request.complete) closeAfterAnswer(request, response);
  if (error instanceof RequestError)
    return sendJson(response, error.status, { error: error.message, code: error.code });
  if (error instanceof URIError)
    return sendJson(response, 400, {
      error: 'the request path is not valid percent-encoding',
      code: 'bad_percent_encoding',
    });
  sendText(response, 500, `${context}: ${(error as Error)?.message ?? String(error)}`);
}

/**
 * Ends a connection whose request body was not read to the end. Node closes a `connection: close`
 * answer with `socket.destroySoon()`, which resets the connection while the client is still
 * sending, and a reset can discard the answer before the client reads it. Instead the socket
 * lingers: FIN is sent, the rest of the body is read and dropped, and the socket is destroyed when
 * the client closes or after `LINGER_MS`.
 */
function closeAfterAnswer(request: IncomingMessage, response: ServerResponse) {
  response.setHeader('connection', 'close');
  request.resume();
  const socket = request.socket;
  socket.destroySoon = () => {
    socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };
}

/** The request target as a URL; a target `new URL` refuses (`//[`) is a 400, not an uncaught throw. */
export function requestUrl(request: IncomingMessage): URL {
  try {
    return new URL(request.url ?? '/', 'http://localhost');
  } catch (error) {
    throw new RequestError(400, 'bad_request_target', 'the request target is not a valid path', {
      cause: error,
    });
  }
}

/** `decodeURIComponent` that refuses bad percent-encoding with a 400 instead of throwing URIError. */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch (error) {
    throw new RequestError(400, 'bad_percent_encoding', 'the request path is not valid percent-encoding', {
      cause: error,
    });
  }
}

/** Listens on the given host/port (0 = any free port) and returns the base URL. */
export function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address() as AddressInfo;
      resolve(`http://${formatHost(host)}:${address.port}`);
    });
  });
}

function formatHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Closes a server including its idle keep-alive sockets, so tests never wait for timeouts. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export function isJsonContentType(contentType: string | null | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

export function isMultipartContentType(contentType: string | null | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'multipart/form-data';
}
