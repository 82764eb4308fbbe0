import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createLibraryClient,
  graphqlEndpointFromBaseUrl,
  LibraryOptionsError,
  LibraryTimeoutError,
  libraryClientFromProcessRequest,
} from '../src/index.ts';
import { ENDPOINT } from './fake-api.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('client options', () => {
  it('builds the endpoint from the /process veritoneApiBaseUrl and uses its token', async () => {
    let authorization: string | null = null;
    server.use(
      http.post('http://127.0.0.1:9/v3/graphql', ({ request }) => {
        authorization = request.headers.get('authorization');
        return HttpResponse.json({ data: { library: { id: 'lib', name: 'L' } } });
      }),
    );
    const client = libraryClientFromProcessRequest({
      veritoneApiBaseUrl: 'http://127.0.0.1:9/',
      token: 'process-token',
    });
    expect(client.endpoint).toBe('http://127.0.0.1:9/v3/graphql');
    await expect(client.getLibrary('lib')).resolves.toMatchObject({ id: 'lib' });
    expect(authorization).toBe('Bearer process-token');
    expect(graphqlEndpointFromBaseUrl('https://api.veritone.com/v3/graphql')).toBe(
      'https://api.veritone.com/v3/graphql',
    );
  });

  it('rejects a /process request without veritoneApiBaseUrl and bad options with LibraryOptionsError', () => {
    expect(() => libraryClientFromProcessRequest({ token: 't' })).toThrow(LibraryOptionsError);
    expect(() => createLibraryClient({ endpoint: 'not a url' })).toThrow(/endpoint must be an http\(s\) URL/);
    expect(() => createLibraryClient({ endpoint: ENDPOINT, concurrency: 0 })).toThrow(/concurrency/);
    expect(() => createLibraryClient({ endpoint: ENDPOINT, retries: -1 })).toThrow(/retries/);
  });
});

describe('downloadModel', () => {
  it('sends the token to the API origin only, never to other hosts such as signed storage URLs', async () => {
    const seen: Record<string, string | null> = {};
    server.use(
      http.get('http://127.0.0.1:9/media/model.bin', ({ request }) => {
        seen.api = request.headers.get('authorization');
        return new HttpResponse(new Uint8Array([1, 2, 3]), {
          headers: { 'content-type': 'application/x-model' },
        });
      }),
      http.get('http://127.0.0.2:9/bucket/model.bin', ({ request }) => {
        seen.storage = request.headers.get('authorization');
        return new HttpResponse(new Uint8Array([4]), {
          headers: { 'content-type': 'application/octet-stream' },
        });
      }),
    );
    const client = createLibraryClient({ endpoint: ENDPOINT, token: 'tok' });
    const own = await client.downloadModel('http://127.0.0.1:9/media/model.bin');
    expect(own).toEqual({ data: new Uint8Array([1, 2, 3]), contentType: 'application/x-model' });
    await client.downloadModel('http://127.0.0.2:9/bucket/model.bin');
    expect(seen).toEqual({ api: 'Bearer tok', storage: null });
  });

  it('retries a download after a 503', async () => {
    let count = 0;
    server.use(
      http.get('http://127.0.0.1:9/media/flaky.bin', () => {
        count += 1;
        return count === 1 ? new HttpResponse('busy', { status: 503 }) : new HttpResponse('ok');
      }),
    );
    const client = createLibraryClient({ endpoint: ENDPOINT, retryBaseDelayMs: 1 });
    const result = await client.downloadModel('http://127.0.0.1:9/media/flaky.bin');
    expect(new TextDecoder().decode(result.data)).toBe('ok');
    expect(count).toBe(2);
  });
});

describe('createTrainingJob', () => {
  it('is not re-sent after a timeout (the job may have been created)', async () => {
    let count = 0;
    server.use(
      http.post(ENDPOINT, async () => {
        count += 1;
        await new Promise((resolve) => setTimeout(resolve, 300));
        return HttpResponse.json({ data: { createJob: { id: 'j' } } });
      }),
    );
    const client = createLibraryClient({ endpoint: ENDPOINT, timeoutMs: 50, retryBaseDelayMs: 1 });
    await expect(
      client.createTrainingJob({ engineId: 'e', libraryId: 'l', libraryEngineModelId: 'm' }),
    ).rejects.toBeInstanceOf(LibraryTimeoutError);
    expect(count).toBe(1);
  });
});

describe('downloadModelToFile', () => {
  it('reports an unwritable destination as LibraryFileError and leaves no partial file', async () => {
    const { mkdtempSync, readdirSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'library-client-download-'));
    try {
      server.use(http.get('http://127.0.0.1:9/media/m.bin', () => new HttpResponse('bytes')));
      const client = createLibraryClient({ endpoint: ENDPOINT });
      await expect(
        client.downloadModelToFile('http://127.0.0.1:9/media/m.bin', join(dir, 'missing-folder', 'm.bin')),
      ).rejects.toMatchObject({ code: 'file_error', failureReason: 'file_write_error' });
      await client.downloadModelToFile('http://127.0.0.1:9/media/m.bin', join(dir, 'm.bin'));
      expect(readdirSync(dir)).toEqual(['m.bin']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('logger', () => {
  it('reports request, response, retry and error events with the operation name', async () => {
    server.use(http.post(ENDPOINT, () => new HttpResponse('busy', { status: 503 })));
    const events: string[] = [];
    const client = createLibraryClient({
      endpoint: ENDPOINT,
      retries: 1,
      retryBaseDelayMs: 1,
      logger: (event) => events.push(`${event.type}:${event.operation}:${event.attempt}`),
    });
    await client.getLibrary('lib').catch(() => undefined);
    expect(events).toEqual([
      'request:GetLibrary:0',
      'response:GetLibrary:0',
      'retry:GetLibrary:0',
      'request:GetLibrary:1',
      'response:GetLibrary:1',
      'error:GetLibrary:1',
    ]);
  });
});
