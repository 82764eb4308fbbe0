import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelCache, ModelCacheError, resolveLibraryModelRoot, validateModelKey } from '../src/index.ts';
import { makeTempRoot } from './helpers/temp.ts';

const hostileIds: unknown[] = [
  '',
  '.',
  '..',
  'a/b',
  '../escape',
  '/etc',
  'a\\b',
  '..\\escape',
  'nul\u0000byte',
  'new\nline',
  'tab\there',
  'del\u007f',
  'x'.repeat(256),
  'é'.repeat(128),
  42,
  null,
  undefined,
];

function hostileKeys(): unknown[] {
  return [
    ...hostileIds.map((id) => ({ libraryId: id, libraryEngineModelId: 'model' })),
    ...hostileIds.map((id) => ({ libraryId: 'library', libraryEngineModelId: id })),
    // `undefined` is the default version, so it is not hostile there.
    ...hostileIds
      .filter((id) => id !== undefined)
      .map((id) => ({ libraryId: 'library', libraryEngineModelId: 'model', version: id })),
    { libraryId: '.model-cache', libraryEngineModelId: 'locks' },
    null,
    'library/model',
  ];
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function codeOf(action: () => unknown): Promise<string | undefined> {
  try {
    await action();
    return undefined;
  } catch (error) {
    return error instanceof ModelCacheError ? error.code : String(error);
  }
}

describe('key validation', () => {
  it('refuses every hostile key in every method, before touching the disk', async () => {
    const { base, root, cleanup } = makeTempRoot();
    cleanups.push(cleanup);
    const cache = new ModelCache({ root });
    let fills = 0;
    const fill = () => {
      fills += 1;
    };
    for (const key of hostileKeys()) {
      const k = key as { libraryId: string; libraryEngineModelId: string };
      const codes = [
        await codeOf(() => cache.path(k)),
        await codeOf(() => cache.has(k)),
        await codeOf(() => cache.ensure(k, fill)),
        await codeOf(() => cache.ensureFromUrl(k, 'http://127.0.0.1:9/model.bin')),
        await codeOf(() => cache.evict(k)),
        await codeOf(() => cache.verify(k)),
      ];
      expect(codes, JSON.stringify(key)).toEqual(Array(6).fill('invalid_key'));
    }
    expect(fills).toBe(0);
    expect(readdirSync(base)).toEqual([]);
  });

  it('names the field and the rule in the message', () => {
    expect(() => validateModelKey({ libraryId: 'ok', libraryEngineModelId: '..' })).toThrow(
      /libraryEngineModelId must not be "\.\."/,
    );
    expect(() => validateModelKey({ libraryId: 'a/b', libraryEngineModelId: 'ok' })).toThrow(
      /libraryId must not contain a path separator/,
    );
  });

  it('accepts ids up to 255 bytes, including non-ASCII and dots inside', () => {
    const cache = new ModelCache({ root: '/cache/libraries' });
    const long = 'é'.repeat(127);
    expect(cache.path({ libraryId: long, libraryEngineModelId: 'v1.2..3' })).toBe(
      join('/cache/libraries', long, 'v1.2..3', 'versions', 'unversioned'),
    );
  });

  it('accepts ids that only start with dots, such as "..foo" and "...": they are plain names', () => {
    const cache = new ModelCache({ root: '/cache/libraries' });
    expect(cache.path({ libraryId: '..foo', libraryEngineModelId: '...', version: '..v' })).toBe(
      join('/cache/libraries', '..foo', '...', 'versions', '..v'),
    );
    expect(cache.path({ libraryId: '...', libraryEngineModelId: '..' + 'x' })).toBe(
      join('/cache/libraries', '...', '..x', 'versions', 'unversioned'),
    );
  });

  it('maps every accepted key to a version folder exactly four levels inside the root', () => {
    const cache = new ModelCache({ root: '/cache/libraries' });
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ maxLength: 10 }), (a, b) => {
        let dir: string;
        try {
          dir = cache.path({ libraryId: a, libraryEngineModelId: b, version: b });
        } catch (error) {
          expect((error as ModelCacheError).code).toBe('invalid_key');
          return;
        }
        const inside = relative('/cache/libraries', dir).split(sep);
        expect(inside).toEqual([a, b, 'versions', b]);
      }),
      { numRuns: 2_000 },
    );
    // 2 000 property runs take seconds; far more on a loaded shared machine.
  }, 120_000);
});

describe('resolving libraryModelDirectory', () => {
  const key = { libraryId: 'lib-1', libraryEngineModelId: 'model-9' };

  it('uses the directory as the root when it does not end with the key', () => {
    expect(resolveLibraryModelRoot('/cache/3/libraries', key)).toBe('/cache/3/libraries');
    const cache = ModelCache.fromLibraryModelDirectory('/cache/3/libraries', key);
    expect(cache.path({ ...key, version: 'v2' })).toBe('/cache/3/libraries/lib-1/model-9/versions/v2');
  });

  it('goes up two levels when the directory already ends with exactly the key', () => {
    expect(resolveLibraryModelRoot('/cache/3/libraries/lib-1/model-9/', key)).toBe('/cache/3/libraries');
    const cache = ModelCache.fromLibraryModelDirectory('/cache/3/libraries/lib-1/model-9', key, {
      lockStaleMs: 5,
    });
    expect(cache.path({ ...key, version: 'v2' })).toBe('/cache/3/libraries/lib-1/model-9/versions/v2');
    expect(cache.lockStaleMs).toBe(5);
  });

  it('does not go up when only one segment matches or the order is swapped', () => {
    expect(resolveLibraryModelRoot('/c/other/model-9', key)).toBe('/c/other/model-9');
    expect(resolveLibraryModelRoot('/c/model-9/lib-1', key)).toBe('/c/model-9/lib-1');
  });

  it('uses the directory itself when no key is given', () => {
    expect(resolveLibraryModelRoot('/cache/3/libraries/lib-1/model-9')).toBe(
      '/cache/3/libraries/lib-1/model-9',
    );
  });
});
