import { inspect } from 'node:util';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createLibraryClient,
  LibraryGraphQLError,
  type LibraryClientEvent,
  LibraryRateLimitError,
  SHORT_TOKEN_WARNING_CODE,
} from '../src/index.ts';
import { ENDPOINT } from './fake-api.ts';

const TOKEN = 'tok-7d41c0e9b2a6';
const SIGNATURE = 'f00dfacecafe0123456789';
const SIGNED_URL = `http://127.0.0.2:9/bucket/model.bin?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=${SIGNATURE}&X-Amz-Credential=AKIA%2Fsecret`;

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const fast = { retryBaseDelayMs: 1, retryMaxDelayMs: 2 };

/** Everything a person could see of an error: `util.inspect` shows fields, causes and the stack. */
function everything(error: unknown, events: readonly LibraryClientEvent[] = []): string {
  return `${inspect(error, { depth: 20, showHidden: true })}\n${JSON.stringify(events)}`;
}

describe('library-client: signed URLs never reach errors or logs', () => {
  it('redacts the query of a signed dataUrl that answers 502, in the error and every log line (retries included)', async () => {
    server.use(
      http.get('http://127.0.0.2:9/bucket/model.bin', () => new HttpResponse('boom', { status: 502 })),
    );
    const events: LibraryClientEvent[] = [];
    const client = createLibraryClient({
      endpoint: ENDPOINT,
      token: TOKEN,
      retries: 2,
      ...fast,
      logger: (event) => events.push(event),
    });
    const error = await client.downloadModel(SIGNED_URL).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'http_error', status: 502 });
    expect((error as Error).message).toContain(
      'http://127.0.0.2:9/bucket/model.bin?X-Amz-Algorithm=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED',
    );
    expect(events.some((event) => event.type === 'retry')).toBe(true);
    const visible = everything(error, events);
    expect(visible).not.toContain(SIGNATURE);
    expect(visible).not.toContain('AKIA');
  });

  it('redacts it when the connection fails, and when writing the file fails', async () => {
    server.use(http.get('http://127.0.0.2:9/bucket/model.bin', () => HttpResponse.error()));
    const client = createLibraryClient({ endpoint: ENDPOINT, retries: 0 });
    const network = await client.downloadModel(SIGNED_URL).catch((caught: unknown) => caught);
    expect(network).toMatchObject({ code: 'network_error' });
    expect(everything(network)).not.toContain(SIGNATURE);

    server.use(http.get('http://127.0.0.2:9/bucket/model.bin', () => new HttpResponse('model')));
    const file = await client
      .downloadModelToFile(SIGNED_URL, '/nonexistent-folder/model.bin')
      .catch((caught: unknown) => caught);
    expect(file).toMatchObject({ code: 'file_error' });
    expect(everything(file)).not.toContain(SIGNATURE);
  });
});

