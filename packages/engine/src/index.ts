export {
  DEFAULT_LIMITS,
  DEFAULT_PORT,
  DEFAULT_PROCESS_PATH,
  DEFAULT_READY_PATH,
  type EngineAddressConfig,
  type EngineLimits,
  resolveAddress,
} from './config.ts';
export type { ProcessContext, ResultOffsets, TaskProgress } from './context.ts';
export {
  type CloseResult,
  createEngine,
  type Engine,
  type EngineDefinition,
  type EngineMode,
  type EngineState,
  type ListenInfo,
  type ProcessHandler,
  type RunArgs,
  type TrainArgs,
  type TrainResult,
} from './engine.ts';
export { EngineError, type EngineErrorCode, type EngineErrorOptions } from './errors.ts';
export {
  DEFAULT_INPUT_TIMEOUTS,
  type InputTimeouts,
  type OpenInputOptions,
  openInputStream,
} from './input.ts';
export type { LibraryRunOptions, LoadedModel } from './library.ts';
export { createJsonLogger, type EngineLogger, type LogLevel } from './logger.ts';
export {
  type IgnoredChunk,
  ignore,
  type NonVtnOutput,
  nonVtnOutput,
  type ProcessOutput,
  type VtnOutput,
} from './output.ts';
export type { VtnDocument, VtnV2Document, VtnVersion } from '@engine-kit/vtn-standard';
export type { RetryPolicy } from './common/retry.ts';
export { type RunEngineOptions, runEngine } from './run.ts';
