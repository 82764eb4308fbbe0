import { HttpResponse, http } from 'msw';

export const ENDPOINT = 'http://127.0.0.1:9/v3/graphql';

export interface GraphQLCall {
  operationName: string;
  variables: Record<string, unknown>;
}

/** Reads a JSON GraphQL request and names its operation from the document, as a server would. */
export async function readCall(request: Request): Promise<GraphQLCall> {
  const body = (await request.json()) as { query: string; variables?: Record<string, unknown> };
  const operationName = /^\s*(?:query|mutation)\s+(\w+)/.exec(body.query)?.[1] ?? 'anonymous';
  return { operationName, variables: body.variables ?? {} };
}

export function identifier(entityId: string, index: number) {
  return {
    id: `${entityId}-i${index}`,
    entityId,
    identifierTypeId: 'face',
    title: null,
    isPriority: false,
    url: `http://127.0.0.1:9/media/${entityId}/${index}.png`,
    contentType: 'image/png',
    jsondata: null,
  };
}

export function entity(index: number) {
  return {
    id: `e${index}`,
    name: `Entity ${index}`,
    libraryId: 'lib',
    isPublished: true,
    jsondata: { index },
    description: null,
    profileImageUrl: null,
  };
}

/**
 * A library of `entityCount` entities; `identifierCount(i)` identifiers each. Answers the client's
 * paging operations with offset/limit like the real API, and records every call.
 */
export function fakeLibrary(options: {
  entityCount: number;
  identifierCount: (index: number) => number;
  delayMs?: number;
}) {
  const calls: GraphQLCall[] = [];
  let inFlight = 0;
  let peak = 0;
  const identifiersOf = (entityIndex: number, offset: number, limit: number) => {
    const total = options.identifierCount(entityIndex);
    const records = [];
    for (let k = offset; k < Math.min(total, offset + limit); k += 1)
      records.push(identifier(`e${entityIndex}`, k));
    return { count: total, records };
  };
  const handler = http.post(ENDPOINT, async ({ request }) => {
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    try {
      const call = await readCall(request);
      calls.push(call);
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      const { offset, limit } = call.variables as { offset: number; limit: number };
      if (call.operationName === 'ListLibraryEntities') {
        const records = [];
        for (let i = offset; i < Math.min(options.entityCount, offset + limit); i += 1) {
          records.push({ ...entity(i), identifiers: identifiersOf(i, 0, limit) });
        }
        return HttpResponse.json({
          data: { library: { id: 'lib', entities: { count: options.entityCount, offset, limit, records } } },
        });
      }
      if (call.operationName === 'ListEntityIdentifiers') {
        const entityIndex = Number(String(call.variables.entityId).slice(1));
        return HttpResponse.json({
          data: {
            entity: { id: call.variables.entityId, identifiers: identifiersOf(entityIndex, offset, limit) },
          },
        });
      }
      return HttpResponse.json({ errors: [{ message: `unexpected ${call.operationName}` }] });
    } finally {
      inFlight -= 1;
    }
  });
  return {
    handler,
    calls,
    get peak() {
      return peak;
    },
  };
}

export function model(overrides: Record<string, unknown> = {}) {
  return {
    id: 'model-1',
    engineId: 'engine-1',
    libraryId: 'lib',
    libraryVersion: 1,
    trainJobId: null,
    trainStatus: 'pending',
    dataUrl: null,
    contentType: null,
    jsondata: null,
    accuracy: null,
    createdDateTime: '2026-01-01T00:00:00.000Z',
    modifiedDateTime: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}
