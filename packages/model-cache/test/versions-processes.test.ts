import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelCache } from '../src/index.ts';
import { modelBytes } from './helpers/model-bytes.ts';
import { entriesOf, fillsIn, makeTempRoot } from './helpers/temp.ts';
import { killAllWorkers, Worker, type WorkerConfig } from './helpers/workers.ts';

/** One model retrained in place: version 1 and version 2 under the same two ids, different bytes. */
const model = { libraryId: 'library-1', libraryEngineModelId: 'model-1' };
const v1 = { ...model, version: 'v1' };
const v2 = { ...model, version: 'v2' };
const FILL_BYTES = 256 * 1024;
const sha = (seed: number) => createHash('sha256').update(modelBytes(FILL_BYTES, seed)).digest('hex');

const cleanups: (() => void)[] = [];
afterEach(async () => {
  await killAllWorkers();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function setup() {
  const temp = makeTempRoot();
  cleanups.push(temp.cleanup);
  const config = (overrides: Partial<WorkerConfig>): WorkerConfig => ({
    root: temp.root,
    lockStaleMs: 30_000,
    key: v1,
    fillLog: temp.fillLog,
    fillBytes: FILL_BYTES,
    fillMs: 400,
    mode: 'fill',
    waitForGo: true,
    fillSeed: 1,
    ...overrides,
  });
  const versionsDir = join(temp.root, 'library-1', 'model-1', 'versions');
  return { ...temp, config, versionsDir };
}

async function startAll(configs: WorkerConfig[]): Promise<Worker[]> {
  const workers = configs.map((config) => new Worker(config));
  // Starting node + tsx in 8 processes on a loaded 2-core machine can take well over 30 s.
  await Promise.all(workers.map((worker) => worker.waitFor('ready', 120_000)));
  return workers;
}

async function publishIn(config: WorkerConfig) {
  const [worker] = await startAll([config]);
  worker!.send('go');
  return worker!.waitFor('done');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('versions of one model across processes', () => {
  it('lets a process finish reading version 1 while another publishes version 2 and uses it', async () => {
    const { config, root } = setup();
    await publishIn(config({ key: v1, fillSeed: 1 }));
    const [reader] = await startAll([config({ key: v1, mode: 'slow-read' })]);
    reader!.send('go');
    await reader!.waitFor('reading');

    const publisher = await publishIn(config({ key: v2, fillSeed: 2 }));
    expect(publisher).toMatchObject({ event: 'done', hit: false, sha256: sha(2) });
    expect(await new ModelCache({ root }).current(model)).toBe('v2');

    reader!.send('continue');
    const read = await reader!.waitFor('done');
    expect(read).toMatchObject({
      event: 'done',
      hit: true,
      sha256: sha(1),
      dir: publisher.dir!.replace('v2', 'v1'),
    });
  }, 240_000);

  it('downloads a new version once when 8 processes race for it, while version 1 stays', async () => {
    const { config, fillLog, versionsDir, root } = setup();
    await publishIn(config({ key: v1, fillSeed: 1 }));
    const workers = await startAll(Array.from({ length: 8 }, () => config({ key: v2, fillSeed: 2 })));
    for (const worker of workers) worker.send('go');
    const results = await Promise.all(workers.map((worker) => worker.waitFor('done')));

    expect(fillsIn(fillLog)).toHaveLength(2);
    expect(results.map((result) => result.sha256)).toEqual(Array(8).fill(sha(2)));
    expect(new Set(results.map((result) => result.dir))).toEqual(new Set([join(versionsDir, 'v2')]));
    expect(entriesOf(versionsDir)).toEqual(['v1', 'v2']);
    expect(entriesOf(join(root, '.model-cache', 'staging'))).toEqual([]);
    expect(entriesOf(join(root, '.model-cache', 'locks'))).toEqual([]);
  }, 240_000);

  it('removes the old version only after the grace period, never while a process still uses it', async () => {
    const graceMs = 1_500;
    const { config, versionsDir, root } = setup();
    await publishIn(config({ key: v1, fillSeed: 1, versionGraceMs: graceMs }));
    // A long-running task keeps reading version 1 until told to stop, over several grace periods.
    const [user] = await startAll([
      config({
        key: v1,
        mode: 'loop',
        loopUntilLine: true,
        loopDelayMs: 100,
        versionGraceMs: graceMs,
        fillMs: 16,
      }),
    ]);
    user!.send('go');
    await publishIn(config({ key: v2, fillSeed: 2, versionGraceMs: graceMs }));
    // Other processes keep publishing newer versions meanwhile, each sweeping old ones under the lock.
    for (const version of ['v3', 'v4']) {
      await sleep(graceMs);
      await publishIn(config({ key: { ...model, version }, fillSeed: 3, versionGraceMs: graceMs }));
      expect(entriesOf(versionsDir)).toContain('v1');
    }
    user!.send('stop');
    const used = await user!.waitFor('done', 60_000);
    expect(used).toMatchObject({ event: 'done', gone: 0, bad: 0 });
    expect(used.ok).toBeGreaterThan(10);
    expect(entriesOf(versionsDir)).toContain('v1');

    await sleep(graceMs + 500);
    const cache = new ModelCache({ root, versionGraceMs: graceMs });
    // v2 (and v3, when it was idle long enough) already went when v4 was published.
    expect(await cache.removeOldVersions({ ...model, version: 'v4' })).toContain('v1');
    expect(entriesOf(versionsDir)).toEqual(['v4']);
    expect(entriesOf(join(root, '.model-cache', 'trash'))).toEqual([]);
  }, 300_000);

  it('recovers from a SIGKILL during the version 2 fill, with version 1 readable throughout', async () => {
    const { config, versionsDir, fillLog, root } = setup();
    const first = await publishIn(config({ key: v1, fillSeed: 1 }));
    const v1File = join(first.dir!, 'model.bin');
    const [victim] = await startAll([config({ key: v2, fillSeed: 2, mode: 'die' })]);
    victim!.send('go');
    await victim!.waitFor('half-written');
    expect(createHash('sha256').update(readFileSync(v1File)).digest('hex')).toBe(sha(1));
    await victim!.kill('SIGKILL');
    expect(createHash('sha256').update(readFileSync(v1File)).digest('hex')).toBe(sha(1));
    expect(await new ModelCache({ root }).current(model)).toBe('v1');

    // lockStaleMs is 30 s, but the dead filler ran on this host: the next task takes over at once.
    const started = Date.now();
    const next = await publishIn(config({ key: v2, fillSeed: 2 }));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(next).toMatchObject({ event: 'done', hit: false, sha256: sha(2) });
    expect(fillsIn(fillLog)).toHaveLength(3);
    expect(entriesOf(versionsDir)).toEqual(['v1', 'v2']);
    expect(createHash('sha256').update(readFileSync(v1File)).digest('hex')).toBe(sha(1));
    expect(entriesOf(join(root, '.model-cache', 'staging'))).toEqual([]);
  }, 240_000);

  it('bounds a waiter behind a live filler that hangs: timeout, not a wait for ever', async () => {
    const { config, root } = setup();
    const [hanging] = await startAll([config({ key: v2, mode: 'pause' })]);
    hanging!.send('go');
    await hanging!.waitFor('half-written');
    const cache = new ModelCache({ root, lockStaleMs: 30_000, waitTimeoutMs: 800 });
    const started = Date.now();
    const error = await cache.ensure(v2, () => undefined).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(15_000);
    hanging!.send('continue');
    expect(await hanging!.waitFor('done')).toMatchObject({ event: 'done', sha256: sha(1) });
  }, 240_000);
});
