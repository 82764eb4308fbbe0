import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogoEngineError } from '../src/errors.ts';
import { MODEL_FILE_NAME } from '../src/model.ts';
import { loadModelFile, recogniseLogo } from '../src/recognise.ts';
import { generateLogoLibrary } from '../src/testing/logos.ts';
import { fetchBytes, type TrainingEntity, trainLogoModel } from '../src/train.ts';

const library = generateLogoLibrary({ seed: 77, entities: 6, imagesPerEntity: 3 });
const images = new Map(
  library.flatMap((entity) => entity.images.map((image) => [image.entityIdentifierId, image.bytes])),
);
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface ImageServer {
  url: string;
  maxInFlight: () => number;
}

async function serveImages(delayMs = 10): Promise<ImageServer> {
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer(async (request, response) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const bytes = images.get(request.url!.slice(1));
    inFlight--;
    if (!bytes) response.writeHead(404).end();
    else response.writeHead(200, { 'content-type': 'image/png' }).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    maxInFlight: () => maxInFlight,
  };
}

async function* pages(entities: TrainingEntity[]): AsyncIterable<TrainingEntity> {
  for (const entity of entities) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    yield entity;
  }
}

function entitiesAt(base: string): TrainingEntity[] {
  return library.map((entity) => ({
    id: entity.entityId,
    name: entity.name,
    identifiers: entity.images.map((image) => ({
      id: image.entityIdentifierId,
      url: `${base}/${image.entityIdentifierId}`,
    })),
  }));
}

describe('trainLogoModel', () => {
  it('fingerprints every library image with at most `concurrency` downloads in flight', async () => {
    const server = await serveImages();
    const progress: number[] = [];
    const { model, skipped } = await trainLogoModel(pages(entitiesAt(server.url)), {
      libraryId: 'lib-77',
      download: fetchBytes,
      concurrency: 3,
      onProgress: (p) => progress.push(p.fingerprints),
    });
    expect(model.fingerprints).toHaveLength(18);
    expect(skipped).toEqual([]);
    expect(server.maxInFlight()).toBeLessThanOrEqual(3);
    expect(server.maxInFlight()).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(18);
    expect(model.fingerprints.map((f) => f.entityIdentifierId)).toEqual(
      library.flatMap((entity) => entity.images.map((image) => image.entityIdentifierId)),
    );
  });

  it('skips identifiers without a URL or with an unreadable image and lists why', async () => {
    const server = await serveImages(0);
    const entities = entitiesAt(server.url);
    const first = entities[0]!;
    const broken = {
      id: 'broken',
      identifiers: [
        { id: 'no-url', url: null },
        { id: 'text', url: 'data:' },
      ],
    };
    const { model, skipped } = await trainLogoModel([first, broken], {
      libraryId: 'lib',
      download: async (url, signal) =>
        url === 'data:' ? new TextEncoder().encode('not an image') : fetchBytes(url, signal),
    });
    expect(model.fingerprints).toHaveLength(3);
    expect(skipped.map((s) => s.entityIdentifierId)).toEqual(['no-url', 'text']);
  });

  it('fails with url_not_found when an identifier image is missing', async () => {
    const server = await serveImages(0);
    const entities = entitiesAt(server.url);
    entities[2]!.identifiers[0]!.url = `${server.url}/missing`;
    const training = trainLogoModel(pages(entities), {
      libraryId: 'lib',
      download: fetchBytes,
      concurrency: 2,
    });
    await expect(training).rejects.toBeInstanceOf(LogoEngineError);
    await expect(training).rejects.toMatchObject({
      code: 'download_not_found',
      failureReason: 'url_not_found',
    });
  });

  it('fails with empty_library when nothing can be trained', async () => {
    await expect(
      trainLogoModel([{ id: 'e', identifiers: [] }], { libraryId: 'lib', download: fetchBytes }),
    ).rejects.toMatchObject({ code: 'empty_library', failureReason: 'invalid_data' });
  });
});

describe('model file and recognition', () => {
  it('recognises a library logo from a saved model file and reports it as a logo object', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'logo-model-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const { model } = await trainLogoModel(entitiesAt('mem:'), {
      libraryId: 'lib-77',
      download: async (url) => images.get(url.slice('mem:/'.length))!,
    });
    await writeFile(join(dir, MODEL_FILE_NAME), JSON.stringify(model));
    const loaded = await loadModelFile(join(dir, MODEL_FILE_NAME));
    const entity = library[4]!;
    const vtn = recogniseLogo(loaded, entity.images[0]!.bytes);
    expect(vtn.object).toEqual([
      {
        type: 'logo',
        label: entity.name,
        confidence: 1,
        boundingPoly: [
          { x: 0, y: 0 },
          { x: 1, y: 0 },
          { x: 1, y: 1 },
          { x: 0, y: 1 },
        ],
        libraryId: 'lib-77',
        entityId: entity.entityId,
        entityIdentifierId: entity.images[0]!.entityIdentifierId,
      },
    ]);
  });

  it('rejects a file that is not a logo model as invalid_data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'logo-model-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'model.json'), '{"format":"other"}');
    await expect(loadModelFile(join(dir, 'model.json'))).rejects.toMatchObject({
      code: 'invalid_model',
      failureReason: 'invalid_data',
    });
    await expect(loadModelFile(join(dir, 'absent.json'))).rejects.toMatchObject({ code: 'model_unreadable' });
  });
});
