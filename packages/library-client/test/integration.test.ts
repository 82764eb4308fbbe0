import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CoreEmulator, startCoreEmulator } from '@engine-kit/core-emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLibraryClient, type EntityWithIdentifiers, runTraining } from '../src/index.ts';

const TOKEN = 'integration-token';
let dir: string;
let emulator: CoreEmulator | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'library-client-integration-'));
});
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function librarySeed(entityCount: number, identifiersOf: (index: number) => number) {
  return {
    libraries: [
      {
        id: 'lib-1',
        name: 'People',
        identifierTypeId: 'face',
        entities: Array.from({ length: entityCount }, (_, index) => ({
          id: `entity-${index}`,
          name: `Person ${index}`,
          jsondata: { index },
          identifiers: Array.from({ length: identifiersOf(index) }, (_, k) => ({
            id: `entity-${index}-identifier-${k}`,
            url: `http://127.0.0.1:9/faces/${index}/${k}.png`,
            contentType: 'image/png',
          })),
        })),
        engineModels: [{ id: 'model-1', engineId: 'engine-1' }],
      },
    ],
  };
}

async function collectEntities(iterable: AsyncIterable<EntityWithIdentifiers>) {
  const entities: EntityWithIdentifiers[] = [];
  for await (const entity of iterable) entities.push(entity);
  return entities;
}

describe('against the core emulator', () => {
  it('runs a full training: running, paging, upload, complete, then downloads the same bytes', async () => {
    emulator = await startCoreEmulator({ token: TOKEN, seed: librarySeed(65, () => 2) });
    const client = createLibraryClient({ endpoint: emulator.graphqlUrl, token: TOKEN });
    const statusesDuringTraining: Array<string | null> = [];
    const modelBytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 256));
    const modelPath = join(dir, 'model.bin');
    const result = await runTraining(client, {
      libraryEngineModelId: 'model-1',
      train: async ({ client: trainingClient }) => {
        statusesDuringTraining.push((await trainingClient.getLibraryEngineModel('model-1')).trainStatus);
        const entities = await collectEntities(
          trainingClient.iterateEntities({ libraryId: 'lib-1', identifierTypeId: 'face' }),
        );
        expect(entities).toHaveLength(65);
        expect(entities.every((entity) => entity.identifiers.length === 2)).toBe(true);
        writeFileSync(modelPath, modelBytes);
        return {
          jsondata: { entities: entities.length },
          file: { path: modelPath, contentType: 'application/x-test-model' },
        };
      },
    });
    expect(statusesDuringTraining).toEqual(['running']);
    expect(result).toMatchObject({
      trainStatus: 'complete',
      contentType: 'application/x-test-model',
      jsondata: { entities: 65 },
    });
    expect(result.dataUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media\//);
    const stored = await client.getLibraryEngineModel('model-1');
    expect(stored.trainStatus).toBe('complete');
    const downloaded = await client.downloadModel(stored.dataUrl!);
    expect(downloaded.contentType).toBe('application/x-test-model');
    expect(Buffer.from(downloaded.data)).toEqual(modelBytes);
    const copy = join(dir, 'copy.bin');
    const written = await client.downloadModelToFile(stored.dataUrl!, copy);
    expect(written).toMatchObject({ size: modelBytes.length, contentType: 'application/x-test-model' });
    expect(readFileSync(copy)).toEqual(modelBytes);
    expect(emulator.stats().operations.ListLibraryEntities).toBe(3);
  });

  it('records a failing training as failed with the error and its failureReason', async () => {
    emulator = await startCoreEmulator({ token: TOKEN, seed: librarySeed(3, () => 1) });
    const client = createLibraryClient({ endpoint: emulator.graphqlUrl, token: TOKEN });
    await expect(
      runTraining(client, {
        libraryEngineModelId: 'model-1',
        train: async () => {
          throw new Error('feature extractor crashed');
        },
      }),
    ).rejects.toThrow('feature extractor crashed');
    const stored = await client.getLibraryEngineModel('model-1');
    expect(stored.trainStatus).toBe('failed');
    expect(stored.jsondata).toEqual({
      error: 'feature extractor crashed',
      failureReason: expect.any(String),
    });
  });

  it('joins every identifier page of an entity with more identifiers than one page', async () => {
    emulator = await startCoreEmulator({ seed: librarySeed(4, (index) => (index === 2 ? 71 : 1)) });
    const client = createLibraryClient({ endpoint: emulator.graphqlUrl });
    const entities = await collectEntities(
      client.iterateEntities({ libraryId: 'lib-1', identifierTypeId: 'face' }),
    );
    const big = entities.find((entity) => entity.id === 'entity-2');
    expect(big?.identifiers.map((item) => item.id)).toEqual(
      Array.from({ length: 71 }, (_, k) => `entity-2-identifier-${k}`),
    );
    expect(emulator.stats().operations.ListEntityIdentifiers).toBe(2);
  });

  it('creates a library-train job that the emulator records', async () => {
    emulator = await startCoreEmulator({ token: TOKEN, seed: librarySeed(1, () => 1) });
    const client = createLibraryClient({ endpoint: emulator.graphqlUrl, token: TOKEN });
    const job = await client.createTrainingJob({
      engineId: 'engine-1',
      libraryId: 'lib-1',
      libraryEngineModelId: 'model-1',
    });
    expect(emulator.jobs.map((recorded) => recorded.id)).toEqual([job.id]);
    expect(emulator.jobs[0]?.tasks[0]).toMatchObject({
      engineId: 'engine-1',
      payload: { mode: 'library-train', libraryId: 'lib-1', libraryEngineModelId: 'model-1' },
    });
  });

  it('sees every entity exactly once under 10% injected 5xx faults and 10% 429s', async () => {
    emulator = await startCoreEmulator({
      seed: librarySeed(400, (index) => (index % 50 === 0 ? 40 : 3)),
      faultRate: 0.1,
      throttleRate: 0.1,
      retryAfterSeconds: 0,
      randomSeed: 7,
    });
    const client = createLibraryClient({
      endpoint: emulator.graphqlUrl,
      retries: 10,
      retryBaseDelayMs: 5,
      retryMaxDelayMs: 50,
    });
    const entities = await collectEntities(client.iterateEntities({ libraryId: 'lib-1', pageSize: 20 }));
    const ids = entities.map((entity) => entity.id);
    expect(new Set(ids).size).toBe(400);
    expect(ids).toEqual(Array.from({ length: 400 }, (_, index) => `entity-${index}`));
    expect(entities.every((entity, index) => entity.identifiers.length === (index % 50 === 0 ? 40 : 3))).toBe(
      true,
    );
    const stats = emulator.stats();
    expect(stats.faults).toBeGreaterThan(0);
    expect(stats.throttled).toBeGreaterThan(0);
  });
});
