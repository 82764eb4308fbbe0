import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createLibraryClient,
  LibraryGraphQLError,
  LibraryHttpError,
  LibraryNetworkError,
  LibraryTimeoutError,
} from '../src/index.ts';
import { ENDPOINT, model, readCall } from './fake-api.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const fastRetries = { retryBaseDelayMs: 1, retryMaxDelayMs: 5 };

/** Answers the n-th request with `responses[n]` (the last one repeats) and counts requests. */
function sequence(responses: Array<() => Response | Promise<Response>>) {
  let count = 0;
  const handler = http.post(ENDPOINT, () => {
    const respond = responses[Math.min(count, responses.length - 1)]!;
    count += 1;
    return respond();
  });
  return {
    handler,
    get count() {
      return count;
    },
  };
}

const modelResponse = () => HttpResponse.json({ data: { libraryEngineModel: model() } });

describe('retries', () => {
  it.each([502, 503, 504])('retries a query after HTTP %i', async (status) => {
    const api = sequence([() => new HttpResponse('busy', { status }), modelResponse]);
    server.use(api.handler);
    const client = createLibraryClient({ endpoint: ENDPOINT, ...fastRetries });
    await expect(client.getLibraryEngineModel('model-1')).resolves.toMatchObject({ id: 'model-1' });
    expect(api.count).toBe(2);
  });

  it('retries a query after a network error', async () => {
    const api = sequence([() => HttpResponse.error(), () => HttpResponse.error(), modelResponse]);
    server.use(api.handler);
    const client = createLibraryClient({ endpoint: ENDPOINT, ...fastRetries });
    await expect(client.getLibraryEngineModel('model-1')).resolves.toMatchObject({ id: 'model-1' });
    expect(api.count).toBe(3);
  });

  it('gives up after `retries` retries with a typed HTTP error', async () => {
    const api = sequence([() => new HttpResponse('down', { status: 503 })]);
    server.use(api.handler);
    const client = createLibraryClient({ endpoint: ENDPOINT, retries: 2, ...fastRetries });
    const error = await client.getLibraryEngineModel('model-1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LibraryHttpError);
    expect(error).toMatchObject({ code: 'http_error', status: 503, failureReason: 'api_error' });
    expect(api.count).toBe(3);
  });

  it('does not retry a client error such as 400', async () => {
    const api = sequence([() => new HttpResponse('bad', { status: 400 })]);
    server.use(api.handler);
    const client = createLibraryClient({ endpoint: ENDPOINT, ...fastRetries });
    await expect(client.getLibraryEngineModel('model-1')).rejects.toMatchObject({ status: 400 });
    expect(api.count).toBe(1);
  });

  it('waits the Retry-After seconds of a 429 before retrying', async () => {
    const times: number[] = [];
    server.use(
      http.post(ENDPOINT, () => {
        times.push(Date.now());
        return times.length === 1
          ? new HttpResponse('slow down', { status: 429, headers: { 'retry-after': '1' } })
          : modelResponse();
      }),
    );
    const client = createLibraryClient({ endpoint: ENDPOINT, ...fastRetries });
    await client.getLibraryEngineModel('model-1');
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(990);
  });

  it('reports rate limiting with failureReason rate_limited once retries are exhausted', async () => {
    server.use(
      http.post(ENDPOINT, () => new HttpResponse('no', { status: 429, headers: { 'retry-after': '0' } })),
    );
    const client = createLibraryClient({ endpoint: ENDPOINT, retries: 1, ...fastRetries });
    await expect(client.getLibraryEngineModel('model-1')).rejects.toMatchObject({
      status: 429,
      failureReason: 'rate_limited',
    });
  });

  it('never re-sends createJob after a 503 (the job may exist)', async () => {
    const api = sequence([() => new HttpResponse('gateway', { status: 503 })]);
    server.use(api.handler);
    const client = createLibraryClient({ endpoint: ENDPOINT, ...fastRetries });
    await expect(
      client.createTrainingJob({ engineId: 'eng', libraryId: 'lib', libraryEngineModelId: 'model-1' }),
    ).rejects.toBeInstanceOf(LibraryHttpError);
    expect(api.count).toBe(1);
  });

  it('re-sends createJob after a 429, which the server refused before acting', async () => {
    const job = { id: 'job-1', status: 'pending', createdDateTime: null, tasks: { records: [] } };
    const api = sequence([
      () => new HttpResponse('slow', { status: 429, headers: { 'retry-after': '0' } }),
      () => HttpResponse.json({ data: { createJob: job } }),
    ]);
    server.use(api.handler);
    const client = createLibraryClient({ endpoint: ENDPOINT, ...fastRetries });
    await expect(
      client.createTrainingJob({ engineId: 'eng', libraryId: 'lib', libraryEngineModelId: 'model-1' }),
    ).resolves.toMatchObject({ id: 'job-1' });
    expect(api.count).toBe(2);
  });

  it('sends createJob with a library-train task payload', async () => {
    let variables: Record<string, unknown> = {};
    server.use(
      http.post(ENDPOINT, async ({ request }) => {
        variables = (await readCall(request)).variables;
        return HttpResponse.json({ data: { createJob: { id: 'job-1', status: 'pending', tasks: null } } });
      }),
    );
    const client = createLibraryClient({ endpoint: ENDPOINT });
    await client.createTrainingJob({ engineId: 'eng', libraryId: 'lib', libraryEngineModelId: 'model-1' });
    expect(variables).toEqual({
      input: {
        tasks: [
          {
            engineId: 'eng',
            payload: { mode: 'library-train', libraryId: 'lib', libraryEngineModelId: 'model-1' },
          },
        ],
      },
    });
  });
});

describe('timeouts', () => {
  it('aborts a request that takes longer than timeoutMs and retries it', async () => {
    let count = 0;
    server.use(
      http.post(ENDPOINT, async () => {
        count += 1;
        if (count === 1) await new Promise((resolve) => setTimeout(resolve, 500));
        return modelResponse();
      }),
    );
    const client = createLibraryClient({ endpoint: ENDPOINT, timeoutMs: 100, ...fastRetries });
    await expect(client.getLibraryEngineModel('model-1')).resolves.toMatchObject({ id: 'model-1' });
    expect(count).toBe(2);
  });

  it('fails with a LibraryTimeoutError (failureReason url_timeout) when every attempt times out', async () => {
    server.use(
      http.post(ENDPOINT, async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return modelResponse();
      }),
    );
    const client = createLibraryClient({ endpoint: ENDPOINT, timeoutMs: 50, retries: 1, ...fastRetries });
    const error = await client.getLibraryEngineModel('model-1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LibraryTimeoutError);
    expect(error).toMatchObject({ code: 'timeout', failureReason: 'url_timeout', timeoutMs: 50 });
  });
});

describe('GraphQL errors', () => {
  it('keeps the partial data of a response with errors', async () => {
    server.use(
      http.post(ENDPOINT, () =>
        HttpResponse.json({
          data: { library: { id: 'lib', name: 'People', summary: null } },
          errors: [
            {
              message: 'summary unavailable',
              path: ['library', 'summary'],
              extensions: { code: 'INTERNAL' },
            },
          ],
        }),
      ),
    );
    const client = createLibraryClient({ endpoint: ENDPOINT });
    const error = await client.getLibrary('lib').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LibraryGraphQLError);
    const graphQLError = error as LibraryGraphQLError;
    expect(graphQLError.code).toBe('graphql_error');
    expect(graphQLError.failureReason).toBe('api_error');
    expect(graphQLError.data).toEqual({ library: { id: 'lib', name: 'People', summary: null } });
    expect(graphQLError.errors[0]).toMatchObject({
      message: 'summary unavailable',
      path: ['library', 'summary'],
    });
    expect(graphQLError.message).toContain('summary unavailable');
  });

  it('maps a NOT_FOUND GraphQL error to failureReason api_not_found and does not retry it', async () => {
    const api = sequence([
      () =>
        HttpResponse.json({
          data: { libraryEngineModel: null },
          errors: [{ message: 'not found', extensions: { code: 'NOT_FOUND' } }],
        }),
    ]);
    server.use(api.handler);
    const client = createLibraryClient({ endpoint: ENDPOINT, ...fastRetries });
    await expect(client.getLibraryEngineModel('x')).rejects.toMatchObject({ failureReason: 'api_not_found' });
    expect(api.count).toBe(1);
  });

  it('reports a network failure as LibraryNetworkError', async () => {
    server.use(http.post(ENDPOINT, () => HttpResponse.error()));
    const client = createLibraryClient({ endpoint: ENDPOINT, retries: 0 });
    const error = await client.getLibrary('lib').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LibraryNetworkError);
    expect(error).toMatchObject({ code: 'network_error' });
  });
});
