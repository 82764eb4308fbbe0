import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProcessRequest } from '@engine-kit/contracts';
import type { JsonData, LibraryClient } from '@engine-kit/library-client';
import { ModelCache } from '@engine-kit/model-cache';
import { EngineError } from './errors.ts';

/** A library engine model ready for `run`: the cached folder (when it has a data file) and its metadata. */
export interface LoadedModel {
  id: string;
  libraryId: string;
  /** Published cache folder holding the downloaded `dataUrl` file; undefined for a `jsondata`-only model. */
  dir: string | undefined;
  /** The downloaded file inside `dir`. */
  file: string | undefined;
  jsondata: JsonData | undefined;
  contentType: string | undefined;
}

export interface LibraryIds {
  libraryId: string;
  libraryEngineModelId: string;
}

/** The library ids of a request: the top-level fields, else the task payload's. */
export function libraryIdsOf(request: ProcessRequest): Partial<LibraryIds> {
  const payload = request.payload as Record<string, unknown>;
  const fromPayload = (name: string) =>
    typeof payload[name] === 'string' ? (payload[name] as string) : undefined;
  return {
    libraryId: request.libraryId ?? fromPayload('libraryId'),
    libraryEngineModelId: request.libraryEngineModelId ?? fromPayload('libraryEngineModelId'),
  };
}

export function requireLibraryEngineModelId(request: ProcessRequest): string {
  const id = libraryIdsOf(request).libraryEngineModelId;
  if (!id) {
    throw new EngineError(
      'invalid_request',
      'libraryEngineModelId is missing from the request and its payload',
      {
        status: 400,
        failureReason: 'invalid_data',
      },
    );
  }
  return id;
}

/**
 * Loads each library engine model once per process: concurrent and later requests for the same
 * model id share one load; a failed load is forgotten so the next request tries again.
 */
export class ModelLoader {
  readonly #loads = new Map<string, Promise<LoadedModel>>();

  load(request: ProcessRequest, client: LibraryClient): Promise<LoadedModel> {
    const id = requireLibraryEngineModelId(request);
    const existing = this.#loads.get(id);
    if (existing) return existing;
    const load = loadModel(id, request, client).catch((error: unknown) => {
      this.#loads.delete(id);
      throw error instanceof EngineError
        ? error
        : new EngineError(
            'model_load_failed',
            `cannot load library engine model ${id}: ${(error as Error).message}`,
            {
              failureReason:
                (error as { failureReason?: EngineError['failureReason'] }).failureReason ?? 'api_error',
              cause: error,
            },
          );
    });
    this.#loads.set(id, load);
    return load;
  }
}

async function loadModel(id: string, request: ProcessRequest, client: LibraryClient): Promise<LoadedModel> {
  const model = await client.getLibraryEngineModel(id);
  const libraryId = libraryIdsOf(request).libraryId ?? model.libraryId;
  const base = {
    id,
    libraryId,
    jsondata: model.jsondata ?? undefined,
    contentType: model.contentType ?? undefined,
  };
  if (!model.dataUrl) return { ...base, dir: undefined, file: undefined };
  const key = { libraryId, libraryEngineModelId: id };
  const cache = ModelCache.fromLibraryModelDirectory(
    request.libraryModelDirectory ?? join(tmpdir(), 'engine-kit-models'),
    key,
  );
  const headers =
    sameOrigin(model.dataUrl, client.endpoint) && request.token
      ? { authorization: `Bearer ${request.token}` }
      : undefined;
  const { dir, file } = await cache.ensureFromUrl(key, model.dataUrl, headers ? { headers } : {});
  return { ...base, dir, file };
}

/** The API token goes only to the API's own origin, never to signed storage URLs. */
function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
