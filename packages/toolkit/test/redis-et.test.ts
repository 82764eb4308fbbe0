import type { Server } from 'node:http';
import { join } from 'node:path';
import { RedisEtClient } from '@engine-kit/contracts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type KeyValueStore,
  MemoryKeyValueStore,
  RedisKeyValueStore,
  runProcess,
  startToolkit,
  type Toolkit,
  type ToolkitSummary,
} from '../src/index.ts';
import { fixture, readLog, startAcknowledgingEngine, tempDir } from './helpers.ts';
import { findFreePortForTest } from './ports.ts';
import { type RedisServer, redisCommand, startRedisServer } from './redis-server.ts';

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  await redis.stop();
});

/**
 * The same suite runs against a real redis-server and the in-memory store. The test acts as an
 * async engine: it receives `/process`, keeps the task running, exercises the keys API, then
 * completes the task with a heartbeat.
 */
interface StoreCase {
  name: string;
  store: () => KeyValueStore;
  /** Checks that `/keys/ttask1/{key}` got the 24 h default TTL; `status` GETs it. */
  checkDefaultTtl: (key: string, status: () => Promise<number>) => Promise<void>;
}

let redisPrefix = '';
let memoryClockOffsetMs = 0;

describe.each([
  {
    name: 'Redis',
    store: () => {
      redisPrefix = `run${Date.now()}:`;
      return new RedisKeyValueStore({ host: redis.host, port: redis.port, keyPrefix: redisPrefix });
    },
    async checkDefaultTtl(key, status) {
      const ttl = (await redisCommand(redis, 'TTL', `${redisPrefix}ttask1:${key}`)) as number;
      expect(ttl).toBeGreaterThan(86_390);
      expect(ttl).toBeLessThanOrEqual(86_400);
      expect(await status()).toBe(200);
    },
  },
  {
    name: 'memory',
    store: () => {
      memoryClockOffsetMs = 0;
      return new MemoryKeyValueStore({ now: () => Date.now() + memoryClockOffsetMs });
    },
    async checkDefaultTtl(_key, status) {
      memoryClockOffsetMs = 86_390_000;
      expect(await status()).toBe(200);
      memoryClockOffsetMs = 86_401_000;
      expect(await status()).toBe(404);
    },
  },
] as StoreCase[])('redisET keys API backed by $name', ({ store, checkDefaultTtl }) => {
  let engine: Server;
  let toolkit: Toolkit;
  let fields: Record<string, string>;
  let running: Promise<ToolkitSummary>;

  beforeEach(async () => {
    const acknowledging = await startAcknowledgingEngine();
    engine = acknowledging.server;
    toolkit = await startToolkit({ processUrl: acknowledging.processUrl, redisEt: store() });
    running = toolkit.runChunk({ internalJobId: 'job1', internalTaskId: 'task1', maxTtlSeconds: 30 });
    fields = await acknowledging.fields;
  });

  afterEach(async () => {
    await fetch(fields.heartbeatWebhook!, { method: 'POST', body: JSON.stringify({ status: 'complete' }) });
    await running;
    await toolkit.close();
    await new Promise((resolve) => engine.close(resolve));
  });

  const keyUrl = (path: string) => `${fields.redisETUrl}${path}`;
  const post = (path: string, body: string) => fetch(keyUrl(path), { method: 'POST', body });

  it('gives the engine a redisETUrl', () => {
    expect(fields.redisETUrl).toBe(toolkit.redisEtUrl);
  });

  it('stores a task key: POST answers 200 with an empty body, GET returns the value', async () => {
    const stored = await post('/keys/ttask1/progress', '{"frames":12}');
    expect(stored.status).toBe(200);
    expect(await stored.text()).toBe('');
    const read = await fetch(keyUrl('/keys/ttask1/progress'));
    expect(read.status).toBe(200);
    expect(await read.text()).toBe('{"frames":12}');
  });

  it('keeps job keys and task keys apart', async () => {
    await post('/keys/jjob1/shared', 'job value');
    await post('/keys/ttask1/shared', 'task value');
    expect(await (await fetch(keyUrl('/keys/jjob1/shared'))).text()).toBe('job value');
    expect(await (await fetch(keyUrl('/keys/ttask1/shared'))).text()).toBe('task value');
  });

  it('answers 404 for a key never written', async () => {
    expect((await fetch(keyUrl('/keys/ttask1/missing'))).status).toBe(404);
  });

  it('answers 404 to GET and POST outside the task own job and task ids', async () => {
    expect((await post('/keys/jother-job/k', 'v')).status).toBe(404);
    expect((await post('/keys/tother-task/k', 'v')).status).toBe(404);
    expect((await fetch(keyUrl('/keys/jother-job/k'))).status).toBe(404);
    expect((await fetch(keyUrl('/keys/tother-task/k'))).status).toBe(404);
  });

  it('answers 400 to a POST without a body or with a bad ttlInSeconds', async () => {
    expect((await post('/keys/ttask1/empty', '')).status).toBe(400);
    expect((await post('/keys/ttask1/k?ttlInSeconds=abc', 'v')).status).toBe(400);
    expect((await post('/keys/ttask1/k?ttlInSeconds=0', 'v')).status).toBe(400);
  });

  it('expires a key after its ttlInSeconds', async () => {
    expect((await post('/keys/ttask1/short?ttlInSeconds=1', 'soon gone')).status).toBe(200);
    expect((await fetch(keyUrl('/keys/ttask1/short'))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1150));
    expect((await fetch(keyUrl('/keys/ttask1/short'))).status).toBe(404);
  });

  it('applies the 24 h default TTL when ttlInSeconds is absent', async () => {
    expect((await post('/keys/ttask1/daylong', 'v')).status).toBe(200);
    await checkDefaultTtl('daylong', async () => (await fetch(keyUrl('/keys/ttask1/daylong'))).status);
  });

  it('serves the RedisEtClient of @engine-kit/contracts', async () => {
    const client = RedisEtClient.fromProcessRequest({
      redisETUrl: fields.redisETUrl!,
      internalJobId: 'job1',
      internalTaskId: 'task1',
    })!;
    await client.set('cursor', '42', { ttlInSeconds: 60 });
    await client.set('cursor', 'job-wide', { scope: 'job' });
    expect(await client.get('cursor')).toBe('42');
    expect(await client.get('cursor', { scope: 'job' })).toBe('job-wide');
    expect(await client.get('never-set')).toBeUndefined();
  });

  it('stores binary values unchanged', async () => {
    const bytes = Buffer.from([0, 255, 13, 10, 42, 0]);
    await fetch(keyUrl('/keys/ttask1/bin'), { method: 'POST', body: bytes });
    const read = await fetch(keyUrl('/keys/ttask1/bin'));
    expect(Buffer.from(await read.arrayBuffer())).toEqual(bytes);
  });
});

