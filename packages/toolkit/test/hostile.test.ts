/**
 * Hostile input against the toolkit's servers (issue 11, points 9-15): the console, the
 * heartbeat/result/callback webhooks and redisET, on loopback only, with bounded loops.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EngineSession,
  handleKeysRequest,
  type KeyValueStore,
  MemoryKeyValueStore,
  parseCli,
  RedisKeyValueStore,
  startConsole,
  startEngineSession,
  startToolkit,
  type TestConsole,
  type ToolkitSummary,
} from '../src/index.ts';
import { isAllowedHost, isAllowedOrigin } from '../src/console/request-guard.ts';
import { fixture, makePng, startAcknowledgingEngine, tempDir } from './helpers.ts';
import { type RedisServer, startRedisServer } from './redis-server.ts';

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  await redis?.stop();
});

interface RawAnswer {
  status: number | null;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The server closed the connection after answering (or without answering). */
  closed: boolean;
}

/** One request on its own connection, with any Host/Origin; the body may be a generator of chunks. */
function raw(
  base: string,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer | (() => AsyncGenerator<Buffer>);
  },
): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve) => {
    let answered: Omit<RawAnswer, 'closed'> | undefined;
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      method: options.method ?? 'GET',
      path: options.path,
      headers: options.headers,
      agent: false,
    });
    const finish = (closed: boolean) =>
      resolve({ ...(answered ?? { status: null, headers: {}, body: '' }), closed });
    req.on('response', (response) => {
      const parts: Buffer[] = [];
      response.on('data', (data: Buffer) => parts.push(data));
      response.on('error', () => finish(true));
      response.on('end', () => {
        answered = {
          status: response.statusCode ?? null,
          headers: response.headers,
          body: Buffer.concat(parts).toString('utf8'),
        };
        // Done writing or not, the answer is in; the connection must end on the server's side.
        if (req.socket?.destroyed) finish(true);
        else req.socket?.once('close', () => finish(true));
      });
    });
    req.on('error', () => finish(true));
    req.setTimeout(60_000, () => req.destroy());
    const body = options.body;
    if (typeof body === 'function') {
      (async () => {
        try {
          for await (const part of body()) {
            if (req.destroyed) return;
            if (!req.write(part)) await new Promise((done) => req.once('drain', done));
          }
          req.end();
        } catch {
          req.destroy();
        }
      })();
    } else req.end(body);
  });
}

