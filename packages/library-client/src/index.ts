export {
  createLibraryClient,
  graphqlEndpointFromBaseUrl,
  libraryClientFromProcessRequest,
  SHORT_TOKEN_WARNING_CODE,
  type DownloadOptions,
  type LibraryApiFields,
  type LibraryClient,
  type LibraryClientOptions,
} from './client.ts';
export { createLimiter, type Limiter } from './common/limiter.ts';
export {
  LibraryClientError,
  LibraryFileError,
  LibraryGraphQLError,
  LibraryHttpError,
  LibraryNetworkError,
  LibraryNotFoundError,
  LibraryOptionsError,
  LibraryRateLimitError,
  LibraryResponseError,
  LibraryTimeoutError,
  LibraryTrainingStatusError,
  type GraphQLErrorEntry,
  type LibraryClientErrorCode,
} from './errors.ts';
export type { IterateEntitiesOptions } from './iterate.ts';
export { operations, type OperationName } from './operations.ts';
export {
  failureReasonOf,
  runTraining,
  type RunTrainingOptions,
  type TrainingContext,
  type TrainingOutcome,
} from './training.ts';
export type { LibraryClientEvent } from './transport.ts';
export {
  TRAIN_STATUSES,
  type CreateTrainingJobInput,
  type DownloadedModel,
  type DownloadedModelFile,
  type Entity,
  type EntityIdentifier,
  type EntityWithIdentifiers,
  type Job,
  type JobTask,
  type JsonData,
  type Library,
  type LibraryEngineModel,
  type LibraryEngineModelVersion,
  type LibrarySummary,
  type TrainStatus,
  type UpdateLibraryEngineModelInput,
  type UploadLibraryEngineModelFileInput,
} from './types.ts';
