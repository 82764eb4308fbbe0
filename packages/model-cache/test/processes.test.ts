import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelCache } from '../src/index.ts';
import { keyDigest } from '../src/key.ts';
import { modelBytes } from './helpers/model-bytes.ts';
import { entriesOf, fillsIn, makeTempRoot } from './helpers/temp.ts';
import { killAllWorkers, Worker, type WorkerConfig } from './helpers/workers.ts';

const key = { libraryId: 'library-1', libraryEngineModelId: 'model-1' };
const FILL_BYTES = 256 * 1024;
const expectedSha = createHash('sha256').update(modelBytes(FILL_BYTES)).digest('hex');

const cleanups: (() => void)[] = [];
afterEach(async () => {
  await killAllWorkers();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function setup(overrides: Partial<WorkerConfig> = {}) {
  const temp = makeTempRoot();
  cleanups.push(temp.cleanup);
  const config: WorkerConfig = {
    root: temp.root,
    lockStaleMs: 1_000,
    key,
    fillLog: temp.fillLog,
    fillBytes: FILL_BYTES,
    fillMs: 400,
    mode: 'fill',
    waitForGo: true,
    ...overrides,
  };
  return { ...temp, config };
}

async function startAll(configs: WorkerConfig[]): Promise<Worker[]> {
  const workers = configs.map((config) => new Worker(config));
  // Starting node + tsx in 8 processes on a loaded 2-core machine can take well over 30 s.
  await Promise.all(workers.map((worker) => worker.waitFor('ready', 120_000)));
  return workers;
}

describe('separate processes sharing one cache', () => {
  it('fills once when 8 processes race for a cold key, and all 8 read the same complete model', async () => {
    const { config, root, fillLog } = setup();
    const workers = await startAll(Array.from({ length: 8 }, () => config));
    for (const worker of workers) worker.send('go');
    const results = await Promise.all(workers.map((worker) => worker.waitFor('done')));

    expect(fillsIn(fillLog)).toHaveLength(1);
    expect(results.map((result) => result.event)).toEqual(Array(8).fill('done'));
    expect(new Set(results.map((result) => result.dir))).toEqual(
      new Set([join(root, 'library-1', 'model-1', 'versions', 'unversioned')]),
    );
    expect(results.map((result) => result.sha256)).toEqual(Array(8).fill(expectedSha));
    expect(entriesOf(join(root, '.model-cache', 'staging'))).toEqual([]);
    expect(entriesOf(join(root, '.model-cache', 'locks'))).toEqual([]);
  }, 240_000);

  it('recovers when the filling process is SIGKILLed half way, and never publishes its half-written files', async () => {
    const { config, root, fillLog } = setup({ lockStaleMs: 30_000 });
    const [victim] = await startAll([{ ...config, mode: 'die' }]);
    victim!.send('go');
    const half = await victim!.waitFor('half-written');
    await victim!.kill('SIGKILL');
    expect(entriesOf(join(root, '.model-cache', 'staging'))).toHaveLength(1);
    expect(entriesOf(join(root, '.model-cache', 'locks'))).toHaveLength(1);

    // The dead owner ran on this host, so the lock is taken over at once rather than after 30 s.
    const [next] = await startAll([config]);
    const started = Date.now();
    next!.send('go');
    const result = await next!.waitFor('done');

    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result).toMatchObject({ event: 'done', hit: false, sha256: expectedSha });
    expect(fillsIn(fillLog)).toEqual([String(victim!.pid), String(next!.pid)]);
    expect(entriesOf(join(root, '.model-cache', 'staging'))).toEqual([]);
    expect(entriesOf(half.dir!)).toEqual([]);
    expect(JSON.parse(readFileSync(join(result.dir!, 'info.json'), 'utf8'))).toEqual({ filledBy: next!.pid });
  }, 240_000);

  it('lets a process that is already waiting take over when the filler is SIGKILLed', async () => {
    const { config, fillLog } = setup({ lockStaleMs: 30_000 });
    const [victim, waiter] = await startAll([{ ...config, mode: 'die' }, config]);
    victim!.send('go');
    await victim!.waitFor('half-written');
    waiter!.send('go');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(waiter!.events.map((event) => event.event)).toEqual(['ready']);

    await victim!.kill('SIGKILL');
    const result = await waiter!.waitFor('done');
    expect(result).toMatchObject({ event: 'done', hit: false, sha256: expectedSha });
    expect(fillsIn(fillLog)).toEqual([String(victim!.pid), String(waiter!.pid)]);
  }, 240_000);

  it("stays correct when a stalled filler loses its lock: one model, the loser keeps the winner's files", async () => {
    const { config, root, fillLog } = setup({ lockStaleMs: 400 });
    const [stalled, other] = await startAll([{ ...config, mode: 'pause' }, config]);
    stalled!.send('go');
    await stalled!.waitFor('half-written');
    // A stopped process refreshes nothing, like one whose event loop is blocked for too long.
    stalled!.child.kill('SIGSTOP');
    other!.send('go');
    const winner = await other!.waitFor('done');
    stalled!.child.kill('SIGCONT');
    stalled!.send('continue');
    const loser = await stalled!.waitFor('done');

    expect(fillsIn(fillLog)).toEqual([String(stalled!.pid), String(other!.pid)]);
    expect(winner).toMatchObject({ event: 'done', sha256: expectedSha });
    expect(loser).toMatchObject({ event: 'done', dir: winner.dir, sha256: expectedSha });
    expect(JSON.parse(readFileSync(join(winner.dir!, 'info.json'), 'utf8'))).toEqual({
      filledBy: other!.pid,
    });
    expect(entriesOf(join(root, '.model-cache', 'staging'))).toEqual([]);
    expect(entriesOf(join(root, '.model-cache', 'locks'))).toEqual([]);
  }, 240_000);

  it('recovers from a lock left by another host once it is older than lockStaleMs', async () => {
    const { config, root, fillLog } = setup({ lockStaleMs: 800 });
    const [worker] = await startAll([config]);
    // Planted only now, so its age at "go" is ~0 however long the worker took to start.
    const lockDir = join(root, '.model-cache', 'locks', keyDigest(key));
    mkdirSync(lockDir, { recursive: true });
    const owner = { pid: 1, hostname: 'another-host', token: 'old', acquiredAt: Date.now() };
    writeFileSync(join(lockDir, 'owner.json'), JSON.stringify(owner));
    const planted = Date.now();
    worker!.send('go');
    const result = await worker!.waitFor('done');

    expect(result).toMatchObject({ event: 'done', sha256: expectedSha });
    expect(Date.now() - planted).toBeGreaterThanOrEqual(800);
    expect(fillsIn(fillLog)).toHaveLength(1);
  }, 240_000);

  it('lets only one of two processes take over the same stale lock and fill', async () => {
    const { config, root, fillLog } = setup({ lockStaleMs: 500 });
    const lockDir = join(root, '.model-cache', 'locks', keyDigest(key));
    mkdirSync(lockDir, { recursive: true });
    const owner = { pid: 1, hostname: 'another-host', token: 'stale-token', acquiredAt: 0 };
    writeFileSync(join(lockDir, 'owner.json'), JSON.stringify(owner));
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(lockDir, longAgo, longAgo);

    const workers = await startAll([config, config]);
    for (const worker of workers) worker.send('go');
    const results = await Promise.all(workers.map((worker) => worker.waitFor('done')));

    expect(fillsIn(fillLog)).toHaveLength(1);
    expect(results.map((result) => result.sha256)).toEqual([expectedSha, expectedSha]);
    expect(entriesOf(join(root, '.model-cache', 'locks'))).toEqual([]);
  }, 240_000);

  it('publishes nothing when the fill fails, and the next process fills it properly', async () => {
    const { config, root, fillLog } = setup();
    const [failing] = await startAll([{ ...config, mode: 'fail' }]);
    failing!.send('go');
    expect(await failing!.waitFor('done')).toMatchObject({ event: 'error', code: 'fill_failed' });
    await failing!.exited;

    const modelDir = join(root, 'library-1', 'model-1', 'versions');
    expect(entriesOf(modelDir)).toEqual([]);
    expect(entriesOf(join(root, '.model-cache', 'staging'))).toEqual([]);
    expect(entriesOf(join(root, '.model-cache', 'locks'))).toEqual([]);

    const [next] = await startAll([config]);
    next!.send('go');
    expect(await next!.waitFor('done')).toMatchObject({ event: 'done', sha256: expectedSha });
    expect(fillsIn(fillLog)).toHaveLength(2);
  }, 240_000);

  it('keeps a reader in another process working when the model is evicted under it', async () => {
    const { config, root } = setup();
    const cache = new ModelCache({ root, lockStaleMs: 1_000 });
    const [reader] = await startAll([{ ...config, mode: 'slow-read' }]);
    reader!.send('go');
    await reader!.waitFor('reading');

    const pathBefore = cache.path(key);
    expect(await cache.has(key)).toBe(true);
    expect(await cache.evict(key)).toBe(true);
    expect(await cache.has(key)).toBe(false);
    expect(entriesOf(pathBefore)).toEqual([]);
    expect(entriesOf(join(root, '.model-cache', 'trash'))).toEqual([]);

    reader!.send('continue');
    const result = await reader!.waitFor('done');
    expect(result).toMatchObject({
      event: 'done',
      sha256: expectedSha,
      dir: pathBefore,
      pathAfter: pathBefore,
    });
    expect(cache.path(key)).toBe(pathBefore);
  }, 240_000);

  it('never lets a reader see part of a model while another process evicts it over and over', async () => {
    const { config, root, fillLog } = setup({ fillBytes: 64 * 1024, fillMs: 16 });
    const cache = new ModelCache({ root, lockStaleMs: 1_000 });
    const loops = 25;
    const workers = await startAll(
      Array.from({ length: 4 }, () => ({ ...config, mode: 'loop' as const, loops })),
    );
    for (const worker of workers) worker.send('go');
    let running = true;
    const evictions = (async () => {
      let evicted = 0;
      while (running) {
        if (await cache.evict(key)) evicted += 1;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return evicted;
    })();
    const results = await Promise.all(workers.map((worker) => worker.waitFor('done')));
    running = false;

    expect(await evictions).toBeGreaterThan(0);
    for (const result of results) {
      expect(result).toMatchObject({ event: 'done', bad: 0 });
      expect(result.ok! + result.gone!).toBe(loops);
      expect(result.ok).toBeGreaterThan(0);
    }
    expect(fillsIn(fillLog).length).toBeGreaterThan(1);
    expect(entriesOf(join(root, '.model-cache', 'staging'))).toEqual([]);
    expect(entriesOf(join(root, '.model-cache', 'locks'))).toEqual([]);
    expect(entriesOf(join(root, '.model-cache', 'trash'))).toEqual([]);
  }, 240_000);

  it('leaves a fill running in another process alone when pruning and evicting', async () => {
    const { config, root } = setup();
    const cache = new ModelCache({ root, lockStaleMs: 1_000 });
    const [filler] = await startAll([{ ...config, mode: 'pause' }]);
    filler!.send('go');
    const half = await filler!.waitFor('half-written');

    expect(await cache.prune({ maxBytes: 0, olderThanMs: 0 })).toEqual({
      evicted: [],
      freedBytes: 0,
      keptBytes: 0,
      removedStaging: 0,
    });
    expect(await cache.evict(key)).toBe(false);
    expect(entriesOf(half.dir!)).toEqual(['model.bin']);

    filler!.send('continue');
    expect(await filler!.waitFor('done')).toMatchObject({ event: 'done', sha256: expectedSha });
    expect((await cache.verify(key)).ok).toBe(true);
  }, 240_000);
});