describe('redisET through runProcess', () => {
  it('uses the Redis named by AIWARE_REDIS_HOST/PORT and hides those variables from the engine', async () => {
    const workspace = tempDir();
    const logFile = join(workspace.dir, 'engine.log');
    try {
      const summary = await runProcess({
        command: fixture('redis-engine.mjs'),
        env: {
          PATH: process.env.PATH,
          FIXTURE_LOG: logFile,
          AIWARE_REDIS_HOST: redis.host,
          AIWARE_REDIS_PORT: String(redis.port),
        },
        internalJobId: 'redis-job',
        internalTaskId: 'redis-task',
        onEngineOutput: () => {},
      });
      expect(summary.status).toBe('complete');
      expect(summary.redisEt).toMatchObject({ store: 'redis' });
      const [entry] = readLog(logFile).filter((line) => line.event === 'redis') as {
        calls: Record<string, { status: number; body: string }>;
        redisEnv: string[];
      }[];
      expect(entry!.calls).toEqual({
        setTask: { status: 200, body: '' },
        getTask: { status: 200, body: '7' },
        setJob: { status: 200, body: '' },
        getJob: { status: 200, body: 'for every task' },
        foreign: { status: 404, body: expect.any(String) },
      });
      expect(entry!.redisEnv).toEqual([]);
      expect(await redisCommand(redis, 'GET', 'engine-toolkit:jredis-job:shared')).toBe('for every task');
    } finally {
      workspace.cleanup();
    }
  });
});

describe('redisET store behaviour', () => {
  it('answers 500 when Redis fails after start', async () => {
    const extra = await startRedisServer();
    const store = new RedisKeyValueStore({ host: extra.host, port: extra.port });
    const acknowledging = await startAcknowledgingEngine();
    const engine = acknowledging.server;
    const toolkit = await startToolkit({ processUrl: acknowledging.processUrl, redisEt: store });
    const running = toolkit.runChunk({ internalJobId: 'j', internalTaskId: 't', heartbeatTimeoutMs: 5000 });
    try {
      await acknowledging.fields;
      expect((await fetch(`${toolkit.url}/keys/tt/k`, { method: 'POST', body: 'v' })).status).toBe(200);
      await extra.stop();
      const failed = await fetch(`${toolkit.url}/keys/tt/k`);
      expect(failed.status).toBe(500);
      expect(await failed.text()).toContain('Redis');
    } finally {
      await fetch(`${toolkit.url}/heartbeat/t`, { method: 'POST', body: '{"status":"complete"}' });
      await running;
      await toolkit.close();
      await new Promise((resolve) => engine.close(resolve));
      await extra.stop();
    }
  });

  it('answers 500 when Redis is unreachable', async () => {
    const port = await findFreePortForTest();
    const store = new RedisKeyValueStore({ host: '127.0.0.1', port });
    await expect(store.ping()).rejects.toMatchObject({ code: 'redis_error' });
    await expect(
      startToolkit({ processUrl: 'http://127.0.0.1:9/process', redisEt: { host: '127.0.0.1', port } }),
    ).rejects.toMatchObject({
      code: 'redis_error',
    });
  });

  it('memory store honours TTL against its clock', async () => {
    let now = 1_000;
    const store = new MemoryKeyValueStore({ now: () => now });
    await store.set('k', Buffer.from('v'), 10);
    now += 9_999;
    expect((await store.get('k'))?.toString()).toBe('v');
    now += 1;
    expect(await store.get('k')).toBeUndefined();
  });
});
