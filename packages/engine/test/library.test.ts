import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CoreEmulator, startCoreEmulator } from '@engine-kit/core-emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine, type LoadedModel } from '../src/index.ts';
import { baseRequest, postProcess } from './helpers/client.ts';
import { startReceiver, type WebhookReceiver } from './helpers/receiver.ts';
import { silentLogger } from './helpers/logger.ts';

const LIBRARY_ID = 'lib-people';
const MODEL_ID = 'model-faces';

describe('library-train and library-run against the core emulator', () => {
  let core: CoreEmulator;
  let receiver: WebhookReceiver;
  let engine: Engine | undefined;
  let workDir: string;

  beforeEach(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'engine-library-'));
    core = await startCoreEmulator({
      token: 'secret-token',
      seed: {
        libraries: [
          {
            id: LIBRARY_ID,
            name: 'People',
            identifierTypeId: 'face',
            entities: ['Ada', 'Grace', 'Linus'].map((name) => ({
              id: `entity-${name.toLowerCase()}`,
              name,
              identifiers: [{ url: `https://example.invalid/${name}.jpg`, contentType: 'image/jpeg' }],
            })),
            engineModels: [
              { id: MODEL_ID, engineId: 'engine-1', trainStatus: 'pending' },
              {
                id: 'model-json',
                engineId: 'engine-1',
                trainStatus: 'complete',
                jsondata: { collectionId: 'c-9' },
              },
            ],
          },
        ],
      },
    });
    receiver = await startReceiver();
  });

  afterEach(async () => {
    await engine?.close({ timeoutMs: 1_000 });
    engine = undefined;
    await receiver.close();
    await core.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  function libraryRequest(mode: 'library-train' | 'library-run', modelId = MODEL_ID) {
    return baseRequest({
      payload: { mode, libraryId: LIBRARY_ID, libraryEngineModelId: modelId },
      veritoneApiBaseUrl: core.url,
      token: 'secret-token',
      libraryId: LIBRARY_ID,
      libraryEngineModelId: modelId,
      libraryModelDirectory: join(workDir, 'models'),
      heartbeatWebhook: receiver.heartbeatUrl,
      resultWebhook: receiver.resultUrl,
    });
  }

  it('trains asynchronously from the library entities and saves the model file and jsondata', async () => {
    const seen: string[] = [];
    engine = createEngine({
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger,
      process: () => ({ series: [] }),
      train: async ({ entities, model, context }) => {
        expect(model.trainStatus).toBe('running');
        for await (const entity of entities) {
          seen.push(entity.name);
          context.addBytesRead(entity.identifiers.length);
        }
        const file = join(workDir, 'faces.json');
        writeFileSync(file, JSON.stringify({ entities: seen }));
        return { jsondata: { entities: seen.length }, file: { path: file, contentType: 'application/json' } };
      },
    });
    const { processUrl } = await engine.listen();
    const reply = await postProcess(processUrl, libraryRequest('library-train'), undefined);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toEqual({ estimatedProcessingTimeInSeconds: 3600 });

    const complete = await receiver.waitForHeartbeat('complete');
    expect(complete.body).toMatchObject({ status: 'complete', bytesRead: 3 });
    expect(seen.sort()).toEqual(['Ada', 'Grace', 'Linus']);
    const stored = core.store.models.get(MODEL_ID);
    expect(stored).toMatchObject({
      trainStatus: 'complete',
      jsondata: { entities: 3 },
      contentType: 'application/json',
    });
  });

  it('marks the model failed and sends a failed heartbeat when train throws', async () => {
    engine = createEngine({
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger,
      process: () => ({ series: [] }),
      train: () => {
        throw Object.assign(new Error('face detector crashed'), { failureReason: 'system_error' });
      },
    });
    const { processUrl } = await engine.listen();
    expect((await postProcess(processUrl, libraryRequest('library-train'), undefined)).status).toBe(200);
    const failed = await receiver.waitForHeartbeat('failed');
    expect(failed.body).toMatchObject({ failureReason: 'system_error', failureMsg: 'face detector crashed' });
    expect(core.store.models.get(MODEL_ID)?.trainStatus).toBe('failed');
  });

  it('answers 400 unsupported_mode to library-train when the engine has no train handler', async () => {
    engine = createEngine({
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger,
      process: () => ({ series: [] }),
    });
    const { processUrl } = await engine.listen();
    const reply = await postProcess(processUrl, libraryRequest('library-train'), undefined);
    expect(reply.status).toBe(400);
    expect(reply.text).toMatch(/^invalid_data: this engine has no train handler/);
  });

  it('runs with the trained model file downloaded once into libraryModelDirectory', async () => {
    const modelFile = join(workDir, 'trained.json');
    writeFileSync(modelFile, JSON.stringify({ entities: ['entity-ada'] }));
    engine = createEngine({
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger,
      concurrency: 3,
      process: () => ({ series: [] }),
      train: () => ({ jsondata: { version: 2 }, file: { path: modelFile, contentType: 'application/json' } }),
      run: ({ model }) => runWith(model),
    });
    const { processUrl } = await engine.listen();
    await postProcess(processUrl, libraryRequest('library-train'), undefined);
    await receiver.waitForHeartbeat('complete');
    core.resetStats();

    const replies = await Promise.all(
      [1, 2, 3].map(() => postProcess(processUrl, libraryRequest('library-run'))),
    );
    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.text)).toEqual({
        series: [
          {
            startTimeMs: 0,
            stopTimeMs: 1000,
            libraryId: LIBRARY_ID,
            entityId: 'entity-ada',
            object: { type: 'face', confidence: 0.9, label: 'version 2 application/json' },
          },
        ],
      });
    }
    expect(core.stats().operations.GetLibraryEngineModel).toBe(1);
    expect(readdirSync(join(workDir, 'models', LIBRARY_ID))).toEqual([MODEL_ID]);
  });

  it('runs a jsondata-only model without downloading anything', async () => {
    const models: LoadedModel[] = [];
    engine = createEngine({
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger,
      process: () => ({ series: [] }),
      run: ({ model, context }) => {
        models.push(model);
        return context.ignore();
      },
    });
    const { processUrl } = await engine.listen();
    const reply = await postProcess(processUrl, libraryRequest('library-run', 'model-json'));
    expect(reply.status).toBe(204);
    expect(models).toEqual([
      {
        id: 'model-json',
        libraryId: LIBRARY_ID,
        dir: undefined,
        file: undefined,
        jsondata: { collectionId: 'c-9' },
        contentType: undefined,
      },
    ]);
  });

  it('answers a failed model load with a non-200 reason and loads again on the next request', async () => {
    engine = createEngine({
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger,
      process: () => ({ series: [] }),
      run: () => ({ series: [] }),
    });
    const { processUrl } = await engine.listen();
    const missing = await postProcess(processUrl, libraryRequest('library-run', 'model-missing'));
    expect(missing.status).toBe(500);
    expect(missing.text).toMatch(/^api_not_found: /);
    const again = await postProcess(processUrl, libraryRequest('library-run', 'model-missing'));
    expect(again.status).toBe(500);
    expect(core.stats().operations.GetLibraryEngineModel).toBe(2);
  });
});

function runWith(model: LoadedModel) {
  const trained = JSON.parse(readFileSync(model.file!, 'utf8')) as { entities: string[] };
  return {
    series: trained.entities.map((entityId) => ({
      startTimeMs: 0,
      stopTimeMs: 1000,
      libraryId: model.libraryId,
      entityId,
      object: {
        type: 'face',
        confidence: 0.9,
        label: `version ${model.jsondata?.version} ${model.contentType}`,
      },
    })),
  };
}
