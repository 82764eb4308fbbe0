import { describe, expect, it } from 'vitest';

describe('@engine-kit/library-client exports', () => {
  it('exports exactly the documented names', async () => {
    expect(Object.keys(await import('../src/index.ts')).sort()).toEqual([
      'LibraryClientError',
      'LibraryFileError',
      'LibraryGraphQLError',
      'LibraryHttpError',
      'LibraryNetworkError',
      'LibraryNotFoundError',
      'LibraryOptionsError',
      'LibraryRateLimitError',
      'LibraryResponseError',
      'LibraryTimeoutError',
      'LibraryTrainingStatusError',
      'SHORT_TOKEN_WARNING_CODE',
      'TRAIN_STATUSES',
      'createLibraryClient',
      'createLimiter',
      'failureReasonOf',
      'graphqlEndpointFromBaseUrl',
      'libraryClientFromProcessRequest',
      'operations',
      'runTraining',
    ]);
  });
});
