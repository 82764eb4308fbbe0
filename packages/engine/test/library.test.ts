import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CoreEmulator, startCoreEmulator } from '@engine-kit/core-emulator';
import { createLibraryClient, graphqlEndpointFromBaseUrl } from '@engine-kit/library-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createEngine,
  type Engine,
  type LibraryRunOptions,
  type LoadedModel,
  type VtnDocument,
} from '../src/index.ts';
import { baseRequest, postProcess } from './helpers/client.ts';
import { startEngineProcess } from './helpers/engine-process.ts';
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
    // libraryModelDirectory must be an existing directory (the toolkit creates it).
    mkdirSync(join(workDir, 'models'));
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
    // One small version query per task; the full record and the file once for the three.
    expect(core.stats().operations.GetLibraryEngineModelVersion).toBe(3);
    expect(core.stats().operations.GetLibraryEngineModel).toBe(1);
    expect(core.stats().mediaGets).toBe(1);
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
        version: expect.stringMatching(/^\d{8}T\d{9}Z-[0-9a-f]{16}$/),
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
    expect(core.stats().operations.GetLibraryEngineModelVersion).toBe(2);
  });
});

function runWith(model: LoadedModel): VtnDocument {
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

describe('library-run across retraining', () => {
  const RETRAINED = 'model-retrained';
  let core: CoreEmulator;
  let engine: Engine | undefined;
  let workDir: string;
  let modelServer: { url: string; gets: string[]; close: () => Promise<void> } | undefined;

  beforeEach(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'engine-retrain-'));
    mkdirSync(join(workDir, 'models'));
    core = await startCoreEmulator({
      token: 'secret-token',
      seed: {
        libraries: [
          {
            id: LIBRARY_ID,
            name: 'People',
            identifierTypeId: 'face',
            entities: [],
            engineModels: [{ id: RETRAINED, engineId: 'engine-1', trainStatus: 'pending' }],
          },
        ],
      },
    });
  });

  afterEach(async () => {
    await engine?.close({ timeoutMs: 1_000 });
    engine = undefined;
    await modelServer?.close();
    modelServer = undefined;
    await core.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  const client = () =>
    createLibraryClient({
      endpoint: graphqlEndpointFromBaseUrl(core.url),
      token: 'secret-token',
      retries: 0,
    });

  /** What a training job elsewhere does: upload a new file to the same model id and complete it. */
  async function retrain(entities: string[], filename: string) {
    const file = join(workDir, `upload-${Date.now()}-${Math.random()}.json`);
    writeFileSync(file, JSON.stringify({ entities }));
    // Two updates in one millisecond would share a modifiedDateTime; the blob id still differs.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await client().uploadLibraryEngineModelFile({
      id: RETRAINED,
      filePath: file,
      contentType: 'application/json',
      filename,
      trainStatus: 'complete',
    });
  }

  function runRequest(overrides: Record<string, unknown> = {}) {
    return baseRequest({
      payload: { mode: 'library-run', libraryId: LIBRARY_ID, libraryEngineModelId: RETRAINED },
      veritoneApiBaseUrl: core.url,
      token: 'secret-token',
      libraryId: LIBRARY_ID,
      libraryEngineModelId: RETRAINED,
      libraryModelDirectory: join(workDir, 'models'),
      ...overrides,
    });
  }

  async function entitiesFrom(processUrl: string, overrides: Record<string, unknown> = {}) {
    const reply = await postProcess(processUrl, runRequest(overrides));
    expect(reply.status, reply.text).toBe(200);
    const output = JSON.parse(reply.text) as { series: { entityId: string; object: { label: string } }[] };
    return {
      entities: output.series.map((entry) => entry.entityId),
      version: output.series[0]?.object.label,
    };
  }

  function startEngine(library: LibraryRunOptions = {}) {
    engine = createEngine({
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger,
      process: () => ({ series: [] }),
      library,
      run: ({ model }) => {
        const trained = JSON.parse(readFileSync(model.file!, 'utf8')) as { entities: string[] };
        return {
          series: trained.entities.map((entityId) => ({
            startTimeMs: 0,
            stopTimeMs: 1000,
            libraryId: model.libraryId,
            entityId,
            object: { type: 'face', confidence: 0.9, label: model.version },
          })),
        };
      },
    });
    return engine.listen();
  }

  it('runs the next task on the retrained model, same file name or not, in this process and in a fresh one', async () => {
    await retrain(['entity-ada'], 'faces.json');
    const { processUrl } = await startEngine();
    const first = await entitiesFrom(processUrl);
    expect(first.entities).toEqual(['entity-ada']);

    await retrain(['entity-ada', 'entity-grace'], 'faces.json');
    core.resetStats();
    const sameName = await entitiesFrom(processUrl);
    expect(sameName.entities).toEqual(['entity-ada', 'entity-grace']);
    expect(sameName.version).not.toBe(first.version);
    expect(core.stats().mediaGets).toBe(1);

    await retrain(['entity-linus'], 'other-name.json');
    const otherName = await entitiesFrom(processUrl);
    expect(otherName.entities).toEqual(['entity-linus']);

    // A fresh engine process on the same cache folder: the new version is already there.
    core.resetStats();
    const fresh = await startEngineProcess('library-engine');
    try {
      expect(await entitiesFrom(fresh.processUrl)).toEqual(otherName);
    } finally {
      fresh.kill();
      await fresh.exited;
    }
    expect(core.stats().mediaGets).toBe(0);
    const versions = readdirSync(join(workDir, 'models', LIBRARY_ID, RETRAINED, 'versions'));
    expect(versions).toContain(otherName.version);
    expect(versions).toHaveLength(3);
  }, 60_000);

  it('asks the core once per task and downloads nothing while the model is unchanged', async () => {
    await retrain(['entity-ada'], 'faces.json');
    const { processUrl } = await startEngine();
    await entitiesFrom(processUrl);
    core.resetStats();
    for (let task = 0; task < 5; task += 1)
      expect((await entitiesFrom(processUrl)).entities).toEqual(['entity-ada']);
    expect(core.stats().operations).toEqual({ GetLibraryEngineModelVersion: 5 });
    expect(core.stats().mediaGets).toBe(0);
  });

  it('reuses one version check for versionCheckIntervalMs', async () => {
    await retrain(['entity-ada'], 'faces.json');
    const { processUrl } = await startEngine({ versionCheckIntervalMs: 60_000 });
    for (let task = 0; task < 3; task += 1) await entitiesFrom(processUrl);
    expect(core.stats().operations.GetLibraryEngineModelVersion).toBe(1);
  });

  it('does not take a new signed query string for a new version', async () => {
    const requests: string[] = [];
    const server = createServer((request, response) => {
      requests.push(request.url ?? '');
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ entities: ['entity-ada'] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    modelServer = {
      url: base,
      gets: requests,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
    await client().updateLibraryEngineModel({
      id: RETRAINED,
      dataUrl: `${base}/bucket/faces.json?X-Amz-Signature=first`,
      contentType: 'application/json',
      trainStatus: 'complete',
    });
    const { processUrl } = await startEngine();
    const stored = core.store.models.get(RETRAINED)!;
    for (let task = 0; task < 3; task += 1) {
      // The storage signs the URL anew on every read; the content and modifiedDateTime stay.
      stored.dataUrl = `${base}/bucket/faces.json?X-Amz-Signature=read-${task}`;
      expect((await entitiesFrom(processUrl)).entities).toEqual(['entity-ada']);
    }
    expect(requests).toEqual(['/bucket/faces.json?X-Amz-Signature=read-0']);
  });

  it('fails the task with invalid_data while the model is not complete, and downloads nothing', async () => {
    const { processUrl } = await startEngine();
    const pending = await postProcess(processUrl, runRequest());
    expect(pending.status).toBe(422);
    expect(pending.text).toMatch(
      /^invalid_data: library engine model model-retrained has trainStatus pending, not complete/,
    );

    await retrain(['entity-ada'], 'faces.json');
    await client().updateLibraryEngineModel({ id: RETRAINED, trainStatus: 'running' });
    core.resetStats();
    const running = await postProcess(processUrl, runRequest());
    expect(running.status).toBe(422);
    expect(running.text).toContain('has trainStatus running');
    expect(core.stats().mediaGets).toBe(0);
  });

  it('bounds the wait for the model file by maxTTL, and names the model but not the signed query', async () => {
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('{"entities":');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    modelServer = {
      url: base,
      gets: [],
      close: () =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
    await client().updateLibraryEngineModel({
      id: RETRAINED,
      dataUrl: `${base}/bucket/faces.json?X-Amz-Signature=top-secret`,
      trainStatus: 'complete',
    });
    const { processUrl } = await startEngine();
    const started = Date.now();
    // The wait ends at 90% of maxTTL, before the runtime's own maxTTL bound (chunk_timeout).
    const reply = await postProcess(processUrl, runRequest({ maxTTL: 5 }));
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(reply.status).toBe(504);
    expect(reply.text).toMatch(/^url_timeout: cannot load library engine model model-retrained: /);
    expect(reply.text).not.toContain('top-secret');
  }, 60_000);
});
