import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLibraryClient } from '../src/index.ts';
import { ENDPOINT, fakeLibrary } from './fake-api.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

async function collectAll<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('iterateEntities', () => {
  it('pages through all entities in order with the default page size of 30', async () => {
    const library = fakeLibrary({ entityCount: 95, identifierCount: () => 2 });
    server.use(library.handler);
    const client = createLibraryClient({ endpoint: ENDPOINT, token: 'tok' });
    const entities = await collectAll(client.iterateEntities({ libraryId: 'lib', identifierTypeId: 'face' }));
    expect(entities.map((entity) => entity.id)).toEqual(Array.from({ length: 95 }, (_, i) => `e${i}`));
    const pages = library.calls.filter((call) => call.operationName === 'ListLibraryEntities');
    expect(pages.map((call) => call.variables.offset).sort((a, b) => Number(a) - Number(b))).toEqual([
      0, 30, 60, 90,
    ]);
    expect(
      pages.every((call) => call.variables.limit === 30 && call.variables.identifierTypeId === 'face'),
    ).toBe(true);
    expect(entities[5]?.identifiers.map((item) => item.id)).toEqual(['e5-i0', 'e5-i1']);
  });

  it('fetches further identifier pages only for entities with more identifiers than one page', async () => {
    const library = fakeLibrary({ entityCount: 12, identifierCount: (i) => (i === 7 ? 23 : 1) });
    server.use(library.handler);
    const client = createLibraryClient({ endpoint: ENDPOINT });
    const entities = await collectAll(client.iterateEntities({ libraryId: 'lib', pageSize: 5 }));
    const big = entities.find((entity) => entity.id === 'e7');
    expect(big?.identifiers.map((item) => item.id)).toEqual(Array.from({ length: 23 }, (_, k) => `e7-i${k}`));
    const identifierCalls = library.calls.filter((call) => call.operationName === 'ListEntityIdentifiers');
    expect(
      identifierCalls.map((call) => call.variables.offset).sort((a, b) => Number(a) - Number(b)),
    ).toEqual([5, 10, 15, 20]);
    expect(identifierCalls.every((call) => call.variables.entityId === 'e7')).toBe(true);
  });

  it('never has more requests in flight than the concurrency limit', async () => {
    const library = fakeLibrary({
      entityCount: 200,
      identifierCount: (i) => (i % 10 === 0 ? 12 : 1),
      delayMs: 5,
    });
    server.use(library.handler);
    const client = createLibraryClient({ endpoint: ENDPOINT, concurrency: 3 });
    const entities = await collectAll(client.iterateEntities({ libraryId: 'lib', pageSize: 5 }));
    expect(entities).toHaveLength(200);
    expect(library.peak).toBeGreaterThan(1);
    expect(library.peak).toBeLessThanOrEqual(3);
  });

  it('prefetches a bounded number of pages while the consumer is slow (back-pressure)', async () => {
    const library = fakeLibrary({ entityCount: 300, identifierCount: () => 1 });
    server.use(library.handler);
    const client = createLibraryClient({ endpoint: ENDPOINT, concurrency: 4 });
    const iterator = client
      .iterateEntities({ libraryId: 'lib', pageSize: 10, prefetchPages: 2 })
      [Symbol.asyncIterator]();
    await iterator.next();
    await vi.waitFor(() => expect(library.calls.length).toBe(3));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The first page plus at most two pages ahead, though 30 pages exist.
    expect(library.calls.length).toBe(3);
    await iterator.return?.();
  });

  it('stops requesting pages when the consumer breaks early', async () => {
    const library = fakeLibrary({ entityCount: 1000, identifierCount: () => 1 });
    server.use(library.handler);
    const client = createLibraryClient({ endpoint: ENDPOINT, concurrency: 2 });
    for await (const entity of client.iterateEntities({ libraryId: 'lib', pageSize: 10 })) {
      if (entity.id === 'e3') break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(library.calls.length).toBeLessThanOrEqual(3);
  });
});
