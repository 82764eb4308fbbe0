import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Reads a whole request body; bodies of webhooks and redisET values are small. */
export async function readBody(request: IncomingMessage, limitBytes = 64 * 1024 * 1024): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of request) {
    const buffer = part as Buffer;
    size += buffer.length;
    if (size > limitBytes) throw new RangeError(`request body exceeds ${limitBytes} bytes`);
    parts.push(buffer);
  }
  return Buffer.concat(parts);
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
