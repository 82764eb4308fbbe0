import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProcessForm } from '@engine-kit/contracts';
import { type CoreEmulator, startCoreEmulator } from '@engine-kit/core-emulator';
import { createEngine } from '@engine-kit/engine';
import { createLibraryClient } from '@engine-kit/library-client';
import { type EngineSession, startEngineSession } from '@engine-kit/toolkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logoLibraryEngine } from '../src/engine.ts';
import { MODEL_FILE_NAME, parseModelText } from '../src/model.ts';
import {
  addLogoEntity,
  type WrittenLibrary,
  writeLogoLibrarySeed,
  writeLogoTestFrames,
} from '../src/testing/demo-files.ts';
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

describe('retraining with one more logo', () => {
  it('recognises the new entity in the same engine process after a retrain, without a restart', async () => {
    const retrainDir = await mkdtemp(join(tmpdir(), 'logo-retrain-'));
    const library = await writeLogoLibrarySeed(join(retrainDir, 'library'), {
      seed: 905,
      engineId: manifest.engineId,
      entities: 4,
      heldBack: 1,
    });
    const retrainCore = await startCoreEmulator({ seed: library.seedFile, token: TOKEN });
    const retrainLog = engineLog();
    const engine = await startEngineSession(sourceEngineLaunch(APP_DIR, retrainLog));
    try {
      const task = (mode: 'library-train' | 'library-run') => ({
        payload: { mode, libraryId: library.libraryId, libraryEngineModelId: library.libraryEngineModelId },
        libraryId: library.libraryId,
        libraryEngineModelId: library.libraryEngineModelId,
        veritoneApiBaseUrl: retrainCore.url,
        token: TOKEN,
      });
      const newcomer = library.heldBack[0]!;
      const [frame] = await writeLogoTestFrames(join(retrainDir, 'frames'), [newcomer], {
        seed: 906,
        nonLibrary: 0,
      });
      const recognised = async () => {
        const summary = await engine.toolkit.runChunk({
          ...task('library-run'),
          chunk: { path: frame!.file, mimeType: frame!.mime },
        });
        expect(summary.status, retrainLog.lines.join('')).toBe('complete');
        return (summary.outputs[0]!.output as LogoVtn).object.map((object) => object.entityId);
      };

      expect((await engine.toolkit.runChunk(task('library-train'))).status).toBe('complete');
      expect(await recognised()).not.toContain(newcomer.entityId);

      addLogoEntity(retrainCore.store, library.libraryId, newcomer);
      expect((await engine.toolkit.runChunk(task('library-train'))).status).toBe('complete');
      expect(retrainCore.store.models.get(library.libraryEngineModelId)?.jsondata).toEqual({
        fingerprints: 12,
      });
      expect((await recognised())[0]).toBe(newcomer.entityId);
    } finally {
      await engine.close();
      await retrainCore.close();
      await rm(retrainDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('training leaves no files behind', () => {
  const logoTrainFolders = async (dir: string) =>
    (await readdir(dir)).filter((name) => name.startsWith('logo-train-')).sort();

  it('overwrites nothing in taskTmpDir and leaves no logo-train folder, with or without taskTmpDir', async () => {
    const work = await mkdtemp(join(tmpdir(), 'logo-train-files-'));
    const taskTmpDir = join(work, 'task');
    await mkdir(taskTmpDir);
    await writeFile(join(taskTmpDir, MODEL_FILE_NAME), 'belongs to someone else');
    const engine = createEngine({
      ...logoLibraryEngine(),
      port: 0,
      host: '127.0.0.1',
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    const { processUrl } = await engine.listen();
    const before = await logoTrainFolders(tmpdir());
    try {
      for (const extra of [{ taskTmpDir }, {}]) {
        await retrainThrough(processUrl, extra);
        expect(await readFile(join(taskTmpDir, MODEL_FILE_NAME), 'utf8')).toBe('belongs to someone else');
        expect(await readdir(taskTmpDir)).toEqual([MODEL_FILE_NAME]);
      }
      expect((await logoTrainFolders(tmpdir())).filter((name) => !before.includes(name))).toEqual([]);
    } finally {
      await engine.close({ timeoutMs: 1_000 });
      await rm(work, { recursive: true, force: true });
    }
  }, 120_000);

  /** Posts a library-train task straight to the engine (no toolkit, so no taskTmpDir unless given). */
  async function retrainThrough(processUrl: string, extra: { taskTmpDir?: string }) {
    const modelId = written.libraryEngineModelId;
    const before = core.store.models.get(modelId)!.modifiedDateTime;
    const form = buildProcessForm({
      internalJobId: 'job-train',
      internalTaskId: `task-train-${Date.now()}`,
      payload: { mode: 'library-train', libraryId: written.libraryId, libraryEngineModelId: modelId },
      libraryId: written.libraryId,
      libraryEngineModelId: modelId,
      veritoneApiBaseUrl: core.url,
      token: TOKEN,
      ...extra,
    });
    const reply = await fetch(processUrl, { method: 'POST', body: form });
    expect(reply.status, await reply.text()).toBe(200);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const model = core.store.models.get(modelId)!;
      if (model.trainStatus === 'complete' && model.modifiedDateTime !== before) break;
      if (model.trainStatus === 'failed')
        throw new Error(`training failed: ${JSON.stringify(model.jsondata)}`);
      if (Date.now() > deadline) throw new Error('training did not complete within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
});
