export type { ChunkTask, RunChunkOptions, ToolkitEvent } from './chunk-run.ts';
export { parseCli, USAGE, type CliCommand, type CliLaunch } from './cli-args.ts';
export { ToolkitError, type ToolkitErrorCode } from './common/errors.ts';
export { startConsole, type StartConsoleOptions, type TestConsole } from './console/console-server.ts';
export {
  startEngineProcess,
  type EngineExit,
  type EngineProcess,
  type StartEngineOptions,
} from './engine-process.ts';
export { readImageSize, type ImageSize } from './image-size.ts';
export { parseRangeHeader, type ByteRange } from './range.ts';
export { waitForReady, readyPollDelayMs, type WaitForReadyOptions } from './ready.ts';
export {
  handleKeysRequest,
  parseKeysPath,
  parseTtl,
  type KeysPath,
  type RedisEtScopes,
} from './redis-et/keys-api.ts';
export {
  MemoryKeyValueStore,
  RedisKeyValueStore,
  redisSettingsFromEnv,
  type KeyValueStore,
  type RedisKeyValueStoreOptions,
} from './redis-et/store.ts';
export { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './retry.ts';
export {
  runProcess,
  startEngineSession,
  type EngineLaunchOptions,
  type EngineSession,
  type RunProcessOptions,
} from './run-process.ts';
export {
  exitCodeForSummary,
  type ChunkStatus,
  type NotificationRecord,
  type ProcessCall,
  type ProcessResponseKind,
  type SummaryHeartbeat,
  type SummaryOutput,
  type ToolkitSummary,
  type ToolkitWarning,
  type ValidationIssue,
} from './summary.ts';
export { startToolkit, type StartToolkitOptions, type Toolkit } from './toolkit.ts';
