import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLibraryClient, LibraryTrainingStatusError, runTraining } from '../src/index.ts';
import { ENDPOINT, model, readCall } from './fake-api.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Records every update and answers with the model as updated. */
function modelUpdates(failWhen?: (input: Record<string, unknown>) => boolean) {
  const inputs: Array<Record<string, unknown>> = [];
  server.use(
    http.post(ENDPOINT, async ({ request }) => {
      const { variables } = await readCall(request);
      const input = variables.input as Record<string, unknown>;
      inputs.push(input);
      if (failWhen?.(input)) return new HttpResponse('down', { status: 500 });
      return HttpResponse.json({ data: { updateLibraryEngineModel: model(input) } });
    }),
  );
  return inputs;
}

describe('runTraining', () => {
  it('sets running, then complete with the jsondata returned by train', async () => {
    const inputs = modelUpdates();
    const client = createLibraryClient({ endpoint: ENDPOINT });
    const seen: string[] = [];
    const result = await runTraining(client, {
      libraryEngineModelId: 'model-1',
      train: async ({ model: current }) => {
        seen.push(String(current.trainStatus));
        return { jsondata: { collectionId: 'abcd', fingerprints: 3 } };
      },
    });
    expect(seen).toEqual(['running']);
    expect(inputs).toEqual([
      { id: 'model-1', trainStatus: 'running' },
      { id: 'model-1', trainStatus: 'complete', jsondata: { collectionId: 'abcd', fingerprints: 3 } },
    ]);
    expect(result.trainStatus).toBe('complete');
  });

  it('sets failed with jsondata { error, failureReason } and re-throws when train throws', async () => {
    const inputs = modelUpdates();
    const client = createLibraryClient({ endpoint: ENDPOINT });
    const failure = Object.assign(new Error('vendor API refused the connection'), { code: 'ECONNREFUSED' });
    await expect(
      runTraining(client, {
        libraryEngineModelId: 'model-1',
        train: async () => {
          throw failure;
        },
      }),
    ).rejects.toBe(failure);
    expect(inputs.at(-1)).toEqual({
      id: 'model-1',
      trainStatus: 'failed',
      jsondata: { error: 'vendor API refused the connection', failureReason: 'url_connection_refused' },
    });
    expect(inputs.map((input) => input.trainStatus)).toEqual(['running', 'failed']);
  });

  it('removes caller secrets from the saved error text', async () => {
    const inputs = modelUpdates();
    const client = createLibraryClient({ endpoint: ENDPOINT });
    await runTraining(client, {
      libraryEngineModelId: 'model-1',
      secrets: ['api-key-123'],
      train: async () => {
        throw new Error('vendor rejected api-key-123');
      },
    }).catch(() => undefined);
    expect(JSON.stringify(inputs.at(-1))).not.toContain('api-key-123');
  });

  it('sets failed when saving the complete status fails', async () => {
    const inputs = modelUpdates((input) => input.trainStatus === 'complete');
    const client = createLibraryClient({ endpoint: ENDPOINT, retries: 0 });
    await expect(
      runTraining(client, { libraryEngineModelId: 'model-1', train: async () => ({ jsondata: { a: 1 } }) }),
    ).rejects.toMatchObject({ code: 'http_error', status: 500 });
    expect(inputs.map((input) => input.trainStatus)).toEqual(['running', 'complete', 'failed']);
    expect(inputs.at(-1)?.jsondata).toMatchObject({ failureReason: 'api_error' });
  });

  it('throws LibraryTrainingStatusError when the failed status cannot be saved either', async () => {
    modelUpdates((input) => input.trainStatus === 'failed');
    const client = createLibraryClient({ endpoint: ENDPOINT, retries: 0 });
    const trainingError = new Error('boom');
    const error = await runTraining(client, {
      libraryEngineModelId: 'model-1',
      train: async () => {
        throw trainingError;
      },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LibraryTrainingStatusError);
    expect(error).toMatchObject({ code: 'training_status_error', trainingError });
  });
});
