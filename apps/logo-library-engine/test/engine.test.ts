import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CoreEmulator, startCoreEmulator } from '@engine-kit/core-emulator';
import { createLibraryClient } from '@engine-kit/library-client';
import { type EngineSession, startEngineSession } from '@engine-kit/toolkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseModelText } from '../src/model.ts';
import { type WrittenLibrary, writeLogoLibrarySeed, writeLogoTestFrames } from '../src/testing/demo-files.ts';
import { type RecognitionTrial, scoreRecognition } from '../src/testing/scoring.ts';
import type { LogoVtn } from '../src/vtn.ts';
import { engineLog, sourceEngineLaunch } from '@engine-kit-apps/sample-support/testing';
import { APP_DIR } from './support/engine-command.ts';

const TOKEN = 'test-token';
const manifest = JSON.parse(await readFile(join(APP_DIR, 'manifest.json'), 'utf8')) as { engineId: string };

let dir: string;
let written: WrittenLibrary;
let core: CoreEmulator;
let session: EngineSession;
const log = engineLog();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'logo-engine-'));
  written = await writeLogoLibrarySeed(join(dir, 'library'), { seed: 901, engineId: manifest.engineId });
  core = await startCoreEmulator({ seed: written.seedFile, token: TOKEN });
  session = await startEngineSession(sourceEngineLaunch(APP_DIR, log));
});

afterAll(async () => {
  await session?.close();
  await core?.close();
  await rm(dir, { recursive: true, force: true });
});

function libraryTask(mode: 'library-train' | 'library-run') {
  return {
    payload: { mode, libraryId: written.libraryId, libraryEngineModelId: written.libraryEngineModelId },
    libraryId: written.libraryId,
    libraryEngineModelId: written.libraryEngineModelId,
    veritoneApiBaseUrl: core.url,
    token: TOKEN,
  };
}

describe('logo library engine through the toolkit and the core emulator', () => {
  it('library-train fingerprints every library image and uploads the model file', async () => {
    const summary = await session.toolkit.runChunk(libraryTask('library-train'));
    expect(summary.status, log.lines.join('')).toBe('complete');
    const client = createLibraryClient({ endpoint: core.graphqlUrl, token: TOKEN });
    const model = await client.getLibraryEngineModel(written.libraryEngineModelId);
    expect(model).toMatchObject({
      trainStatus: 'complete',
      contentType: 'application/json',
      jsondata: { fingerprints: 18 },
    });
    const file = await client.downloadModel(model.dataUrl!);
    const parsed = parseModelText(new TextDecoder().decode(file.data));
    expect(parsed.success && parsed.data.fingerprints.map((f) => f.entityIdentifierId).sort()).toEqual(
      written.entities.flatMap((entity) => entity.identifierIds).sort(),
    );
  });

  it('library-run reports the recognised entity of library frames and nothing for other logos', async () => {
    const frames = await writeLogoTestFrames(join(dir, 'frames'), written.library.slice(0, 2), {
      seed: 902,
      nonLibrary: 3,
    });
    // Every third library frame cycles through the four transformations; all non-library frames.
    const picked = frames.filter((frame, index) => !frame.entityId || index % 3 === 0);
    const trials: RecognitionTrial[] = [];
    for (const frame of picked) {
      const summary = await session.toolkit.runChunk({
        ...libraryTask('library-run'),
        chunk: { path: frame.file, mimeType: frame.mime },
      });
      expect(summary, log.lines.join('')).toMatchObject({ status: 'complete', validationIssues: [] });
      const objects = (summary.outputs[0]!.output as LogoVtn).object;
      for (const object of objects) {
        expect(object).toMatchObject({ type: 'logo', libraryId: written.libraryId });
        expect(object.confidence).toBeGreaterThan(0);
        const entity = written.entities.find((e) => e.entityId === object.entityId);
        expect(entity?.identifierIds).toContain(object.entityIdentifierId);
        expect(object.label).toBe(entity?.name);
      }
      trials.push({ expectedEntityId: frame.entityId ?? undefined, reportedEntityId: objects[0]?.entityId });
    }
    const score = scoreRecognition(trials);
    expect(score.top1Accuracy).toBeGreaterThanOrEqual(0.9);
    expect(score).toMatchObject({ nonLibraryFrames: 3, falseReports: 0 });
  });

  it('refuses a chunk without a library mode', async () => {
    const frame = written.library[0]!.images[0]!;
    const path = join(dir, 'plain.png');
    await writeFile(path, frame.bytes);
    const summary = await session.toolkit.runChunk({ chunk: { path, mimeType: 'image/png' }, payload: {} });
    expect(summary.status).toBe('failed');
    expect(summary.processCalls.at(-1)?.status).toBe(400);
  });
});
