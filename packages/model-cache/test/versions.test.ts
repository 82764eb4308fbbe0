import { readFileSync, utimesSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelCache, modelVersionOf, urlWithoutQuery } from '../src/index.ts';
import { entriesOf, makeTempRoot } from './helpers/temp.ts';

const model = { libraryId: 'library-1', libraryEngineModelId: 'model-1' };
const v1 = { ...model, version: 'v1' };
const v2 = { ...model, version: 'v2' };

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function newCache(versionGraceMs = 60_000) {
  const temp = makeTempRoot();
  cleanups.push(temp.cleanup);
  return { ...temp, cache: new ModelCache({ root: temp.root, lockStaleMs: 1_000, versionGraceMs }) };
}

const writing =
  (content: string) =>
  async ({ dir }: { dir: string }) => {
    await writeFile(join(dir, 'model.json'), content);
  };

/** Makes a version look published and last used `ago` ms ago, as if it had sat idle that long. */
async function age(root: string, dir: string, ago: number) {
  const past = new Date(Date.now() - ago);
  utimesSync(join(dir, '.model-cache.json'), past, past);
  for (const marker of entriesOf(join(root, '.model-cache', 'used'))) {
    utimesSync(join(root, '.model-cache', 'used', marker), past, past);
  }
}

describe('model versions', () => {
  it('keeps each version in its own folder, with the same file name, and points current at the newest', async () => {
    const { cache, root } = newCache();
    const first = await cache.ensure(v1, writing('{"entities":1}'));
    expect(await cache.current(model)).toBe('v1');
    const second = await cache.ensure(v2, writing('{"entities":2}'));

    expect(first.dir).toBe(join(root, 'library-1', 'model-1', 'versions', 'v1'));
    expect(second).toEqual({ dir: join(root, 'library-1', 'model-1', 'versions', 'v2'), hit: false });
    expect(readFileSync(join(first.dir, 'model.json'), 'utf8')).toBe('{"entities":1}');
    expect(readFileSync(join(second.dir, 'model.json'), 'utf8')).toBe('{"entities":2}');
    expect(await cache.current({ ...model, version: 'ignored' })).toBe('v2');
    expect(entriesOf(join(root, 'library-1', 'model-1'))).toEqual(['current', 'versions']);
    expect(await cache.ensure(v1, writing('never'))).toEqual({ dir: first.dir, hit: true });
  });

  it('keeps an old version through the grace period and removes it after, but never the current one', async () => {
    const { cache, root } = newCache(1_000);
    const first = await cache.ensure(v1, writing('one'));
    await cache.ensure(v2, writing('two'));
    expect(await cache.removeOldVersions(v2)).toEqual([]);
    expect(entriesOf(join(root, 'library-1', 'model-1', 'versions'))).toEqual(['v1', 'v2']);

    await age(root, first.dir, 5_000);
    await age(root, cache.path(v2), 5_000);
    expect(await cache.removeOldVersions(v2)).toEqual(['v1']);
    expect(entriesOf(join(root, 'library-1', 'model-1', 'versions'))).toEqual(['v2']);
    expect(entriesOf(join(root, '.model-cache', 'trash'))).toEqual([]);
    expect(entriesOf(join(root, '.model-cache', 'locks'))).toEqual([]);
  });

  it('counts a hit on an old version as a use that restarts its grace period', async () => {
    const { cache, root } = newCache(1_000);
    await cache.ensure(v1, writing('one'));
    await cache.ensure(v2, writing('two'));
    await age(root, cache.path(v1), 5_000);
    // A reader in this process still asks for v1 (its task began before the retrain).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await cache.ensure(v1, writing('never'))).toMatchObject({ hit: true });
    expect(await cache.removeOldVersions(v2)).toEqual([]);
    expect(entriesOf(join(root, 'library-1', 'model-1', 'versions'))).toEqual(['v1', 'v2']);
  });

  it('removes nothing while another holder has the model lock', async () => {
    const { cache, root } = newCache(1_000);
    await cache.ensure(v1, writing('one'));
    await cache.ensure(v2, writing('two'));
    await age(root, cache.path(v1), 5_000);
    let release: () => void = () => undefined;
    const filling = cache.ensure(
      { ...model, version: 'v3' },
      () => new Promise<void>((resolve) => (release = resolve)),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await cache.removeOldVersions(v2)).toEqual([]);
    release();
    await filling;
    // The publish of v3 swept under its own lock: v1 was idle beyond the grace period.
    expect(entriesOf(join(root, 'library-1', 'model-1', 'versions'))).toEqual(['v2', 'v3']);
    expect(await cache.current(model)).toBe('v3');
  });

  it('gives up waiting after waitTimeoutMs when the call sets no timeout', async () => {
    const temp = makeTempRoot();
    cleanups.push(temp.cleanup);
    const cache = new ModelCache({ root: temp.root, waitTimeoutMs: 300 });
    const started = Date.now();
    const error = await cache.ensure(v1, () => new Promise<void>(() => undefined)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'timeout' });
    expect((error as Error).message).toContain('300 ms');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('refuses non-positive and non-finite limits', () => {
    for (const options of [
      { waitTimeoutMs: 0 },
      { versionGraceMs: Number.POSITIVE_INFINITY },
      { lockStaleMs: -1 },
    ]) {
      expect(() => new ModelCache({ root: '/tmp/x', ...options })).toThrow(RangeError);
    }
  });
});

describe('modelVersionOf', () => {
  const base = {
    modifiedDateTime: '2026-12-02T13:45:00.123Z',
    dataUrl: 'https://bucket.example/models/m1/logo-model.json?X-Amz-Signature=aaa&X-Amz-Date=1',
    contentType: 'application/json',
  };

  it('reads as the modified time plus a digest, and is a safe folder name', () => {
    expect(modelVersionOf(base)).toMatch(/^20261202T134500123Z-[0-9a-f]{16}$/);
    expect(modelVersionOf({})).toMatch(/^undated-[0-9a-f]{16}$/);
  });

  it('ignores the signed query string, which changes on every read', () => {
    const reread = { ...base, dataUrl: base.dataUrl.replace('aaa', 'bbb').replace('Date=1', 'Date=2') };
    expect(modelVersionOf(reread)).toBe(modelVersionOf(base));
  });

  it('changes with modifiedDateTime, the file path or the content type', () => {
    const versions = new Set([
      modelVersionOf(base),
      modelVersionOf({ ...base, modifiedDateTime: '2026-12-02T13:45:00.124Z' }),
      modelVersionOf({ ...base, dataUrl: 'https://bucket.example/models/m1/other.json?X=1' }),
      modelVersionOf({ ...base, contentType: 'application/octet-stream' }),
    ]);
    expect(versions.size).toBe(4);
  });

  it('shows URLs without their query in messages', () => {
    expect(urlWithoutQuery('https://user:pw@h.example/a/b.json?X-Amz-Signature=s#f')).toBe(
      'https://h.example/a/b.json?…',
    );
    expect(urlWithoutQuery('https://h.example/a')).toBe('https://h.example/a');
    expect(urlWithoutQuery('not a url')).toBe('(unparseable URL)');
  });
});