/** A request line the URL parser refuses; fetch and http.request cannot send it. */
function rawTarget(base: string, target: string): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve) => {
    let data = '';
    const socket = connect(Number(url.port), url.hostname, () =>
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`),
    );
    socket.setTimeout(30_000, () => socket.destroy());
    socket.on('data', (part: Buffer) => {
      data += part.toString('latin1');
    });
    socket.on('close', () => resolve(data));
    socket.on('error', () => resolve(data));
  });
}

function multipart(parts: { name: string; value: string | Buffer; filename?: string }[]) {
  const boundary = `hostile-${randomUUID()}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = part.filename
      ? `form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: application/octet-stream`
      : `form-data; name="${part.name}"`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    chunks.push(Buffer.from(part.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** An async task kept running on a toolkit, so its webhooks and redisET scopes are live. */
async function runningTask(options: { redisEt?: KeyValueStore; taskId?: string; jobId?: string } = {}) {
  const engine = await startAcknowledgingEngine();
  const toolkit = await startToolkit({
    processUrl: engine.processUrl,
    ...(options.redisEt ? { redisEt: options.redisEt } : {}),
  });
  const taskId = options.taskId ?? 'hostile-task';
  const running = toolkit.runChunk({
    internalJobId: options.jobId ?? 'hostile-job',
    internalTaskId: taskId,
    heartbeatTimeoutMs: 120_000,
  });
  await engine.fields;
  return {
    toolkit,
    taskId,
    running,
    async finish(): Promise<ToolkitSummary> {
      await fetch(`${toolkit.url}/heartbeat/${taskId}`, { method: 'POST', body: '{"status":"complete"}' });
      const summary = await running;
      await toolkit.close();
      await new Promise((resolve) => engine.server.close(resolve));
      return summary;
    },
  };
}

describe.each([
  { name: 'memory', store: () => new MemoryKeyValueStore() as KeyValueStore },
  {
    name: 'Redis',
    store: () =>
      new RedisKeyValueStore({ host: redis.host, port: redis.port, keyPrefix: `hostile${randomUUID()}:` }),
  },
])('point 9: redisET keys of different jobs never meet ($name)', ({ store: makeStore }) => {
  it('job "J" key "secret:token" does not read or overwrite job "J:secret" key "token"', async () => {
    const store = makeStore();
    // Both ids allowed, as if both jobs ran: the encoding alone must keep them apart.
    const server: Server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://keys');
      void handleKeysRequest(request, response, url, store, {
        allows: (scope, id) => scope === 'job' && (id === 'J' || id === 'J:secret'),
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const write = (path: string, value: string) => fetch(`${base}${path}`, { method: 'POST', body: value });
      expect((await write('/keys/jJ%3Asecret/token', 'the secret')).status).toBe(200);
      const read = await fetch(`${base}/keys/jJ/secret%3Atoken`);
      expect(read.status).toBe(404);
      expect((await write('/keys/jJ/secret%3Atoken', 'overwritten')).status).toBe(200);
      expect(await (await fetch(`${base}/keys/jJ%3Asecret/token`)).text()).toBe('the secret');
      expect(await (await fetch(`${base}/keys/jJ/secret%3Atoken`)).text()).toBe('overwritten');
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await store.close();
    }
  });
});

describe('point 10: task ids are validated', { timeout: 120_000 }, () => {
  it('runChunk refuses a traversal id and creates nothing outside the work folder', async () => {
    const base = tempDir();
    const workDir = join(base.dir, 'work');
    const toolkit = await startToolkit({ processUrl: 'http://127.0.0.1:9/process', workDir });
    try {
      for (const internalTaskId of ['../../escape', '..', 'a/b', 'x\\y', 'ok\0nul', 't'.repeat(200)]) {
        await expect(toolkit.runChunk({ internalTaskId, maxTtlSeconds: 1 })).rejects.toMatchObject({
          code: 'invalid_id',
        });
      }
      await expect(toolkit.runChunk({ internalJobId: '../../job', maxTtlSeconds: 1 })).rejects.toMatchObject({
        code: 'invalid_id',
      });
      // Only the work folder itself (when created) is in the base: no "escape", no "job".
      expect(readdirSync(base.dir).filter((name) => name !== 'work')).toEqual([]);
      expect(existsSync(join(workDir, 'tasks'))).toBe(false);
    } finally {
      await toolkit.close();
      base.cleanup();
    }
  });

  it('--task-id and --job-id with a path are usage errors', () => {
    expect(() => parseCli(['process', '--chunk', 'a', '--task-id', '../../../../tmp/x', '--', 'e'])).toThrow(
      expect.objectContaining({ code: 'usage', message: expect.stringContaining('--task-id') }),
    );
    expect(() => parseCli(['process', '--chunk', 'a', '--job-id', 'a/b', '--', 'e'])).toThrow(
      expect.objectContaining({ code: 'usage' }),
    );
    expect(
      parseCli(['process', '--chunk', 'a', '--task-id', '24041417_RITfVUydE2i8', '--', 'e']),
    ).toMatchObject({
      task: { internalTaskId: '24041417_RITfVUydE2i8' },
    });
  });
});

describe('the test console under hostile requests (points 10, 11, 13, 14)', { timeout: 120_000 }, () => {
  let session: EngineSession;
  let testConsole: TestConsole;
  let uploads: string;
  const maxUploadBytes = 1024 * 1024;

  beforeAll(async () => {
    session = await startEngineSession({
      command: fixture('console-engine.mjs'),
      env: { PATH: process.env.PATH },
      onEngineOutput: () => {},
    });
    testConsole = await startConsole({ session, port: 0, maxUploadBytes });
    uploads = join(session.toolkit.workDir, 'uploads');
  });

  afterAll(async () => {
    await testConsole?.close();
    await session?.close();
  });

  const post = (form: ReturnType<typeof multipart>, headers: Record<string, string> = {}) =>
    raw(testConsole.url, {
      method: 'POST',
      path: '/api/process',
      headers: { 'content-type': form.contentType, ...headers },
      body: form.body,
    });

  it('point 10: refuses a traversal internalTaskId with 400 and creates no folder', async () => {
    const name = `ek-hostile-${randomUUID()}`;
    const outside = join(dirname(session.toolkit.workDir), name);
    try {
      const answer = await post(multipart([{ name: 'internalTaskId', value: `../../${name}` }]));
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'invalid_id' });
      expect(existsSync(outside)).toBe(false);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('point 11: an upload over the limit is refused with 413, not truncated, and leaves no file', async () => {
    const form = multipart([
      { name: 'payload', value: '{}' },
      { name: 'chunk', value: Buffer.alloc(maxUploadBytes + 1, 1), filename: 'big.bin' },
    ]);
    const answer = await post(form);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'file_too_large' });
    expect(readdirSync(uploads)).toEqual([]);
  });

  it('point 11: a second file part is refused with 413', async () => {
    const form = multipart([
      { name: 'chunk', value: makePng(8, 8), filename: 'a.png' },
      { name: 'extra', value: Buffer.alloc(1000), filename: 'b.bin' },
    ]);
    const answer = await post(form);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'too_many_files' });
    expect(readdirSync(uploads)).toEqual([]);
  });

  it('point 11: an upload within the limit reaches the engine and its file is removed afterwards', async () => {
    const answer = await post(
      multipart([
        { name: 'chunkMimeType', value: 'image/png' },
        { name: 'chunk', value: makePng(320, 200), filename: 'frame.png' },
      ]),
    );
    expect(answer.status).toBe(200);
    const summary = JSON.parse(answer.body) as ToolkitSummary;
    expect(summary.status).toBe('complete');
    expect(
      (summary.outputs[0]!.output as { series: { object: { label: string } }[] }).series[0]!.object.label,
    ).toBe('320x200');
    expect(readdirSync(uploads)).toEqual([]);
  });

  it('point 13: a POST that is not multipart gets 415 with a reason', async () => {
    const answer = await raw(testConsole.url, {
      method: 'POST',
      path: '/api/process',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'unsupported_media_type' });
  });

  it('point 13: a truncated multipart body gets 400 and the console keeps serving', async () => {
    const answer = await raw(testConsole.url, {
      method: 'POST',
      path: '/api/process',
      headers: { 'content-type': 'multipart/form-data; boundary=cut' },
      body: '--cut\r\nContent-Disposition: form-data; name="chunk"; filename="a"\r\n\r\nabc',
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'malformed_multipart' });
    expect(readdirSync(uploads)).toEqual([]);
    expect((await fetch(`${testConsole.url}/api/defaults`)).status).toBe(200);
  });

  it('point 13: invalid chunkMetadata gets 400 with a stable code and the reason', async () => {
    for (const value of ['{', '[1,2]', '{"a":1}', '{"a":{"b":"c"}}', '{"bad key":"x"}']) {
      const answer = await post(multipart([{ name: 'chunkMetadata', value }]));
      expect(answer.status, value).toBe(400);
      expect(JSON.parse(answer.body), value).toMatchObject({
        code: 'invalid_field',
        error: expect.stringContaining('chunkMetadata'),
      });
    }
  });

  it('point 14: a foreign Host is refused on every route (DNS rebinding)', async () => {
    for (const path of ['/', '/api/defaults', '/api/ready']) {
      const answer = await raw(testConsole.url, { path, headers: { host: 'rebind.evil.example:9090' } });
      expect(answer.status, path).toBe(403);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'host_not_allowed' });
    }
    const port = new URL(testConsole.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`])
      expect((await raw(testConsole.url, { path: '/api/defaults', headers: { host } })).status, host).toBe(
        200,
      );
  });

  it('point 14: a POST from a foreign Origin is refused; the console own origin is accepted', async () => {
    const form = multipart([{ name: 'payload', value: '{"behavior":"sync"}' }]);
    const foreign = await post(form, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body)).toMatchObject({ code: 'origin_not_allowed' });
    const crossSite = await post(form, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    const own = await post(form, { origin: testConsole.url });
    expect(own.status).toBe(200);
  });
});

describe('point 14: the Host and Origin rules', () => {
  it('accepts IP literals, localhost, the bound host and allowedHosts, and no other name', () => {
    for (const host of [
      '127.0.0.1:9090',
      '[::1]:9090',
      '192.168.1.20',
      'localhost:9090',
      'app.localhost',
      'LOCALHOST.',
    ])
      expect(isAllowedHost(host, '127.0.0.1'), host).toBe(true);
    expect(isAllowedHost('devbox.lan:9090', 'devbox.lan')).toBe(true);
    expect(isAllowedHost('console.test', '0.0.0.0', ['console.test'])).toBe(true);
    for (const host of [
      undefined,
      '',
      'evil.example',
      'localhost.evil.example',
      'a@evil.example',
      'x/y',
      '127.0.0.1.nip.io',
    ])
      expect(isAllowedHost(host, '127.0.0.1'), String(host)).toBe(false);
  });

  it('accepts only the console own origin, and no Origin at all', () => {
    expect(isAllowedOrigin(undefined, '127.0.0.1:9090')).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:9090', '127.0.0.1:9090')).toBe(true);
    for (const origin of [
      'http://127.0.0.1:3000',
      'http://localhost:9090',
      'null',
      'file://',
      'http://evil.example',
    ])
      expect(isAllowedOrigin(origin, '127.0.0.1:9090'), origin).toBe(false);
    expect(isAllowedOrigin(undefined, '127.0.0.1:9090', 'cross-site')).toBe(false);
  });
});

describe('the toolkit webhooks under hostile requests (points 12, 13)', { timeout: 120_000 }, () => {
  it('point 13: a body over 64 MiB gets 413 and the connection is closed, declared or chunked', async () => {
    const task = await runningTask();
    try {
      const declared = await raw(task.toolkit.url, {
        method: 'POST',
        path: `/heartbeat/${task.taskId}`,
        headers: { 'content-type': 'application/json', 'content-length': String(65 * 1024 * 1024) },
        body: async function* () {
          yield Buffer.alloc(1024, 0x20);
        },
      });
      expect(declared.status).toBe(413);
      expect(declared.closed).toBe(true);
      expect(JSON.parse(declared.body)).toMatchObject({ code: 'body_too_large' });
      const block = Buffer.alloc(1024 * 1024, 0x20);
      const chunked = await raw(task.toolkit.url, {
        method: 'POST',
        path: `/result/${task.taskId}`,
        headers: { 'content-type': 'application/json', connection: 'keep-alive' },
        body: async function* () {
          for (let index = 0; index < 70; index++) yield block;
        },
      });
      expect(chunked.status).toBe(413);
      expect(chunked.headers.connection).toBe('close');
      expect(chunked.closed).toBe(true);
      // The server still answers on a new connection.
      const beat = await fetch(`${task.toolkit.url}/heartbeat/${task.taskId}`, {
        method: 'POST',
        body: '{"status":"running"}',
      });
      expect(beat.status).toBe(204);
    } finally {
      await task.finish();
    }
  });

  it('point 13: bad percent-encoding in a webhook or redisET path gets 400 with a reason', async () => {
    const task = await runningTask({ redisEt: new MemoryKeyValueStore() });
    try {
      for (const path of ['/heartbeat/%E0%A4%A', '/result/%zz', '/keys/jhostile-job/%E0%A4%A']) {
        const answer = await raw(task.toolkit.url, { method: 'POST', path, body: '{}' });
        expect(answer.status, path).toBe(400);
        expect(JSON.parse(answer.body), path).toMatchObject({ code: 'bad_percent_encoding' });
      }
    } finally {
      await task.finish();
    }
  });

  it('point 13: a request target that is not a URL path gets 400 on the toolkit and the console', async () => {
    const task = await runningTask();
    const session = {
      toolkit: task.toolkit,
      readyUrl: 'http://127.0.0.1:9/ready',
    } as unknown as EngineSession;
    const testConsole = await startConsole({ session, port: 0 });
    try {
      for (const base of [task.toolkit.url, testConsole.url]) {
        const answer = await rawTarget(base, '//[');
        expect(answer, base).toMatch(/^HTTP\/1\.1 400 /);
        expect(answer, base).toContain('bad_request_target');
        expect((await fetch(`${base}/api/defaults`)).status, base).toBeLessThan(500);
      }
    } finally {
      await testConsole.close();
      await task.finish();
    }
  });

  it('point 13: a malformed multipart result gets 400 and the toolkit keeps serving', async () => {
    const task = await runningTask();
    try {
      const answer = await raw(task.toolkit.url, {
        method: 'POST',
        path: `/result/${task.taskId}`,
        headers: { 'content-type': 'multipart/form-data; boundary=cut' },
        body: '--cut\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc',
      });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'malformed_multipart' });
    } finally {
      expect((await task.finish()).status).toBe('complete');
    }
  });

  it('point 12: large malformed heartbeats are kept as a bounded preview and the summary prints', async () => {
    const task = await runningTask();
    const huge = 'x'.repeat(4 * 1024 * 1024);
    for (let index = 0; index < 3; index++) {
      const answer = await fetch(`${task.toolkit.url}/heartbeat/${task.taskId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: huge,
      });
      expect(answer.status).toBe(400);
    }
    const summary = await task.finish();
    expect(summary.heartbeats.slice(0, 3)).toEqual(
      Array.from({ length: 3 }, () =>
        expect.objectContaining({ accepted: false, truncated: { originalChars: huge.length } }),
      ),
    );
    expect((summary.heartbeats[0]!.heartbeat as string).length).toBeLessThan(4096);
    expect(JSON.stringify(summary).length).toBeLessThan(256 * 1024);
  });

  it('point 12: a large result output is validated whole but kept as a preview', async () => {
    const task = await runningTask();
    // 300 objects with 60 KB labels: over the 16 MiB kept per output, and quick to validate.
    const series = Array.from({ length: 300 }, (_, index) => ({
      startTimeMs: index,
      stopTimeMs: index + 1,
      object: { type: 'object', label: `label-${index}-${'y'.repeat(60_000)}` },
    }));
    const answer = await fetch(`${task.toolkit.url}/result/${task.taskId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ output: { series } }),
    });
    expect(answer.status).toBe(204);
    const summary = await task.finish();
    const output = summary.outputs[0]!;
    expect(output.valid).toBe(true);
    expect(output.output).toBeUndefined();
    expect(output.truncated?.originalChars).toBeGreaterThan(16 * 1024 * 1024);
    expect(output.body!.length).toBeLessThan(4096);
  });

  it('point 12: past 1,000 heartbeats the summary keeps the first ones and says so', async () => {
    const task = await runningTask();
    const send = () =>
      fetch(`${task.toolkit.url}/heartbeat/${task.taskId}`, { method: 'POST', body: '{"status":"running"}' });
    for (let batch = 0; batch < 51; batch++) await Promise.all(Array.from({ length: 20 }, send));
    const summary = await task.finish();
    expect(summary.heartbeats).toHaveLength(1000);
    expect(summary.warnings).toContainEqual(expect.objectContaining({ code: 'summary_truncated' }));
  });
});

describe('point 15: redisET through node-redis', { timeout: 120_000 }, () => {
  it('authenticates with a password in the Redis URL and round-trips a 20 MB value', async () => {
    const secured = await startRedisServer(['--requirepass', 'hostile-pass']);
    const store = new RedisKeyValueStore({ url: `redis://:hostile-pass@127.0.0.1:${secured.port}` });
    try {
      await store.ping();
      const value = Buffer.alloc(20 * 1000 * 1000, 0x5a);
      value[123] = 0;
      await store.set('big', value, 60);
      expect((await store.get('big'))?.equals(value)).toBe(true);
      const anonymous = new RedisKeyValueStore({ host: '127.0.0.1', port: secured.port });
      await expect(anonymous.get('big')).rejects.toMatchObject({ code: 'redis_error' });
      await anonymous.close();
    } finally {
      await store.close();
      await secured.stop();
    }
  });

  it('never puts the Redis password in an error message', async () => {
    const store = new RedisKeyValueStore({ url: 'redis://:very-secret-pass@127.0.0.1:9' });
    const error = (await store.ping().catch((caught: unknown) => caught)) as Error;
    expect(error).toMatchObject({ code: 'redis_error' });
    expect(error.message).not.toContain('very-secret-pass');
    await store.close();
  });
});
