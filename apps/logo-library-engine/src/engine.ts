import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProcessRequest } from '@engine-kit/contracts';
import { EngineError, type EngineDefinition, type LoadedModel, type TrainArgs } from '@engine-kit/engine';
import { LogoEngineError } from './errors.ts';
import { imageChunkFailure, isSupportedImageMime } from '@engine-kit-apps/sample-support';
import { type LogoModel, MODEL_CONTENT_TYPE, MODEL_FILE_NAME } from './model.ts';
import { loadModelFile, recogniseLogo } from './recognise.ts';
import { fetchBytes, trainLogoModel } from './train.ts';

export interface LogoEngineOptions {
  /** Images downloaded and hashed at once while training (default 4). */
  downloadConcurrency?: number;
  /** Match threshold (see `DEFAULT_MATCH_THRESHOLD`). */
  threshold?: number;
}

/** The API token is sent only to the API's own origin, never to third-party image hosts. */
function authHeaders(request: ProcessRequest, url: string): Record<string, string> | undefined {
  if (!request.token || !request.veritoneApiBaseUrl) return undefined;
  try {
    return new URL(url).origin === new URL(request.veritoneApiBaseUrl).origin
      ? { authorization: `Bearer ${request.token}` }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes the model into a private folder (inside `taskTmpDir` when given, so nothing the
 * toolkit put there is overwritten), uploads it to the library engine model, and removes the
 * folder whatever happens: no `logo-train-*` folder outlives the training. The runtime then
 * completes the model with the returned `jsondata`; the file is already in place.
 */
async function uploadModelFile(
  client: TrainArgs['client'],
  libraryEngineModelId: string,
  model: LogoModel,
  taskTmpDir: string | undefined,
  signal: AbortSignal,
): Promise<void> {
  const dir = await mkdtemp(join(taskTmpDir ?? tmpdir(), 'logo-train-'));
  try {
    const path = join(dir, MODEL_FILE_NAME);
    await writeFile(path, JSON.stringify(model), { flag: 'wx' });
    await client.uploadLibraryEngineModelFile(
      {
        id: libraryEngineModelId,
        filePath: path,
        contentType: MODEL_CONTENT_TYPE,
        filename: MODEL_FILE_NAME,
      },
      { signal },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Parsed models by library engine model id, one version each: a task on a new version (after a
 * retrain) loads it and replaces the previous one, which is then released; tasks that see the
 * same version share one load.
 */
function modelMemo() {
  const models = new Map<string, { version: string; model: Promise<LogoModel> }>();
  return (loaded: LoadedModel & { file: string }): Promise<LogoModel> => {
    const known = models.get(loaded.id);
    if (known !== undefined && known.version === loaded.version) return known.model;
    const model = loadModelFile(loaded.file);
    models.set(loaded.id, { version: loaded.version, model });
    model.catch(() => {
      if (models.get(loaded.id)?.model === model) models.delete(loaded.id);
    });
    return model;
  };
}

/**
 * The logo library engine. `library-train` fingerprints the library's images and returns the
 * model file (the runtime uploads it and completes the model with `{ fingerprints: N }`);
 * `library-run` loads each model version once and reports the recognised logo of each frame.
 */
export function logoLibraryEngine(
  options: LogoEngineOptions = {},
  overrides: Partial<EngineDefinition> = {},
): EngineDefinition {
  const modelOf = modelMemo();

  return {
    mode: 'chunk',
    process: () => {
      throw new EngineError(
        'unsupported_mode',
        'this engine needs payload.mode library-train or library-run',
        {
          status: 400,
          failureReason: 'invalid_data',
        },
      );
    },
    train: async ({ request, client, model, entities, context }) => {
      const trained = await trainLogoModel(entities, {
        libraryId: model.libraryId,
        download: (url, signal) => fetchBytes(url, signal, authHeaders(request, url)),
        signal: context.signal,
        ...(options.downloadConcurrency ? { concurrency: options.downloadConcurrency } : {}),
        onProgress: (progress) =>
          context.setInfo(`${progress.fingerprints} fingerprints, ${progress.skipped} skipped`),
      });
      for (const skipped of trained.skipped) context.log.warn('identifier skipped', { ...skipped });
      await uploadModelFile(client, model.id, trained.model, request.taskTmpDir, context.signal);
      return { jsondata: { fingerprints: trained.model.fingerprints.length } };
    },
    run: async ({ request, model, context }) => {
      if (!model.file) {
        throw new LogoEngineError(
          'invalid_model',
          `Library engine model ${model.id} has no model file; train the library first.`,
        );
      }
      if (!isSupportedImageMime(request.chunkMimeType) || !request.chunk) return context.ignore();
      const logoModel = await modelOf({ ...model, file: model.file });
      try {
        return recogniseLogo(logoModel, await readFile(request.chunk), options.threshold);
      } catch (error) {
        throw imageChunkFailure(error);
      }
    },
    ...overrides,
  };
}
