export { CHUNK_METADATA_PREFIX, chunkMetadataFields, chunkMetadataOf } from './common/chunk-metadata.ts';
export { ContractError, type ContractIssue, type ParseResult } from './common/issues.ts';
export {
  DEFAULT_CONCURRENT_TASKS,
  DEFAULT_END_IF_IDLE_SECS,
  ENGINE_ENVIRONMENT_VARIABLES,
  type EngineEnvironment,
  type EngineEnvironmentVariable,
  filterEngineEnvironment,
  parseEngineEnvironment,
  parseWhiteList,
  TEST_CONSOLE_PORT,
} from './environment.ts';
export {
  FAILURE_REASON_DESCRIPTIONS,
  FAILURE_REASONS,
  type FailureReason,
  type FailureReasonOptions,
  FailureReasonSchema,
  type FailureReasonTarget,
  failureReasonFromError,
  reasonForHttpStatus,
  TASK_FAILURE_REASONS,
  type TaskFailureReason,
  TaskFailureReasonSchema,
} from './failure-reason.ts';
export {
  buildHeartbeat,
  HEARTBEAT_STATUSES,
  type Heartbeat,
  type HeartbeatInput,
  HeartbeatSchema,
  type HeartbeatStatus,
  HeartbeatStatusSchema,
  parseHeartbeat,
} from './heartbeat.ts';
export {
  CONTRACT_JSON_SCHEMA_BASE_URL,
  CONTRACT_MESSAGES,
  type ContractMessageName,
  contractJsonSchema,
} from './json-schema.ts';
export {
  CLUSTER_SIZES,
  ENGINE_MANIFEST_KEYS,
  ENGINE_MODES,
  type EngineManifest,
  EngineManifestSchema,
  ManifestInputOptionSchema,
  type ManifestValidation,
  validateManifest,
} from './manifest.ts';
export {
  AIWARE_HEADER_PREFIX,
  buildNotificationUrl,
  NOTIFICATION_PARAM_KEYS,
  type NotificationParams,
  notificationHeaders,
  parseNotificationUrl,
} from './notifications.ts';
export {
  buildProcessForm,
  PROCESS_REQUEST_FIELDS,
  PROCESS_REQUEST_INTEGER_FIELDS,
  PROCESS_REQUEST_MAX_INTEGER,
  PROCESS_REQUEST_STRING_FIELDS,
  type ProcessChunk,
  type ProcessRequest,
  type ProcessRequestField,
  type ProcessRequestFields,
  ProcessRequestFieldsSchema,
  type ProcessRequestInput,
  ProcessRequestSchema,
  parseProcessRequest,
  processRequestToFields,
} from './process-request.ts';
export {
  type AsyncAcknowledgement,
  AsyncAcknowledgementSchema,
  classifyProcessResponse,
  mimeTypeOf,
  type ProcessResponseBody,
  ProcessResponseBodySchema,
  type ProcessResponseOutcome,
} from './process-response.ts';
export { classifyReadyStatus, type ReadyState } from './ready.ts';
export {
  isRedactableSecret,
  MIN_REDACTABLE_SECRET_LENGTH,
  REDACTED,
  redactSecrets,
  redactUrl,
  redactUrlsInText,
} from './common/redact.ts';
export {
  REDIS_ET_DEFAULT_TTL_SECONDS,
  REDIS_ET_STATUS,
  RedisEtClient,
  type RedisEtClientOptions,
  RedisEtError,
  type RedisEtErrorCode,
  type RedisEtKeyOptions,
  type RedisEtScope,
  type RedisEtSetOptions,
  redisEtKeyPath,
} from './redis-et.ts';
export {
  buildMultipartResultFields,
  buildResult,
  type MultipartResultFields,
  MultipartResultFieldsSchema,
  type MultipartResultInput,
  parseMultipartResultFields,
  parseResult,
  type Result,
  type ResultInput,
  ResultSchema,
} from './result.ts';
export {
  isLibraryTaskPayload,
  type LibraryRunPayload,
  LibraryRunPayloadSchema,
  type LibraryTrainPayload,
  LibraryTrainPayloadSchema,
  type ProcessingPayload,
  ProcessingPayloadSchema,
  parseTaskPayload,
  parseTaskPayloadText,
  TASK_MODES,
  type TaskMode,
  type TaskPayload,
  TaskPayloadSchema,
} from './task-payload.ts';
