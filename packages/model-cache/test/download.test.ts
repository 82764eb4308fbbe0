import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelCache, ModelCacheError } from '../src/index.ts';
import { modelBytes } from './helpers/model-bytes.ts';
import { entriesOf, makeTempRoot } from './helpers/temp.ts';

const key = { libraryId: 'library-1', libraryEngineModelId: 'model-1' };
const body = modelBytes(300_000);
const bodySha = createHash('sha256').update(body).digest('hex');

let server: Server;
let baseUrl: string;
let requests: { url: string; headers: IncomingHttpHeaders }[];
const cleanups: (() => void)[] = [];

beforeEach(async () => {
  requests = [];
  server = createServer((request, response) => {
    requests.push({ url: request.url ?? '', headers: request.headers });
    if (request.url?.startsWith('/models/')) {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      response.end(body);
      return;
    }
    response.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function newCache() {
  const temp = makeTempRoot();
  cleanups.push(temp.cleanup);
  return { ...temp, cache: new ModelCache({ root: temp.root, lockStaleMs: 1_000 }) };
}

async function rejection(promise: Promise<unknown>): Promise<ModelCacheError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ModelCacheError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('ensureFromUrl', () => {
  it('downloads once under the URL file name, sending the headers, then serves hits from disk', async () => {
    const { cache } = newCache();
    const url = `${baseUrl}/models/weights.onnx?X-Amz-Signature=abc`;
    const headers = { authorization: 'Bearer token-1' };
    const first = await cache.ensureFromUrl(key, url, { headers, sha256: bodySha.toUpperCase() });
    const second = await cache.ensureFromUrl(key, url, { headers });

    expect(first).toEqual({ dir: cache.path(key), hit: false, file: join(cache.path(key), 'weights.onnx') });
    expect(second).toEqual({ ...first, hit: true });
    expect(readFileSync(first.file).equals(body)).toBe(true);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.headers.authorization).toBe('Bearer token-1');
    expect((await cache.verify(key)).manifest?.files).toEqual([
      { path: 'weights.onnx', size: body.length, sha256: bodySha },
    ]);
  });

  it('uses fileName when given and "model" when the URL has no usable name', async () => {
    const { cache } = newCache();
    const named = await cache.ensureFromUrl(key, `${baseUrl}/models/x`, { fileName: 'custom.bin' });
    expect(named.file).toBe(join(cache.path(key), 'custom.bin'));
    const other = { libraryId: 'library-1', libraryEngineModelId: 'model-2' };
    const unnamed = await cache.ensureFromUrl(other, `${baseUrl}/models/`);
    expect(unnamed.file).toBe(join(cache.path(other), 'model'));
  });

  it('publishes nothing when the SHA-256 differs', async () => {
    const { cache, root } = newCache();
    const error = await rejection(
      cache.ensureFromUrl(key, `${baseUrl}/models/w.bin`, { sha256: '00'.repeat(32) }),
    );
    expect(error.code).toBe('integrity_mismatch');
    expect(error.message).toContain(bodySha);
    expect(await cache.has(key)).toBe(false);
    expect(entriesOf(join(root, '.model-cache', 'staging'))).toEqual([]);
  });

  it('fails with download_failed and the HTTP status on a non-2xx answer', async () => {
    const { cache } = newCache();
    const error = await rejection(cache.ensureFromUrl(key, `${baseUrl}/missing.bin`));
    expect(error).toMatchObject({ code: 'download_failed', status: 404 });
    expect(await cache.has(key)).toBe(false);
  });

  it('fails with download_failed when nothing listens', async () => {
    const { cache } = newCache();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await rejection(cache.ensureFromUrl(key, `http://127.0.0.1:${port}/models/w.bin`));
    expect(error.code).toBe('download_failed');
  });

  it('fails with size_mismatch when fewer bytes arrive than Content-Length announced', async () => {
    const { cache } = newCache();
    // A real server cannot make fetch deliver a short body without erroring, so the response is built here.
    const shortFetch: typeof fetch = async () =>
      new Response(new Uint8Array(body.subarray(0, 1_000)), {
        headers: { 'content-length': String(body.length) },
      });
    const error = await rejection(cache.ensureFromUrl(key, 'http://127.0.0.1/w.bin', { fetch: shortFetch }));
    expect(error.code).toBe('size_mismatch');
    expect(await cache.has(key)).toBe(false);
  });
});
