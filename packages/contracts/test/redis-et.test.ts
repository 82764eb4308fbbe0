import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  REDIS_ET_DEFAULT_TTL_SECONDS,
  RedisEtClient,
  RedisEtError,
  parseProcessRequest,
  redisEtKeyPath,
} from '../src/index.ts';

const base = 'http://127.0.0.1:9191';
const store = new Map<string, string>();
const posts: { path: string; ttl: string | null; body: string; contentType: string | null }[] = [];

const server = setupServer(
  http.get(`${base}/keys/:scope/:key`, ({ params, request }) => {
    const path = new URL(request.url).pathname;
    if (params.key === 'boom') return new HttpResponse('redis down', { status: 500 });
    if (params.key === 'teapot') return new HttpResponse(null, { status: 418 });
    const value = store.get(path);
    return value === undefined
      ? new HttpResponse(null, { status: 404 })
      : new HttpResponse(value, { status: 200 });
  }),
  http.post(`${base}/keys/:scope/:key`, async ({ params, request }) => {
    const url = new URL(request.url);
    const body = await request.text();
    const path = url.pathname;
    posts.push({
      path,
      ttl: url.searchParams.get('ttlInSeconds'),
      body,
      contentType: request.headers.get('content-type'),
    });
    if (params.scope === 'tforeign') return new HttpResponse(null, { status: 404 });
    if (body === '') return new HttpResponse('missing body', { status: 400 });
    store.set(path, body);
    return new HttpResponse(null, { status: params.key === 'nocontent' ? 204 : 200 });
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  store.clear();
  posts.length = 0;
});
afterAll(() => server.close());

const client = new RedisEtClient({ url: `${base}/`, internalJobId: 'job-1', internalTaskId: 'task 1' });

describe('redisEtKeyPath', () => {
  it('prefixes j for jobs and t for tasks and encodes the parts', () => {
    expect(redisEtKeyPath('job', 'abc', 'count')).toBe('/keys/jabc/count');
    expect(redisEtKeyPath('task', 't 1', 'a/b')).toBe('/keys/tt%201/a%2Fb');
  });
});

describe('RedisEtClient', () => {
  it('stores and reads back a task key', async () => {
    await client.set('state', '{"n":1}');
    expect(await client.get('state')).toBe('{"n":1}');
    expect(posts[0]).toMatchObject({
      path: '/keys/ttask%201/state',
      ttl: null,
      contentType: 'text/plain; charset=utf-8',
    });
  });

  it('uses the job id for job scope', async () => {
    await client.set('shared', 'x', { scope: 'job' });
    expect(posts[0]?.path).toBe('/keys/jjob-1/shared');
    expect(await client.get('shared', { scope: 'job' })).toBe('x');
    expect(await client.get('shared')).toBeUndefined();
  });

  it('sends ttlInSeconds as a query string', async () => {
    await client.set('short', 'v', { ttlInSeconds: 3600 });
    expect(posts[0]?.ttl).toBe('3600');
    expect(REDIS_ET_DEFAULT_TTL_SECONDS).toBe(24 * 60 * 60);
  });

  it('refuses a TTL that is not a positive whole number before calling', async () => {
    await expect(client.set('k', 'v', { ttlInSeconds: 0 })).rejects.toMatchObject({ code: 'invalid_ttl' });
    await expect(client.set('k', 'v', { ttlInSeconds: 1.5 })).rejects.toBeInstanceOf(RedisEtError);
    expect(posts).toHaveLength(0);
  });

  it('turns a 404 on GET into undefined', async () => {
    expect(await client.get('never-set')).toBeUndefined();
  });

  it('accepts 204 as stored', async () => {
    await expect(client.set('nocontent', 'v')).resolves.toBeUndefined();
  });

  it('turns 400 into bad_request', async () => {
    await expect(client.set('k', '')).rejects.toMatchObject({ code: 'bad_request', status: 400 });
  });

  it('turns a 404 on POST into out_of_scope', async () => {
    const foreign = new RedisEtClient({ url: base, internalTaskId: 'foreign' });
    await expect(foreign.set('k', 'v')).rejects.toMatchObject({ code: 'out_of_scope', status: 404 });
  });

  it('turns 500 into server_error carrying the server text', async () => {
    const error = await client.get('boom').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedisEtError);
    expect(error).toMatchObject({ code: 'server_error', status: 500, failureReason: 'url_error' });
    expect((error as Error).message).toContain('redis down');
  });

  it('turns an undocumented status into unexpected_status', async () => {
    await expect(client.get('teapot')).rejects.toMatchObject({ code: 'unexpected_status', status: 418 });
  });

  it('turns a network failure into network_error with a failure reason', async () => {
    const failing = new RedisEtClient({
      url: base,
      internalTaskId: 't',
      fetch: async () => {
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
        });
      },
    });
    await expect(failing.get('k')).rejects.toMatchObject({
      code: 'network_error',
      failureReason: 'url_connection_refused',
    });
  });

  it('needs the id of the scope it is asked for', async () => {
    const taskOnly = new RedisEtClient({ url: base, internalTaskId: 't' });
    await expect(taskOnly.get('k', { scope: 'job' })).rejects.toMatchObject({ code: 'missing_scope_id' });
  });

  it('is created from a parsed /process request that has redisETUrl', async () => {
    const parsed = parseProcessRequest({ internalJobId: 'ij', internalTaskId: 'it', redisETUrl: base });
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    const fromRequest = RedisEtClient.fromProcessRequest(parsed.data);
    await fromRequest?.set('k', 'v');
    expect(posts[0]?.path).toBe('/keys/tit/k');
    expect(RedisEtClient.fromProcessRequest({ internalJobId: 'a', internalTaskId: 'b' })).toBeUndefined();
  });
});
