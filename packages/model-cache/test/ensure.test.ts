import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MANIFEST_FILE, ModelCache, ModelCacheError } from '../src/index.ts';
import { keyDigest } from '../src/key.ts';
import { entriesOf, makeTempRoot } from './helpers/temp.ts';
import { until } from './helpers/until.ts';

const key = { libraryId: 'library-1', libraryEngineModelId: 'model-1' };

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function newCache(lockStaleMs = 1_000) {
  const temp = makeTempRoot();
  cleanups.push(temp.cleanup);
  return { ...temp, cache: new ModelCache({ root: temp.root, lockStaleMs }) };
}

function countingFill(content = 'weights', delayMs = 0) {
  const fill = async ({ dir }: { dir: string }) => {
    fill.calls += 1;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    mkdirSync(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'weights.bin'), content);
  };
  fill.calls = 0;
  return fill;
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

function internalEntries(root: string) {
  return {
    staging: entriesOf(join(root, '.model-cache', 'staging')),
    locks: entriesOf(join(root, '.model-cache', 'locks')),
  };
}

describe('ensure in one process', () => {
  it('fills on a miss, then answers from disk on a hit', async () => {
    const { cache, root } = newCache();
    const fill = countingFill();
    const first = await cache.ensure(key, fill);
    const second = await cache.ensure(key, fill);

    expect(first).toEqual({ dir: join(root, 'library-1', 'model-1', 'versions', 'unversioned'), hit: false });
    expect(second).toEqual({ dir: first.dir, hit: true });
    expect(fill.calls).toBe(1);
    expect(readFileSync(join(first.dir, 'sub', 'weights.bin'), 'utf8')).toBe('weights');
    expect(await cache.has(key)).toBe(true);
    expect(internalEntries(root)).toEqual({ staging: [], locks: [] });
  });

  it('records size, hashes and time in the manifest', async () => {
    const { cache } = newCache();
    const before = Date.now();
    const { dir } = await cache.ensure(key, countingFill('abc'));
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
    expect(manifest).toMatchObject({
      version: 1,
      ...key,
      size: 3,
      files: [
        {
          path: 'sub/weights.bin',
          size: 3,
          sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
        },
      ],
    });
    expect(manifest.createdAt).toBeGreaterThanOrEqual(before);
  });

  it('shares one fill between concurrent calls for the same key', async () => {
    const { cache } = newCache();
    const fill = countingFill('x', 50);
    const results = await Promise.all(Array.from({ length: 10 }, () => cache.ensure(key, fill)));
    expect(fill.calls).toBe(1);
    expect(new Set(results.map((result) => result.dir)).size).toBe(1);
  });

  it('shares one fill between cache instances on the same root in one process', async () => {
    const { cache, root } = newCache();
    const fill = countingFill('x', 150);
    const controller = new AbortController();
    const leaving = rejection(cache.ensure(key, fill, { signal: controller.signal }));
    const staying = new ModelCache({ root }).ensure(key, fill);
    setTimeout(() => controller.abort(), 20);
    expect((await leaving).code).toBe('aborted');
    expect(await staying).toEqual({ dir: cache.path(key), hit: false });
    expect(fill.calls).toBe(1);
  });

  it('fills different keys independently', async () => {
    const { cache } = newCache();
    const fill = countingFill('x', 20);
    const other = { libraryId: 'library-1', libraryEngineModelId: 'model-2' };
    const [a, b] = await Promise.all([cache.ensure(key, fill), cache.ensure(other, fill)]);
    expect(fill.calls).toBe(2);
    expect(a.dir).not.toBe(b.dir);
  });

  it('publishes nothing and leaves no trace when fill throws, and a later call can fill', async () => {
    const { cache, root } = newCache();
    const cause = new Error('network down');
    const error = await rejection(
      cache.ensure(key, async ({ dir }) => {
        await writeFile(join(dir, 'partial.bin'), 'half');
        throw cause;
      }),
    );
    expect(error.code).toBe('fill_failed');
    expect(error.message).toContain('network down');
    expect(error.cause).toBe(cause);
    expect(await cache.has(key)).toBe(false);
    expect(entriesOf(join(root, 'library-1', 'model-1', 'versions'))).toEqual([]);
    expect(internalEntries(root)).toEqual({ staging: [], locks: [] });

    expect((await cache.ensure(key, countingFill())).hit).toBe(false);
  });

  it('passes a ModelCacheError thrown by fill through with its own code', async () => {
    const { cache } = newCache();
    const error = await rejection(
      cache.ensure(key, () => {
        throw new ModelCacheError('integrity_mismatch', 'bad hash');
      }),
    );
    expect(error.code).toBe('integrity_mismatch');
  });

  it('refuses a fill that leaves a symlink or writes the manifest name', async () => {
    const { cache, base, root } = newCache();
    writeFileSync(join(base, 'outside.txt'), 'secret');
    const viaLink = await rejection(
      cache.ensure(key, ({ dir }) => symlinkSync(join(base, 'outside.txt'), join(dir, 'link'))),
    );
    const viaManifest = await rejection(
      cache.ensure(key, ({ dir }) => writeFileSync(join(dir, MANIFEST_FILE), '{}')),
    );
    expect([viaLink.code, viaManifest.code]).toEqual(['invalid_fill', 'invalid_fill']);
    expect(await cache.has(key)).toBe(false);
    expect(internalEntries(root).staging).toEqual([]);
  });

  it('refuses to publish over a foreign non-empty folder and leaves it alone', async () => {
    const { cache } = newCache();
    const dir = cache.path(key);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'mine.txt'), 'keep me');
    const fill = countingFill();
    const error = await rejection(cache.ensure(key, fill));
    expect(error.code).toBe('path_occupied');
    expect(fill.calls).toBe(0);
    expect(entriesOf(dir)).toEqual(['mine.txt']);
  });

  it('re-creates its own folders when they are deleted while the cache is in use', async () => {
    const { cache, root } = newCache();
    await cache.ensure(key, countingFill());
    rmSync(join(root, '.model-cache'), { recursive: true });
    const other = { libraryId: 'library-1', libraryEngineModelId: 'model-2' };
    expect(await cache.ensure(other, countingFill())).toMatchObject({ hit: false });
    expect(await cache.evict(other)).toBe(true);
  });

  it('publishes over an empty folder created ahead of time', async () => {
    const { cache } = newCache();
    mkdirSync(cache.path(key), { recursive: true });
    const { dir } = await cache.ensure(key, countingFill());
    expect(entriesOf(dir)).toEqual([MANIFEST_FILE, 'sub']);
  });
});