describe('library-client: a token the server echoes', () => {
  it('is kept out of LibraryGraphQLError.data, errors[].path and extensions, also under util.inspect', async () => {
    server.use(
      http.post(ENDPOINT, () =>
        HttpResponse.json({
          data: { library: { id: 'lib', name: TOKEN, description: `owner ${TOKEN}`, [TOKEN]: 1 } },
          errors: [
            {
              message: `token ${TOKEN} cannot read entities`,
              path: ['library', TOKEN, 0],
              extensions: { code: 'FORBIDDEN', token: TOKEN, nested: [{ url: `${SIGNED_URL}&t=${TOKEN}` }] },
            },
          ],
        }),
      ),
    );
    const client = createLibraryClient({ endpoint: ENDPOINT, token: TOKEN, retries: 0 });
    const error = await client.getLibrary('lib').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LibraryGraphQLError);
    const graphqlError = error as LibraryGraphQLError;
    expect(graphqlError.data).toEqual({
      library: { id: 'lib', name: '[REDACTED]', description: 'owner [REDACTED]', '[REDACTED]': 1 },
    });
    expect(graphqlError.errors[0]?.path).toEqual(['library', '[REDACTED]', 0]);
    expect(graphqlError.errors[0]?.extensions?.code).toBe('FORBIDDEN');
    const visible = everything(error);
    expect(visible).not.toContain(TOKEN);
    expect(visible).not.toContain(SIGNATURE);
  });

  it('is redacted as a whole value: operation names and words stay readable', async () => {
    const token = 'Library1';
    server.use(
      http.post(ENDPOINT, () =>
        HttpResponse.json({
          errors: [{ message: `UpdateLibrary1EngineModel denied for ${token}` }],
          data: null,
        }),
      ),
    );
    const client = createLibraryClient({ endpoint: ENDPOINT, token, retries: 0 });
    const error = await client.getLibrary('lib').catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('UpdateLibrary1EngineModel denied for [REDACTED]');
    expect((error as Error).message).toMatch(/^GetLibrary: /);
  });

  it('warns about a token too short to redact, and does not garble messages with it', async () => {
    const warnings: Error[] = [];
    const listener = (warning: Error) => warnings.push(warning);
    process.on('warning', listener);
    try {
      server.use(
        http.post(ENDPOINT, () =>
          HttpResponse.json({ errors: [{ message: 'UpdateLibraryEngineModel: not allowed' }], data: null }),
        ),
      );
      const client = createLibraryClient({ endpoint: ENDPOINT, token: 't', retries: 0 });
      const error = await client
        .updateLibraryEngineModel({ id: 'm', trainStatus: 'running' })
        .catch((caught: unknown) => caught);
      expect((error as Error).message).toContain('UpdateLibraryEngineModel: not allowed');
      expect((error as Error).message).not.toContain('[REDACTED]');
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((warning) => (warning as Error & { code?: string }).code)).toContain(
        SHORT_TOKEN_WARNING_CODE,
      );
    } finally {
      process.off('warning', listener);
    }
  });
});

describe('library-client: Retry-After is capped', () => {
  it('fails at once with rate_limited when the server asks for an hour', async () => {
    let calls = 0;
    server.use(
      http.post(ENDPOINT, () => {
        calls += 1;
        return new HttpResponse('slow down', { status: 429, headers: { 'retry-after': '3600' } });
      }),
    );
    const client = createLibraryClient({ endpoint: ENDPOINT, retries: 4, ...fast });
    const error = await client.getLibrary('lib').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LibraryRateLimitError);
    expect(error).toMatchObject({
      code: 'rate_limited',
      failureReason: 'rate_limited',
      status: 429,
      retryAfterMs: 3_600_000,
    });
    expect((error as Error).message).toMatch(/retry after 3600 s, longer than maxRetryAfterMs \(60000 ms\)/);
    expect(calls).toBe(1);
  });

  it('also for an HTTP date a day ahead, and for a 503', async () => {
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000).toUTCString();
    server.use(
      http.post(ENDPOINT, () => new HttpResponse('', { status: 503, headers: { 'retry-after': tomorrow } })),
    );
    const client = createLibraryClient({ endpoint: ENDPOINT, retries: 4, ...fast });
    const error = await client.getLibrary('lib').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'rate_limited', status: 503 });
    expect((error as LibraryRateLimitError).retryAfterMs).toBeGreaterThan(23 * 3600 * 1000);
  });

  it('honours a wait within maxRetryAfterMs, and the option lowers the cap', async () => {
    let calls = 0;
    server.use(
      http.post(ENDPOINT, () => {
        calls += 1;
        return calls === 1
          ? new HttpResponse('', { status: 429, headers: { 'retry-after': '0.01' } })
          : HttpResponse.json({ data: { library: { id: 'lib', name: 'L' } } });
      }),
    );
    const client = createLibraryClient({ endpoint: ENDPOINT, ...fast });
    expect(await client.getLibrary('lib')).toMatchObject({ id: 'lib' });
    expect(calls).toBe(2);

    server.use(
      http.post(ENDPOINT, () => new HttpResponse('', { status: 429, headers: { 'retry-after': '2' } })),
    );
    const strict = createLibraryClient({ endpoint: ENDPOINT, maxRetryAfterMs: 1_000, ...fast });
    await expect(strict.getLibrary('lib')).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfterMs: 2_000,
    });
  });
});
