/**
 * Hostile input for the model cache (issue 11, point 22, and the secrets of point 19): hostile
 * servers (huge, endless, stalled, failing answers to signed URLs), a filler that hangs, and ids
 * that only look like path escapes. Key validation against real escapes is in `keys.test.ts`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
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
const cleanups: (() => void)[] = [];

beforeEach(async () => {
  server = createServer((request, response) => {
    if (request.url?.startsWith('/chunked/')) {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.write(body.subarray(0, 100_000));
      response.end(body.subarray(100_000));
      return;
    }
    if (request.url?.startsWith('/stall/')) {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      response.write(body.subarray(0, 1_000));
      return;
    }
    if (request.url?.startsWith('/fail/')) {
      response.writeHead(500).end('boom');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
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

describe('hostile downloads and secrets', () => {
  const signed = '?X-Amz-Signature=very-secret-signature&X-Amz-Credential=AKIA-secret';

  it('refuses a download whose Content-Length exceeds maxBytes, before reading it', async () => {
    const { cache, root } = newCache();
    const error = await rejection(
      cache.ensureFromUrl({ ...key, version: 'v1' }, `${baseUrl}/models/big.bin${signed}`, {
        maxBytes: 1_000,
      }),
    );
    expect(error.code).toBe('download_too_large');
    expect(error.message).toContain('library-1/model-1@v1');
    expect(error.message).not.toContain('secret');
    expect(await cache.has({ ...key, version: 'v1' })).toBe(false);
    expect(entriesOf(join(root, '.model-cache', 'staging'))).toEqual([]);
  });

  it('cuts off a download without Content-Length once it passes maxBytes', async () => {
    const { cache } = newCache();
    const error = await rejection(
      cache.ensureFromUrl(key, `${baseUrl}/chunked/m.bin${signed}`, { maxBytes: 150_000 }),
    );
    expect(error.code).toBe('download_too_large');
    expect(error.message).not.toContain('secret');
    const whole = await cache.ensureFromUrl(key, `${baseUrl}/chunked/m.bin`, { maxBytes: body.length });
    expect(readFileSync(whole.file).equals(body)).toBe(true);
  });

  it('fails with download_timeout when the server stops sending, and names no query', async () => {
    const { cache } = newCache();
    const error = await rejection(
      cache.ensureFromUrl(key, `${baseUrl}/stall/m.bin${signed}`, { idleTimeoutMs: 300, timeoutMs: 20_000 }),
    );
    expect(error.code).toBe('download_timeout');
    expect(error.message).toContain(`${baseUrl}/stall/m.bin?…`);
    expect(error.message).not.toContain('secret');
  });

  it('keeps the signed query out of HTTP and network failures, their causes included', async () => {
    const { cache } = newCache();
    const http = await rejection(cache.ensureFromUrl(key, `${baseUrl}/fail/m.bin${signed}`));
    expect(http).toMatchObject({ code: 'download_failed', status: 500 });
    const network = await rejection(cache.ensureFromUrl(key, `http://127.0.0.1:9/m.bin${signed}`));
    expect(network.code).toBe('download_failed');
    for (const error of [http, network]) {
      expect(error.message).toContain('library-1/model-1@unversioned');
      expect(`${error.message} ${String(error.cause)} ${JSON.stringify(error)}`).not.toContain('secret');
    }
  });

  it('records the URL without its query, the size and the SHA-256 in the manifest', async () => {
    const { cache } = newCache();
    const { dir } = await cache.ensureFromUrl(key, `${baseUrl}/models/w.bin${signed}`);
    const manifest = JSON.parse(readFileSync(join(dir, '.model-cache.json'), 'utf8'));
    expect(manifest.source).toEqual({
      url: `${baseUrl}/models/w.bin?…`,
      sha256: bodySha,
      bytes: body.length,
    });
    expect(manifest.modelVersion).toBe('unversioned');
  });
});

describe('hostile waits and ids', () => {
  it('ends a wait behind a fill that never finishes at waitTimeoutMs, with no timeout given', async () => {
    const temp = makeTempRoot();
    cleanups.push(temp.cleanup);
    const cache = new ModelCache({ root: temp.root, waitTimeoutMs: 300 });
    const error = await rejection(cache.ensure(key, () => new Promise<void>(() => undefined)));
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('300 ms');
  });

  it('accepts "..foo", "..." and ".." prefixes inside names as plain folder names', async () => {
    const { cache, root } = newCache();
    const dotty = { libraryId: '..foo', libraryEngineModelId: '...', version: '..v1' };
    const { dir } = await cache.ensure(dotty, () => undefined);
    expect(dir).toBe(join(root, '..foo', '...', 'versions', '..v1'));
    expect(entriesOf(root)).toEqual(['..foo', '.model-cache']);
    expect(entriesOf(join(root, '..foo'))).toEqual(['...']);
    expect(readFileSync(join(dir, '.model-cache.json'), 'utf8')).toContain('"modelVersion": "..v1"');
  });
});
