import { connect } from 'node:net';
import { buildProcessForm, type ProcessRequestInput } from '@engine-kit/contracts';

/** A 1x1 PNG: a realistic small image chunk. */
export const PNG_CHUNK = Uint8Array.from(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  ),
);

export interface HttpAnswer {
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  text: string;
}

export function baseRequest(overrides: Partial<ProcessRequestInput> = {}): ProcessRequestInput {
  return {
    internalJobId: 'job-1',
    internalTaskId: 'task-1',
    chunkMimeType: 'image/png',
    startOffsetMS: 0,
    endOffsetMS: 1000,
    payload: {},
    ...overrides,
  };
}

/** POSTs a `/process` form the way the toolkit does: contracts' `buildProcessForm` over real HTTP. */
export async function postProcess(
  url: string,
  request: ProcessRequestInput,
  chunk: Uint8Array | undefined = PNG_CHUNK,
): Promise<HttpAnswer> {
  const form = buildProcessForm(request, chunk ? { data: chunk, filename: 'chunk.png' } : undefined);
  return answer(await fetch(url, { method: 'POST', body: form }));
}

export async function answer(response: Response): Promise<HttpAnswer> {
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    retryAfter: response.headers.get('retry-after'),
    text: await response.text(),
  };
}

export async function get(url: string): Promise<HttpAnswer> {
  return answer(await fetch(url));
}

/** Sends raw bytes over a TCP socket and returns everything the server answers before closing. */
export function rawExchange(
  url: string,
  pieces: Array<{ data: string; delayMs?: number }>,
  timeoutMs = 10_000,
): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms; got ${JSON.stringify(received)}`));
    }, timeoutMs);
    socket.on('data', (data) => {
      received += data.toString('utf8');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('connect', async () => {
      for (const piece of pieces) {
        if (piece.delayMs) await new Promise((r) => setTimeout(r, piece.delayMs));
        if (socket.destroyed) return;
        socket.write(piece.data);
      }
    });
  });
}

/** A multipart body written by hand, for requests a well-behaved client never sends. */
export function multipartBody(
  boundary: string,
  parts: Array<{ name: string; value: string; filename?: string }>,
): string {
  const lines: string[] = [];
  for (const part of parts) {
    lines.push(`--${boundary}`);
    lines.push(
      part.filename === undefined
        ? `Content-Disposition: form-data; name="${part.name}"`
        : `Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: application/octet-stream`,
    );
    lines.push('', part.value);
  }
  lines.push(`--${boundary}--`, '');
  return lines.join('\r\n');
}
