import { type FailureReason, failureReasonFromError } from '@engine-kit/contracts';
import type { LibraryClient } from './client.ts';
import { redactText } from './common/redact.ts';
import { LibraryClientError, LibraryTrainingStatusError } from './errors.ts';
import type { JsonData, LibraryEngineModel } from './types.ts';

/** What a successful `train` hands back to be saved on the library engine model. */
export interface TrainingOutcome {
  /** Saved as the model's `jsondata` (e.g. a collection id or an id mapping). */
  jsondata?: JsonData;
  /** A model file to upload; its Content-Type becomes the model's `contentType`. */
  file?: { path: string; contentType: string; filename?: string };
}

export interface TrainingContext {
  libraryEngineModelId: string;
  /** The model as it was after `trainStatus` was set to `running`. */
  model: LibraryEngineModel;
  client: LibraryClient;
}

export interface RunTrainingOptions {
  libraryEngineModelId: string;
  // biome-ignore lint/suspicious/noConfusingVoidType: a train function that saves nothing may return nothing
  train: (context: TrainingContext) => Promise<TrainingOutcome | undefined | void>;
  /** Strings removed from the error text saved in `jsondata.error` (e.g. credentials of a third-party API). */
  secrets?: readonly string[];
}

/**
 * The library-train workflow: `trainStatus: running`, then `train`, then `complete` with its
 * `jsondata` (and file), or `failed` with `jsondata: { error, failureReason }`. When anything after
 * `running` fails, the status is set to `failed` before the error is re-thrown.
 */
export async function runTraining(
  client: LibraryClient,
  options: RunTrainingOptions,
): Promise<LibraryEngineModel> {
  const id = options.libraryEngineModelId;
  const model = await client.updateLibraryEngineModel({ id, trainStatus: 'running' });
  try {
    const outcome = await options.train({ libraryEngineModelId: id, model, client });
    return await saveOutcome(client, id, outcome ?? {});
  } catch (error) {
    await markFailed(client, id, error, options.secrets ?? []);
    throw error;
  }
}

async function saveOutcome(
  client: LibraryClient,
  id: string,
  outcome: TrainingOutcome,
): Promise<LibraryEngineModel> {
  const jsondata = outcome.jsondata;
  if (outcome.file) {
    return client.uploadLibraryEngineModelFile({
      id,
      trainStatus: 'complete',
      filePath: outcome.file.path,
      contentType: outcome.file.contentType,
      ...(outcome.file.filename ? { filename: outcome.file.filename } : {}),
      ...(jsondata ? { jsondata } : {}),
    });
  }
  return client.updateLibraryEngineModel({ id, trainStatus: 'complete', ...(jsondata ? { jsondata } : {}) });
}

async function markFailed(client: LibraryClient, id: string, error: unknown, secrets: readonly string[]) {
  const failureReason = failureReasonOf(error);
  const message = redactText(error instanceof Error ? error.message : String(error), secrets);
  try {
    await client.updateLibraryEngineModel({
      id,
      trainStatus: 'failed',
      jsondata: { error: message, failureReason },
    });
  } catch (statusError) {
    throw new LibraryTrainingStatusError(
      `Training of library engine model ${id} failed (${message}) and its trainStatus could not be set to failed: ${
        (statusError as Error).message
      }`,
      failureReason,
      error,
      statusError,
    );
  }
}

/** The aiWARE failureReason for any error: the client's own, else the contracts mapping. */
export function failureReasonOf(error: unknown): FailureReason {
  if (error instanceof LibraryClientError) return error.failureReason;
  return failureReasonFromError(error);
}