describe('waiting limits', () => {
  function holdLockAsLiveProcess(root: string) {
    const lockDir = join(root, '.model-cache', 'locks', keyDigest(key));
    mkdirSync(lockDir, { recursive: true });
    const owner = { pid: process.pid, hostname: 'elsewhere', token: 'held', acquiredAt: Date.now() };
    writeFileSync(join(lockDir, 'owner.json'), JSON.stringify(owner));
  }

  it('rejects with timeout when the model is not published within timeoutMs', async () => {
    const { cache, root } = newCache(60_000);
    holdLockAsLiveProcess(root);
    const started = Date.now();
    const fill = countingFill();
    const error = await rejection(cache.ensure(key, fill, { timeoutMs: 150 }));
    expect(error.code).toBe('timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(fill.calls).toBe(0);
  });

  it('rejects with aborted when the signal aborts while waiting', async () => {
    const { cache, root } = newCache(60_000);
    holdLockAsLiveProcess(root);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    const error = await rejection(cache.ensure(key, countingFill(), { signal: controller.signal }));
    expect(error.code).toBe('aborted');
  });

  it('rejects an already aborted signal without filling', async () => {
    const { cache } = newCache();
    const fill = countingFill();
    const error = await rejection(cache.ensure(key, fill, { signal: AbortSignal.abort() }));
    expect(error.code).toBe('aborted');
    expect(fill.calls).toBe(0);
  });

  it('keeps a shared fill going for the callers that still wait when one gives up', async () => {
    const { cache } = newCache();
    const fill = countingFill('x', 150);
    const controller = new AbortController();
    const leaving = rejection(cache.ensure(key, fill, { signal: controller.signal }));
    const staying = cache.ensure(key, fill);
    setTimeout(() => controller.abort(), 20);
    expect((await leaving).code).toBe('aborted');
    expect(await staying).toMatchObject({ hit: false });
    expect(fill.calls).toBe(1);
  });

  it('aborts the fill and publishes nothing when every caller gives up', async () => {
    const { cache, root } = newCache();
    const controller = new AbortController();
    let fillSignal: AbortSignal | undefined;
    const pending = rejection(
      cache.ensure(
        key,
        async ({ dir, signal }) => {
          await writeFile(join(dir, 'partial.bin'), 'half');
          fillSignal = signal;
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        },
        { signal: controller.signal },
      ),
    );
    await until(() => fillSignal !== undefined);
    controller.abort();

    expect((await pending).code).toBe('aborted');
    expect(fillSignal!.aborted).toBe(true);
    // The abandoned run cleans up after the caller has already been answered.
    await until(() => {
      const { staging, locks } = internalEntries(root);
      return staging.length === 0 && locks.length === 0;
    });
    expect(await cache.has(key)).toBe(false);
  });
});

describe('verify, evict and prune', () => {
  it('verifies an untouched model and reports changed, missing and unexpected files', async () => {
    const { cache } = newCache();
    const { dir } = await cache.ensure(key, async ({ dir }) => {
      await writeFile(join(dir, 'a.bin'), 'aaaa');
      await writeFile(join(dir, 'b.bin'), 'bbbb');
      await writeFile(join(dir, 'c.bin'), 'cccc');
    });
    expect(await cache.verify(key)).toMatchObject({ cached: true, ok: true, problems: [] });

    writeFileSync(join(dir, 'a.bin'), 'aaaX');
    writeFileSync(join(dir, 'b.bin'), 'bb');
    writeFileSync(join(dir, 'd.bin'), 'new');
    rmSync(join(dir, 'c.bin'));
    const result = await cache.verify(key);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      { path: 'a.bin', problem: 'sha256' },
      { path: 'b.bin', problem: 'size' },
      { path: 'c.bin', problem: 'missing' },
      { path: 'd.bin', problem: 'unexpected' },
    ]);
  });

  it('reports a key that is not cached', async () => {
    const { cache } = newCache();
    expect(await cache.verify(key)).toMatchObject({ cached: false, ok: false });
  });

  it('evicts a model so the next ensure fills again, and reports when there was nothing', async () => {
    const { cache, root } = newCache();
    const fill = countingFill();
    await cache.ensure(key, fill);
    expect(await cache.evict(key)).toBe(true);
    expect(await cache.evict(key)).toBe(false);
    expect(entriesOf(join(root, '.model-cache', 'trash'))).toEqual([]);
    expect((await cache.ensure(key, fill)).hit).toBe(false);
    expect(fill.calls).toBe(2);
  });

  it('removes staging left by dead fills but never one whose fill still holds the lock', async () => {
    const { cache, root } = newCache();
    const staging = join(root, '.model-cache', 'staging');
    let liveStaging = '';
    let release: (() => void) | undefined;
    const filling = cache.ensure(key, async ({ dir }) => {
      await writeFile(join(dir, 'w.bin'), 'x');
      liveStaging = dir;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    await until(() => release !== undefined);
    const deadKey = { libraryId: 'library-1', libraryEngineModelId: 'crashed' };
    mkdirSync(join(staging, `${keyDigest(deadKey)}.999999-deadbeef`), { recursive: true });

    const result = await cache.prune();
    expect(result.removedStaging).toBe(1);
    expect(entriesOf(staging)).toEqual([liveStaging.split('/').pop()]);
    release!();
    await filling;
  });

  it('deletes what a crashed process left in the trash, but not entries moved there just now', async () => {
    const { cache, root } = newCache(500);
    await cache.ensure(key, countingFill());
    const trash = join(root, '.model-cache', 'trash');
    mkdirSync(join(trash, 'left-by-crash', 'sub'), { recursive: true });
    await new Promise((resolve) => setTimeout(resolve, 600));
    mkdirSync(join(trash, 'being-deleted'));
    await cache.prune();
    expect(entriesOf(trash)).toEqual(['being-deleted']);
  });

  it('evicts least recently used models beyond maxBytes and skips foreign folders', async () => {
    const { cache, root } = newCache();
    const keys = ['m1', 'm2', 'm3'].map((id) => ({ libraryId: 'lib', libraryEngineModelId: id }));
    for (const k of keys) {
      await cache.ensure(k, ({ dir }) => writeFile(join(dir, 'w.bin'), Buffer.alloc(100)));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    mkdirSync(join(root, 'lib', 'foreign'));
    writeFileSync(join(root, 'lib', 'foreign', 'x'), Buffer.alloc(1_000));

    const result = await cache.prune({ maxBytes: 150 });
    expect(result.evicted).toEqual([keys[0], keys[1]].map((k) => ({ ...k, version: 'unversioned' })));
    expect(result).toMatchObject({ freedBytes: 200, keptBytes: 100 });
    expect(entriesOf(join(root, 'lib'))).toEqual(['foreign', 'm1', 'm2', 'm3']);
    expect(['m1', 'm2', 'm3'].map((id) => entriesOf(join(root, 'lib', id, 'versions')))).toEqual([
      [],
      [],
      ['unversioned'],
    ]);
    expect(entriesOf(join(root, 'lib', 'foreign'))).toEqual(['x']);
  });

  it('counts a hit as a use, so a recently read model outlives newer unread ones', async () => {
    const { cache, root } = newCache();
    const keys = ['m1', 'm2', 'm3'].map((id) => ({ libraryId: 'lib', libraryEngineModelId: id }));
    for (const k of keys) {
      await cache.ensure(k, ({ dir }) => writeFile(join(dir, 'w.bin'), Buffer.alloc(100)));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await cache.ensure(keys[0]!, countingFill())).toMatchObject({ hit: true });

    const result = await cache.prune({ maxBytes: 150 });
    expect(result.evicted).toEqual([keys[1], keys[2]].map((k) => ({ ...k, version: 'unversioned' })));
    expect(entriesOf(join(root, 'lib', 'm1', 'versions'))).toEqual(['unversioned']);
    expect(entriesOf(join(root, 'lib', 'm2', 'versions'))).toEqual([]);
  });

  it('evicts models older than olderThanMs and keeps newer ones', async () => {
    const { cache } = newCache();
    const old = { libraryId: 'lib', libraryEngineModelId: 'old' };
    await cache.ensure(old, ({ dir }) => writeFile(join(dir, 'w.bin'), 'x'));
    await new Promise((resolve) => setTimeout(resolve, 600));
    await cache.ensure(key, ({ dir }) => writeFile(join(dir, 'w.bin'), 'x'));
    const result = await cache.prune({ olderThanMs: 500 });
    expect(result.evicted).toEqual([{ ...old, version: 'unversioned' }]);
    expect(await cache.has(key)).toBe(true);
  });
});
