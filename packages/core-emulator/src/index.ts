export { CoreEmulatorError, type CoreEmulatorErrorCode } from './errors.ts';
export { DEFAULT_QUERY_LIMITS, type QueryLimitCode, type QueryLimits } from './query-limits.ts';
export {
  EMULATOR_APPLICATION_ID,
  emulatorSchema,
  mediaUrl,
  type RequestContext,
  SCHEMA_EXTENSIONS,
  type UploadedFilePart,
} from './resolvers.ts';
export {
  applySeed,
  DEFAULT_IDENTIFIER_TYPE_ID,
  SeedEntitySchema,
  SeedIdentifierSchema,
  SeedLibrarySchema,
  SeedModelSchema,
  SeedSchema,
  type Seed,
  type SeedLibrary,
  type SeedOptions,
} from './seed.ts';
export {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_UPLOAD_BYTES,
  startCoreEmulator,
  type CoreEmulator,
  type CoreEmulatorOptions,
  type CoreEmulatorStats,
} from './server.ts';
export {
  EmulatorStore,
  type StoredBlob,
  type StoredEntity,
  type StoredIdentifier,
  type StoredJob,
  type StoredLibrary,
  type StoredModel,
  type StoredTask,
} from './store.ts';
export { parseCliArgs, type CliParseResult } from './cli-args.ts';
