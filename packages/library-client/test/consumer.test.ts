import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileConsumer } from '../../../tooling/testing/consumer.ts';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

const esmSource = `
import { createLibraryClient, runTraining, LibraryClientError, type EntityWithIdentifiers, type LibraryEngineModel } from '@engine-kit/library-client';
const client = createLibraryClient({ endpoint: 'http://127.0.0.1:1/v3/graphql', token: 't', concurrency: 2 });
async function main(): Promise<LibraryEngineModel> {
  const seen: EntityWithIdentifiers[] = [];
  for await (const entity of client.iterateEntities({ libraryId: 'lib', identifierTypeId: 'face' })) seen.push(entity);
  return runTraining(client, { libraryEngineModelId: 'm', train: async () => ({ jsondata: { n: seen.length } }) });
}
main().catch((error: unknown) => {
  if (error instanceof LibraryClientError) { const reason: string = error.failureReason; void reason; }
});
`;

const cjsSource = `
import lc = require('@engine-kit/library-client');
const client: lc.LibraryClient = lc.libraryClientFromProcessRequest({ veritoneApiBaseUrl: 'http://127.0.0.1:1', token: 't' });
const status: lc.TrainStatus = 'complete';
void client; void status; void lc.operations.GetLibrary;
`;

describe('built declarations', () => {
  it('compile for an ESM and a CJS consumer', () => {
    const result = compileConsumer({
      packageName: '@engine-kit/library-client',
      packageDir,
      esmSource,
      cjsSource,
    });
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  }, 120_000);
});
