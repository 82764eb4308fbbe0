import { createLimiter } from './common/limiter.ts';
import { LibraryNotFoundError } from './errors.ts';
import { operations } from './operations.ts';
import type { Transport } from './transport.ts';
import type { Entity, EntityIdentifier, EntityWithIdentifiers } from './types.ts';

export interface IterateEntitiesOptions {
  libraryId: string;
  /** Only entities and identifiers of this type (e.g. `face`); all types when omitted. */
  identifierTypeId?: string;
  /** Entities (and identifiers) per page; default 30, as the aiWARE docs advise. */
  pageSize?: number;
  /** Entity pages fetched ahead of the consumer; default the client's concurrency. Bounds memory. */
  prefetchPages?: number;
  signal?: AbortSignal;
}

interface IdentifierList {
  count: number | null;
  records: EntityIdentifier[];
}

interface RawEntity extends Entity {
  identifiers: IdentifierList | null;
}

interface EntityPage {
  count: number | null;
  records: RawEntity[];
}

const DEFAULT_PAGE_SIZE = 30;
const MAX_PAGE_SIZE = 1000;

/**
 * Streams a library's entities with all their identifiers. Pages are fetched in order with at most
 * `prefetchPages` pages requested or buffered ahead of the consumer, so memory stays flat for
 * libraries of any size; extra identifier pages are fetched only for entities that need them.
 */
export async function* iterateLibraryEntities(
  transport: Transport,
  concurrency: number,
  options: IterateEntitiesOptions,
): AsyncGenerator<EntityWithIdentifiers, void, undefined> {
  const pageSize = clampPageSize(options.pageSize);
  const prefetch = Math.max(1, Math.floor(options.prefetchPages ?? concurrency));
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const loader = new PageLoader(transport, concurrency, options, pageSize, signal);
  const inFlight: Array<Promise<EntityWithIdentifiers[]>> = [];
  try {
    const first = await loader.load(0);
    const total = first.count;
    let nextOffset = pageSize;
    const refill = () => {
      while (inFlight.length < prefetch && total !== null && nextOffset < total) {
        const page = loader.load(nextOffset).then((raw) => raw.entities);
        // Rejections surface when the consumer reaches that page; until then they must not be "unhandled".
        page.catch(() => undefined);
        inFlight.push(page);
        nextOffset += pageSize;
      }
    };
    refill();
    yield* first.entities;
    if (total === null) {
      // Without a count, fall back to sequential paging until a short page.
      let lastSize = first.rawSize;
      while (lastSize === pageSize) {
        const page = await loader.load(nextOffset);
        nextOffset += pageSize;
        lastSize = page.rawSize;
        yield* page.entities;
      }
      return;
    }
    while (inFlight.length > 0) {
      const page = await inFlight.shift()!;
      refill();
      yield* page;
    }
  } finally {
    stop.abort();
  }
}

class PageLoader {
  /** One slot fewer than the client's, so an entity with thousands of identifiers cannot stall entity paging. */
  private readonly identifierLimiter;

  constructor(
    private readonly transport: Transport,
    concurrency: number,
    private readonly options: IterateEntitiesOptions,
    private readonly pageSize: number,
    private readonly signal: AbortSignal,
  ) {
    this.identifierLimiter = createLimiter(Math.max(1, concurrency - 1));
  }

  async load(
    offset: number,
  ): Promise<{ count: number | null; rawSize: number; entities: EntityWithIdentifiers[] }> {
    const data = await this.transport.graphql<{ library: { entities: EntityPage | null } | null }>({
      operation: 'ListLibraryEntities',
      query: operations.ListLibraryEntities,
      variables: {
        libraryId: this.options.libraryId,
        identifierTypeId: this.options.identifierTypeId ?? null,
        offset,
        limit: this.pageSize,
      },
      retry: 'idempotent',
      signal: this.signal,
    });
    if (!data.library) {
      throw new LibraryNotFoundError(
        `Library ${this.options.libraryId} was not found; check the libraryId and the token's organization.`,
        { operation: 'ListLibraryEntities' },
      );
    }
    const page = data.library.entities ?? { count: 0, records: [] };
    const entities = await Promise.all(page.records.map((entity) => this.complete(entity)));
    return { count: page.count, rawSize: page.records.length, entities };
  }

  private async complete(raw: RawEntity): Promise<EntityWithIdentifiers> {
    const { identifiers: list, ...entity } = raw;
    const identifiers = [...(list?.records ?? [])];
    const total = list?.count ?? identifiers.length;
    const offsets: number[] = [];
    for (let offset = identifiers.length; offset < total; offset += this.pageSize) offsets.push(offset);
    const pages = await Promise.all(
      offsets.map((offset) => this.identifierLimiter.run(() => this.identifierPage(entity.id, offset))),
    );
    for (const page of pages) identifiers.push(...page);
    return { ...entity, identifiers };
  }

  private async identifierPage(entityId: string, offset: number): Promise<EntityIdentifier[]> {
    const data = await this.transport.graphql<{ entity: { identifiers: IdentifierList | null } | null }>({
      operation: 'ListEntityIdentifiers',
      query: operations.ListEntityIdentifiers,
      variables: {
        entityId,
        identifierTypeId: this.options.identifierTypeId ?? null,
        offset,
        limit: this.pageSize,
      },
      retry: 'idempotent',
      signal: this.signal,
    });
    return data.entity?.identifiers?.records ?? [];
  }
}

function clampPageSize(pageSize: number | undefined): number {
  if (pageSize === undefined || !Number.isFinite(pageSize)) return DEFAULT_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(pageSize)));
}
