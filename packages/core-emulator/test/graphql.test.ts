import { afterEach, describe, expect, it } from 'vitest';
import { type CoreEmulator, startCoreEmulator, type StoredJob } from '../src/index.ts';
import { gql, gqlMultipart, PNG_BYTES } from './helpers.ts';

let emulator: CoreEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const MODEL_FIELDS =
  'id engineId libraryId libraryVersion trainStatus dataUrl contentType jsondata modifiedDateTime';

async function buildLibrary(url: string) {
  const library = await gql(
    url,
    'mutation { createLibrary(input: { name: "Faces", libraryTypeId: "people" }) { id name version applicationId } }',
  );
  const libraryId = library.body.data?.createLibrary.id as string;
  const entity = await gql(
    url,
    'mutation($input: CreateEntity!) { createEntity(input: $input) { id name libraryId isPublished } }',
    {
      input: { libraryId, name: 'Ada', jsondata: { born: 1815 } },
    },
  );
  const entityId = entity.body.data?.createEntity.id as string;
  return { libraryId, entityId };
}

describe('core emulator GraphQL', () => {
  it('creates a library, an entity and an uploaded image identifier served with its Content-Type', async () => {
    emulator = await startCoreEmulator();
    const { libraryId, entityId } = await buildLibrary(emulator.graphqlUrl);
    const created = await gqlMultipart(
      emulator.graphqlUrl,
      'mutation($input: CreateEntityIdentifier!) { createEntityIdentifier(input: $input) { id entityId identifierTypeId url contentType } }',
      { input: { entityId, identifierTypeId: 'face', title: 'portrait', contentType: 'image/png' } },
      { data: PNG_BYTES, contentType: 'image/png', filename: 'ada.png' },
    );
    expect(created.body.errors).toBeUndefined();
    const identifier = created.body.data?.createEntityIdentifier;
    expect(identifier).toMatchObject({ entityId, identifierTypeId: 'face', contentType: 'image/png' });
    const media = await fetch(identifier.url);
    expect(media.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await media.arrayBuffer())).toEqual(PNG_BYTES);

    const read = await gql(
      emulator.graphqlUrl,
      `query($id: ID!) { library(id: $id) { id name summary { entityCount unpublishedEntityCount }
        entities(identifierTypeId: "face") { count offset limit records { id name jsondata
          identifiers(identifierTypeId: "face") { count records { id url } } } } } }`,
      { id: libraryId },
    );
    expect(read.body.data?.library).toMatchObject({
      id: libraryId,
      summary: { entityCount: 1, unpublishedEntityCount: 1 },
      entities: { count: 1, offset: 0, limit: 30, records: [{ id: entityId, jsondata: { born: 1815 } }] },
    });
    expect(read.body.data?.library.entities.records[0].identifiers.count).toBe(1);
  });

  it('pages entities and identifiers with offset and limit, and filters by identifierTypeId', async () => {
    emulator = await startCoreEmulator({
      seed: {
        libraries: [
          {
            id: 'lib',
            name: 'Mixed',
            entities: [
              {
                id: 'a',
                name: 'A',
                identifiers: Array.from({ length: 5 }, () => ({
                  identifierTypeId: 'face',
                  url: 'http://127.0.0.1:9/x.png',
                })),
              },
              {
                id: 'b',
                name: 'B',
                identifiers: [{ identifierTypeId: 'audio-recording', url: 'http://127.0.0.1:9/x.wav' }],
              },
              {
                id: 'c',
                name: 'C',
                identifiers: [{ identifierTypeId: 'face', url: 'http://127.0.0.1:9/y.png' }],
              },
            ],
          },
        ],
      },
    });
    const result = await gql(
      emulator.graphqlUrl,
      `{ library(id: "lib") { entities(identifierTypeId: "face", offset: 0, limit: 1) { count records { id
          identifiers(identifierTypeId: "face", offset: 2, limit: 2) { count records { id } } } } } }`,
    );
    const entities = result.body.data?.library.entities;
    expect(entities.count).toBe(2);
    expect(entities.records.map((record: { id: string }) => record.id)).toEqual(['a']);
    expect(entities.records[0].identifiers.count).toBe(5);
    expect(entities.records[0].identifiers.records).toHaveLength(2);
    const top = await gql(
      emulator.graphqlUrl,
      '{ entities(libraryIds: ["lib"], offset: 1, limit: 5) { count records { id } } }',
    );
    expect(top.body.data?.entities).toEqual({ count: 3, records: [{ id: 'b' }, { id: 'c' }] });
    const libraries = await gql(emulator.graphqlUrl, '{ libraries { count records { id name } } }');
    expect(libraries.body.data?.libraries).toEqual({ count: 1, records: [{ id: 'lib', name: 'Mixed' }] });
  });

  it('stores an uploaded model file, sets dataUrl and contentType from the file part, and serves the bytes', async () => {
    emulator = await startCoreEmulator();
    const { libraryId } = await buildLibrary(emulator.graphqlUrl);
    const created = await gql(
      emulator.graphqlUrl,
      `mutation($input: CreateLibraryEngineModel!) { createLibraryEngineModel(input: $input) { ${MODEL_FIELDS} } }`,
      { input: { libraryId, engineId: 'engine-1' } },
    );
    const modelId = created.body.data?.createLibraryEngineModel.id as string;
    expect(created.body.data?.createLibraryEngineModel.trainStatus).toBe('pending');
    const bytes = Buffer.from('model-bytes-\u0000\u00ff', 'latin1');
    const uploaded = await gqlMultipart(
      emulator.graphqlUrl,
      `mutation { updateLibraryEngineModel(input: { id: "${modelId}", trainStatus: complete, jsondata: { fingerprints: 3 } }) { ${MODEL_FIELDS} } }`,
      {},
      { data: bytes, contentType: 'application/x-model', filename: 'model.bin' },
    );
    const model = uploaded.body.data?.updateLibraryEngineModel;
    expect(model).toMatchObject({
      id: modelId,
      trainStatus: 'complete',
      contentType: 'application/x-model',
      jsondata: { fingerprints: 3 },
    });
    expect(model.dataUrl).toMatch(new RegExp(`^${emulator.url}/media/`));
    const media = await fetch(model.dataUrl);
    expect(media.headers.get('content-type')).toBe('application/x-model');
    expect(Buffer.from(await media.arrayBuffer())).toEqual(bytes);
    const read = await gql(
      emulator.graphqlUrl,
      `query($id: ID!) { libraryEngineModel(id: $id) { ${MODEL_FIELDS} } }`,
      { id: modelId },
    );
    expect(read.body.data?.libraryEngineModel).toMatchObject({
      trainStatus: 'complete',
      dataUrl: model.dataUrl,
    });
  });

  it('rejects an update that sends both a file and dataUrl', async () => {
    emulator = await startCoreEmulator({
      seed: { libraries: [{ id: 'lib', name: 'L', engineModels: [{ id: 'm', engineId: 'e' }] }] },
    });
    const result = await gqlMultipart(
      emulator.graphqlUrl,
      'mutation($input: UpdateLibraryEngineModel!) { updateLibraryEngineModel(input: $input) { id } }',
      { input: { id: 'm', dataUrl: 'http://127.0.0.1:9/x' } },
      { data: 'x', contentType: 'text/plain', filename: 'x.txt' },
    );
    expect(result.body.errors?.[0]?.message).toMatch(/not both/);
  });

  it('answers unknown ids with a NOT_FOUND error and null data', async () => {
    emulator = await startCoreEmulator();
    const result = await gql(emulator.graphqlUrl, '{ libraryEngineModel(id: "missing") { id } }');
    expect(result.status).toBe(200);
    expect(result.body.data).toEqual({ libraryEngineModel: null });
    expect(result.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('publishes a library: version goes up and entities become published', async () => {
    emulator = await startCoreEmulator();
    const { libraryId } = await buildLibrary(emulator.graphqlUrl);
    const published = await gql(
      emulator.graphqlUrl,
      'mutation($id: ID!) { publishLibrary(id: $id) { id version summary { unpublishedEntityCount } } }',
      { id: libraryId },
    );
    expect(published.body.data?.publishLibrary).toEqual({
      id: libraryId,
      version: 2,
      summary: { unpublishedEntityCount: 0 },
    });
  });

  it('starts a library-train job per library engine model when a library is published', async () => {
    emulator = await startCoreEmulator({
      seed: {
        libraries: [
          {
            id: 'lib',
            name: 'L',
            engineModels: [
              { id: 'm1', engineId: 'e1' },
              { id: 'm2', engineId: 'e2' },
            ],
          },
        ],
      },
    });
    await gql(emulator.graphqlUrl, 'mutation { publishLibrary(id: "lib") { id } }');
    expect(emulator.jobs.map((job) => job.tasks[0]?.payload)).toEqual([
      { mode: 'library-train', libraryId: 'lib', libraryEngineModelId: 'm1' },
      { mode: 'library-train', libraryId: 'lib', libraryEngineModelId: 'm2' },
    ]);
    const model = await gql(
      emulator.graphqlUrl,
      '{ libraryEngineModel(id: "m1") { trainStatus trainJobId } }',
    );
    expect(model.body.data?.libraryEngineModel).toEqual({
      trainStatus: 'queued',
      trainJobId: emulator.jobs[0]?.id,
    });
  });

  it('does not start jobs on publish when trainOnPublish is false', async () => {
    emulator = await startCoreEmulator({
      trainOnPublish: false,
      seed: { libraries: [{ id: 'lib', name: 'L', engineModels: [{ id: 'm1', engineId: 'e1' }] }] },
    });
    await gql(emulator.graphqlUrl, 'mutation { publishLibrary(id: "lib") { id } }');
    expect(emulator.jobs).toEqual([]);
  });

  it('records createJob jobs and reports them to onJob', async () => {
    const seen: StoredJob[] = [];
    emulator = await startCoreEmulator({ onJob: (job) => seen.push(job) });
    const result = await gql(
      emulator.graphqlUrl,
      `mutation { createJob(input: { tasks: [{ engineId: "engine-1", payload: { mode: "library-train", libraryId: "l", libraryEngineModelId: "m" } }] }) {
        id status tasks { records { id status payload engine { id name } } } } }`,
    );
    const job = result.body.data?.createJob;
    expect(job.tasks.records[0]).toMatchObject({
      status: 'pending',
      payload: { mode: 'library-train', libraryId: 'l', libraryEngineModelId: 'm' },
      engine: { id: 'engine-1' },
    });
    expect(emulator.jobs.map((recorded) => recorded.id)).toEqual([job.id]);
    expect(seen.map((recorded) => recorded.id)).toEqual([job.id]);
  });
});

describe('core emulator HTTP behaviour', () => {
  it('answers 401 with an actionable message without a valid bearer token', async () => {
    emulator = await startCoreEmulator({ token: 'right' });
    const missing = await gql(emulator.graphqlUrl, '{ libraries { count } }');
    expect(missing.status).toBe(401);
    expect(missing.body.errors?.[0]?.message).toMatch(/Authorization: Bearer/);
    const wrong = await gql(emulator.graphqlUrl, '{ libraries { count } }', {}, 'wrong');
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors?.[0]?.message).not.toContain('right');
    const ok = await gql(emulator.graphqlUrl, '{ libraries { count } }', {}, 'right');
    expect(ok.body.data?.libraries.count).toBe(0);
  });

  it('delays requests by latencyMs', async () => {
    emulator = await startCoreEmulator({ latencyMs: 80 });
    const started = performance.now();
    await gql(emulator.graphqlUrl, '{ libraries { count } }');
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('injects reproducible 5xx faults at faultRate with a seeded RNG', async () => {
    const statuses = async (randomSeed: number) => {
      const server = await startCoreEmulator({ faultRate: 0.3, randomSeed });
      const result: number[] = [];
      for (let i = 0; i < 40; i += 1)
        result.push((await gql(server.graphqlUrl, '{ libraries { count } }')).status);
      const stats = server.stats();
      await server.close();
      return { result, stats };
    };
    const first = await statuses(42);
    const second = await statuses(42);
    expect(first.result).toEqual(second.result);
    const faults = first.result.filter((status) => status !== 200);
    expect(faults.length).toBeGreaterThan(3);
    expect(faults.every((status) => [502, 503, 504].includes(status))).toBe(true);
    expect(first.stats.faults).toBe(faults.length);
  });

  it('rate limits with 429 and a Retry-After header', async () => {
    emulator = await startCoreEmulator({ rateLimit: { requests: 2, windowMs: 60_000 } });
    const results = [];
    for (let i = 0; i < 3; i += 1) results.push(await gql(emulator.graphqlUrl, '{ libraries { count } }'));
    expect(results.map((result) => result.status)).toEqual([200, 200, 429]);
    expect(Number(results[2]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
  });

  it('counts requests in flight on the server (peak concurrency)', async () => {
    emulator = await startCoreEmulator({ latencyMs: 300 });
    const url = emulator.graphqlUrl;
    await Promise.all(Array.from({ length: 5 }, () => gql(url, '{ libraries { count } }')));
    expect(emulator.stats()).toMatchObject({ requests: 5, executed: 5, peakConcurrency: 5, inFlight: 0 });
    emulator.resetStats();
    expect(emulator.stats()).toMatchObject({ requests: 0, peakConcurrency: 0 });
  });

  it('exposes stats and jobs over HTTP for emulators in another process', async () => {
    emulator = await startCoreEmulator();
    await gql(emulator.graphqlUrl, '{ libraries { count } }');
    await gql(emulator.graphqlUrl, 'mutation { createJob(input: { tasks: [{ engineId: "e" }] }) { id } }');
    const stats = await (await fetch(`${emulator.url}/_emulator/stats`)).json();
    expect(stats).toMatchObject({ requests: 2, executed: 2, peakConcurrency: 1 });
    const jobs = (await (await fetch(`${emulator.url}/_emulator/jobs`)).json()) as {
      jobs: Array<{ id: string }>;
    };
    expect(jobs.jobs.map((job) => job.id)).toEqual(emulator.jobs.map((job) => job.id));
    await fetch(`${emulator.url}/_emulator/stats`, { method: 'DELETE' });
    expect(emulator.stats().requests).toBe(0);
  });

  it('answers a malformed body with 400 and an explanation', async () => {
    emulator = await startCoreEmulator();
    const response = await fetch(emulator.graphqlUrl, {
      method: 'POST',
      body: 'not json',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: Array<{ message: string }> }).errors[0]?.message).toMatch(
      /not JSON/,
    );
  });
});
