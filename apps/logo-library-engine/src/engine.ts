import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProcessRequest } from '@engine-kit/contracts';
import { EngineError, type EngineDefinition } from '@engine-kit/engine';
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

async function modelFilePath(request: ProcessRequest): Promise<string> {
  const dir = request.taskTmpDir ?? (await mkdtemp(join(tmpdir(), 'logo-train-')));
  return join(dir, MODEL_FILE_NAME);
}

/**
 * The logo library engine. `library-train` fingerprints the library's images and returns the
 * model file (the runtime uploads it and completes the model with `{ fingerprints: N }`);
 * `library-run` loads the model once per file and reports the recognised logo of each frame.
 */
export function logoLibraryEngine(
  options: LogoEngineOptions = {},
  overrides: Partial<EngineDefinition> = {},
): EngineDefinition {
  const models = new Map<string, Promise<LogoModel>>();
  const modelAt = (file: string) => {
    let model = models.get(file);
    if (!model) {
      model = loadModelFile(file);
      models.set(file, model);
      model.catch(() => models.delete(file));
    }
    return model;
  };

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
    train: async ({ request, model, entities, context }) => {
      const trained = await trainLogoModel(entities, {
        libraryId: model.libraryId,
        download: (url, signal) => fetchBytes(url, signal, authHeaders(request, url)),
        signal: context.signal,
        ...(options.downloadConcurrency ? { concurrency: options.downloadConcurrency } : {}),
        onProgress: (progress) =>
          context.setInfo(`${progress.fingerprints} fingerprints, ${progress.skipped} skipped`),
      });
      for (const skipped of trained.skipped) context.log.warn('identifier skipped', { ...skipped });
      const path = await modelFilePath(request);
      await writeFile(path, JSON.stringify(trained.model));
      return {
        file: { path, contentType: MODEL_CONTENT_TYPE, filename: MODEL_FILE_NAME },
        jsondata: { fingerprints: trained.model.fingerprints.length },
      };
    },
    run: async ({ request, model, context }) => {
      if (!model.file) {
        throw new LogoEngineError(
          'invalid_model',
          `Library engine model ${model.id} has no model file; train the library first.`,
        );
      }
      if (!isSupportedImageMime(request.chunkMimeType) || !request.chunk) return context.ignore();
      const logoModel = await modelAt(model.file);
      try {
        return recogniseLogo(logoModel, await readFile(request.chunk), options.threshold);
      } catch (error) {
        throw imageChunkFailure(error);
      }
    },
    ...overrides,
  };
}
