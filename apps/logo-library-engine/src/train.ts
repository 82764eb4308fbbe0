import { LogoEngineError } from './errors.ts';
import { fingerprintImage } from './fingerprint.ts';
import { decodeImage, ImageDecodeError } from '@engine-kit-apps/sample-support';
import { buildModel, type LogoModel, type ModelFingerprint } from './model.ts';

/** The parts of a library entity identifier training needs (library-client's type fits). */
export interface TrainingIdentifier {
  id: string;
  url: string | null;
}

export interface TrainingEntity {
  id: string;
  name?: string;
  identifiers: readonly TrainingIdentifier[];
}

export type Downloader = (url: string, signal: AbortSignal) => Promise<Uint8Array>;

export interface SkippedIdentifier {
  entityId: string;
  entityIdentifierId: string;
  reason: string;
}

export interface TrainingProgress {
  fingerprints: number;
  skipped: number;
}

export interface TrainLogoOptions {
  libraryId: string;
  download: Downloader;
  /** Most images downloaded and hashed at once (default 4). */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (progress: TrainingProgress) => void;
}

export interface TrainedLogoModel {
  model: LogoModel;
  skipped: SkippedIdentifier[];
}

const DEFAULT_CONCURRENCY = 4;

/** Downloads with the global fetch; HTTP failures become `LogoEngineError`s with a failureReason. */
export async function fetchBytes(
  url: string,
  signal: AbortSignal,
  headers?: Record<string, string>,
): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, headers ? { signal, headers } : { signal });
  } catch (cause) {
    throw new LogoEngineError('download_failed', `Downloading ${url} failed: ${(cause as Error).message}`, {
      cause,
    });
  }
  if (!response.ok) {
    const code = response.status === 404 ? 'download_not_found' : 'download_failed';
    throw new LogoEngineError(code, `Downloading ${url} answered HTTP ${response.status}.`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Trains the logo model: pages through the library's entities as the iterable yields them,
 * downloads each identifier image with bounded concurrency and fingerprints it. Identifiers
 * without a URL or with an unreadable image are skipped and listed; a failed download fails
 * the training; a library without any usable image fails with `empty_library`.
 */
export async function trainLogoModel(
  entities: AsyncIterable<TrainingEntity> | Iterable<TrainingEntity>,
  options: TrainLogoOptions,
): Promise<TrainedLogoModel> {
  const limit = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const controller = new AbortController();
  const stop = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stop, { once: true });
  const results: (ModelFingerprint | undefined)[] = [];
  const skipped: SkippedIdentifier[] = [];
  const inFlight = new Set<Promise<void>>();
  // Held in an object: the flag is set from task callbacks, which control-flow narrowing cannot see.
  const state: { failure?: { error: unknown } } = {};
  const throwIfFailed = () => {
    if (state.failure) throw state.failure.error;
  };
  const progress = () =>
    options.onProgress?.({ fingerprints: results.filter(Boolean).length, skipped: skipped.length });

  const fingerprintOne = async (entity: TrainingEntity, identifier: TrainingIdentifier, slot: number) => {
    const bytes = await options.download(identifier.url!, controller.signal);
    try {
      results[slot] = {
        entityId: entity.id,
        entityIdentifierId: identifier.id,
        ...(entity.name ? { entityName: entity.name } : {}),
        ...fingerprintImage(decodeImage(bytes)),
      };
    } catch (error) {
      if (!(error instanceof ImageDecodeError)) throw error;
      skipped.push({ entityId: entity.id, entityIdentifierId: identifier.id, reason: error.message });
    }
    progress();
  };

  try {
    for await (const entity of entities) {
      for (const identifier of entity.identifiers) {
        throwIfFailed();
        if (!identifier.url) {
          skipped.push({
            entityId: entity.id,
            entityIdentifierId: identifier.id,
            reason: 'identifier has no url',
          });
          continue;
        }
        while (inFlight.size >= limit) await Promise.race(inFlight);
        throwIfFailed();
        const task: Promise<void> = fingerprintOne(entity, identifier, results.push(undefined) - 1)
          .catch((error: unknown) => {
            state.failure ??= { error };
            controller.abort(error);
          })
          .finally(() => inFlight.delete(task));
        inFlight.add(task);
      }
    }
    await Promise.all(inFlight);
    throwIfFailed();
  } catch (error) {
    controller.abort(error);
    await Promise.all(inFlight);
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }

  const fingerprints = results.filter((result): result is ModelFingerprint => result !== undefined);
  if (fingerprints.length === 0) {
    throw new LogoEngineError(
      'empty_library',
      `Library ${options.libraryId} has no usable logo image to train on.`,
    );
  }
  return { model: buildModel(options.libraryId, fingerprints), skipped };
}
