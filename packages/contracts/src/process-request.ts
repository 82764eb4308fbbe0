import { z } from 'zod';
import { CHUNK_METADATA_PREFIX, chunkMetadataFields, isChunkMetadataKey } from './common/chunk-metadata.ts';
import {
  ContractError,
  type ContractIssue,
  fromZodIssues,
  issue,
  isRecord,
  type ParseResult,
  setOwn,
} from './common/issues.ts';
import { IntegerTextSchema, MAX_INTEGER_TEXT_VALUE } from './common/integer-text.ts';
import { isLibraryTaskPayload, parseTaskPayloadText, TaskPayloadSchema } from './task-payload.ts';

/** Text fields of `/process` that carry a plain string. */
export const PROCESS_REQUEST_STRING_FIELDS = [
  'internalJobId',
  'internalTaskId',
  'chunk',
  'chunkMimeType',
  'cacheURI',
  'veritoneApiBaseUrl',
  'token',
  'inputFolderID',
  'libraryId',
  'libraryEngineModelId',
  'libraryModelDirectory',
  'taskTmpDir',
  'engineDir',
  'heartbeatWebhook',
  'resultWebhook',
  'externalCallbackWebhook',
  'controllerToken',
  'redisETUrl',
  'chunkContext',
  'chunkUUID',
] as const;

/** Text fields of `/process` that carry an integer (multipart fields are always text on the wire). */
export const PROCESS_REQUEST_INTEGER_FIELDS = [
  'startOffsetMS',
  'endOffsetMS',
  'width',
  'height',
  'maxTTL',
  'chunkIndex',
] as const;

export const PROCESS_REQUEST_FIELDS = [
  ...PROCESS_REQUEST_STRING_FIELDS,
  ...PROCESS_REQUEST_INTEGER_FIELDS,
  'payload',
] as const;
export type ProcessRequestField = (typeof PROCESS_REQUEST_FIELDS)[number];

const KNOWN_FIELDS: ReadonlySet<string> = new Set(PROCESS_REQUEST_FIELDS);

// A JSON Schema cannot parse JSON inside a string; requiring braces catches the common mistakes (arrays, bare words).
// `null` is what the Go toolkit writes for a task without a payload.
const JSON_OBJECT_TEXT = /^\s*$|^\s*null\s*$|^\s*\{[\s\S]*\}\s*$/;

const FIELD_DESCRIPTIONS: Readonly<Record<ProcessRequestField, string>> = {
  internalJobId: 'The internal job ID.',
  internalTaskId: 'The internal task ID.',
  chunk: 'The chunk file (a file part on the wire; its saved path once received).',
  chunkMimeType: 'MIME type of the chunk, e.g. image/jpeg.',
  startOffsetMS: 'Start time of the chunk in the input, in milliseconds.',
  endOffsetMS: 'End time of the chunk in the input, in milliseconds.',
  width: 'Width of an image or video chunk in pixels.',
  height: 'Height of an image or video chunk in pixels.',
  cacheURI: 'URL of the chunk source file; stream engines read their input from it.',
  veritoneApiBaseUrl: 'Root URL of the aiWARE API.',
  token: 'aiWARE token for API requests.',
  payload: 'JSON text of the whole task payload.',
  inputFolderID: 'ID of the input folder of this chunk.',
  libraryId: 'ID of the library related to this task.',
  libraryEngineModelId: 'ID of the library engine model related to this task.',
  libraryModelDirectory: 'Directory where the engine may cache library engine models.',
  taskTmpDir: 'Scratch directory for this task (purged after some days).',
  engineDir: 'Directory shared by instances of this engine.',
  heartbeatWebhook: 'URL to POST heartbeats to.',
  resultWebhook: 'URL to POST results to.',
  externalCallbackWebhook: 'URL an external processor may call back.',
  maxTTL: 'Longest time, in seconds, the toolkit waits for results.',
  controllerToken: 'Edge token, set when AIWARE_CONTROLLER is exposed to the engine.',
  redisETUrl: 'URL of the toolkit redisET key/value service, when the cluster has Redis.',
  chunkContext: 'Opaque chunk context to echo in results.',
  chunkIndex: 'Index of the chunk within the task.',
  chunkUUID: 'Unique id of the chunk (sent by the newer Engine Toolkit).',
};

const text = (field: ProcessRequestField) => z.string().meta({ description: FIELD_DESCRIPTIONS[field] });
const integerText = (field: ProcessRequestField) =>
  IntegerTextSchema.meta({ description: FIELD_DESCRIPTIONS[field] }).optional();

/**
 * The `/process` request as it travels: multipart text fields, every value a string. Fields not named here
 * (`chunk-metadata-*` and fields the toolkit may add later) are allowed as strings.
 */
export const ProcessRequestFieldsSchema = z
  .object({
    // Optional on the wire: the open-source Go toolkit sends neither (parseProcessRequest warns and fills in local ids).
    internalJobId: text('internalJobId').min(1).optional(),
    internalTaskId: text('internalTaskId').min(1).optional(),
    chunk: text('chunk').optional(),
    chunkMimeType: text('chunkMimeType').optional(),
    startOffsetMS: integerText('startOffsetMS'),
    endOffsetMS: integerText('endOffsetMS'),
    width: integerText('width'),
    height: integerText('height'),
    cacheURI: text('cacheURI').optional(),
    veritoneApiBaseUrl: text('veritoneApiBaseUrl').optional(),
    token: text('token').optional(),
    payload: z
      .string()
      .regex(JSON_OBJECT_TEXT, { error: 'must be the JSON text of an object' })
      .meta({ description: FIELD_DESCRIPTIONS.payload, contentMediaType: 'application/json' })
      .optional(),
    inputFolderID: text('inputFolderID').optional(),
    libraryId: text('libraryId').optional(),
    libraryEngineModelId: text('libraryEngineModelId').optional(),
    libraryModelDirectory: text('libraryModelDirectory').optional(),
    taskTmpDir: text('taskTmpDir').optional(),
    engineDir: text('engineDir').optional(),
    heartbeatWebhook: text('heartbeatWebhook').optional(),
    resultWebhook: text('resultWebhook').optional(),
    externalCallbackWebhook: text('externalCallbackWebhook').optional(),
    maxTTL: integerText('maxTTL'),
    controllerToken: text('controllerToken').optional(),
    redisETUrl: text('redisETUrl').optional(),
    chunkContext: text('chunkContext').optional(),
    chunkIndex: integerText('chunkIndex'),
    chunkUUID: text('chunkUUID').optional(),
  })
  .catchall(z.string())
  .meta({
    title: 'ProcessRequestFields',
    description: 'Multipart text fields of the /process webhook request.',
  });
export type ProcessRequestFields = z.infer<typeof ProcessRequestFieldsSchema>;

/** Largest integer a `/process` field may hold: 15 decimal digits, the bound the wire pattern can state. */
export const PROCESS_REQUEST_MAX_INTEGER = MAX_INTEGER_TEXT_VALUE;

const nonNegativeInt = z.int().min(0).max(PROCESS_REQUEST_MAX_INTEGER);

/** The `/process` request once parsed: integers are numbers, `payload` is typed, metadata is gathered. */
export const ProcessRequestSchema = z.strictObject({
  internalJobId: z.string().min(1),
  internalTaskId: z.string().min(1),
  chunk: z.string().optional(),
  chunkMimeType: z.string().optional(),
  startOffsetMS: nonNegativeInt.optional(),
  endOffsetMS: nonNegativeInt.optional(),
  width: nonNegativeInt.optional(),
  height: nonNegativeInt.optional(),
  cacheURI: z.string().optional(),
  veritoneApiBaseUrl: z.string().optional(),
  token: z.string().optional(),
  payload: TaskPayloadSchema,
  chunkMetadata: z.record(z.string(), z.string()),
  inputFolderID: z.string().optional(),
  libraryId: z.string().optional(),
  libraryEngineModelId: z.string().optional(),
  libraryModelDirectory: z.string().optional(),
  taskTmpDir: z.string().optional(),
  engineDir: z.string().optional(),
  heartbeatWebhook: z.string().optional(),
  resultWebhook: z.string().optional(),
  externalCallbackWebhook: z.string().optional(),
  maxTTL: nonNegativeInt.optional(),
  controllerToken: z.string().optional(),
  redisETUrl: z.string().optional(),
  chunkContext: z.string().optional(),
  chunkIndex: nonNegativeInt.optional(),
  chunkUUID: z.string().optional(),
  extra: z.record(z.string(), z.string()),
});
export type ProcessRequest = z.infer<typeof ProcessRequestSchema>;

/** What builders accept: the ids may be left out (as the Go toolkit sends them), and so may `payload`, `chunkMetadata`, `extra`. */
const ProcessRequestInputSchema = ProcessRequestSchema.extend({
  internalJobId: z.string().min(1).optional(),
  internalTaskId: z.string().min(1).optional(),
});

/** What `buildProcessForm` accepts: a request where the ids, `payload`, `chunkMetadata` and `extra` may be left out. */
export type ProcessRequestInput = Omit<
  ProcessRequest,
  'internalJobId' | 'internalTaskId' | 'payload' | 'chunkMetadata' | 'extra'
> & {
  internalJobId?: string;
  internalTaskId?: string;
  payload?: ProcessRequest['payload'];
  chunkMetadata?: Record<string, string>;
  extra?: Record<string, string>;
};

/** Text fields as a record, a `FormData`, or `[name, value]` pairs in arrival order (what a multipart parser sees). */
export type ProcessRequestFieldsInput =
  | Record<string, string>
  | FormData
  | ReadonlyArray<readonly [string, string]>;

export interface ParseProcessRequestOptions {
  /**
   * Turns every warning into an issue: a request without `internalJobId`/`internalTaskId`, or with a
   * `payload.mode` that is not a library mode, is then refused. Default false (what real toolkits send
   * is accepted).
   */
  strict?: boolean;
}

/**
 * The outcome of `parseProcessRequest`: a `ParseResult` plus `warnings`, things that are off but
 * accepted (missing ids, an unknown `payload.mode`); callers should log them.
 */
export type ProcessRequestParseResult =
  | { success: true; data: ProcessRequest; warnings: ContractIssue[] }
  | { success: false; issues: ContractIssue[]; warnings: ContractIssue[] };

export interface ProcessChunk {
  data: Blob | Uint8Array;
  /** Defaults to `chunk.data`, the name the open-source toolkit used. */
  filename?: string;
  contentType?: string;
}

/**
 * Parses the text fields of a `/process` request (a plain record, the request's `FormData`, or the
 * `[name, value]` pairs a multipart parser produced). File parts are ignored: the runtime saves the chunk
 * file and passes its path as `chunk`. A field sent twice is an issue (`duplicate_field`) in every input
 * form: which copy counts would otherwise depend on the parser. A missing `internalJobId`/`internalTaskId`
 * is a warning, and a local id (`local-job-<uuid>`, `local-task-<uuid>`) is filled in for logs. Never
 * throws.
 */
export function parseProcessRequest(
  fields: ProcessRequestFieldsInput,
  options: ParseProcessRequestOptions = {},
): ProcessRequestParseResult {
  const collected = collectTextFields(fields);
  if (!collected.success) return { ...collected, warnings: [] };
  const wire = ProcessRequestFieldsSchema.safeParse(collected.data);
  const issues: ContractIssue[] = wire.success ? [] : fromZodIssues(wire.error.issues);
  if (issues.some((found) => found.path === '/payload')) return { success: false, issues, warnings: [] };
  const payload = parseTaskPayloadText(collected.data.payload);
  if (!payload.success)
    issues.push(...payload.issues.map((found) => ({ ...found, path: `/payload${found.path}` })));
  const warnings = payload.success ? warningsOf(collected.data, payload.data) : [];
  if (options.strict) issues.push(...warnings.splice(0));
  if (issues.length > 0 || !payload.success) return { success: false, issues, warnings };
  const request = toProcessRequest(collected.data, payload.data);
  for (const warning of warnings) {
    if (warning.code !== 'missing_internal_id') continue;
    const field = warning.path.slice(1) as 'internalJobId' | 'internalTaskId';
    request[field] =
      `${field === 'internalJobId' ? 'local-job' : 'local-task'}-${globalThis.crypto.randomUUID()}`;
    warning.message += `; using the local id ${request[field]} for logs`;
  }
  return { success: true, data: request, warnings };
}

/** What is off but accepted: real toolkits send it. */
function warningsOf(fields: Record<string, string>, payload: ProcessRequest['payload']): ContractIssue[] {
  const warnings: ContractIssue[] = [];
  for (const field of ['internalJobId', 'internalTaskId'] as const) {
    if (fields[field] === undefined) {
      warnings.push(
        issue(
          `/${field}`,
          'missing_internal_id',
          `${field} is missing (the open-source Go Engine Toolkit sends none)`,
        ),
      );
    }
  }
  // The processing payload types `mode` as absent (see ProcessingPayloadSchema); read what was sent.
  const mode = (payload as Record<string, unknown>).mode;
  if (mode !== undefined && !isLibraryTaskPayload(payload)) {
    warnings.push(
      issue(
        '/payload/mode',
        'unknown_mode',
        `payload.mode ${JSON.stringify(mode)} is not library-train or library-run: processed as ordinary work`,
      ),
    );
  }
  return warnings;
}

function toProcessRequest(
  fields: Record<string, string>,
  payload: ProcessRequest['payload'],
): ProcessRequest {
  const request: Record<string, unknown> = { payload, chunkMetadata: {}, extra: {} };
  const chunkMetadata = request.chunkMetadata as Record<string, string>;
  const extra = request.extra as Record<string, string>;
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'payload') continue;
    if ((PROCESS_REQUEST_INTEGER_FIELDS as readonly string[]).includes(key)) request[key] = Number(value);
    else if (KNOWN_FIELDS.has(key)) request[key] = value;
    else if (isChunkMetadataKey(key)) setOwn(chunkMetadata, key.slice(CHUNK_METADATA_PREFIX.length), value);
    else setOwn(extra, key, value);
  }
  return request as ProcessRequest;
}

function collectTextFields(fields: unknown): ParseResult<Record<string, string>> {
  if (typeof FormData !== 'undefined' && fields instanceof FormData) {
    return collectEntries(
      [...fields.entries()].filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  }
  if (Array.isArray(fields)) return collectPairs(fields);
  if (!isRecord(fields)) {
    return {
      success: false,
      issues: [issue('', 'invalid_type', 'the process request must be a record of text fields')],
    };
  }
  const collected: Record<string, string> = {};
  const issues: ContractIssue[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string') setOwn(collected, key, value);
    else
      issues.push(issue(`/${escapePointer(key)}`, 'invalid_type', 'a multipart text field must be a string'));
  }
  return issues.length > 0 ? { success: false, issues } : { success: true, data: collected };
}

function collectPairs(pairs: readonly unknown[]): ParseResult<Record<string, string>> {
  const valid = pairs.every(
    (pair) =>
      Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && typeof pair[1] === 'string',
  );
  if (!valid) {
    return {
      success: false,
      issues: [issue('', 'invalid_type', 'the process request pairs must be [name, value] text pairs')],
    };
  }
  return collectEntries(pairs as ReadonlyArray<readonly [string, string]>);
}

/** The one duplicate-field rule: a name sent twice is an issue, whatever reads the form. */
function collectEntries(entries: Iterable<readonly [string, string]>): ParseResult<Record<string, string>> {
  const collected = new Map<string, string>();
  const issues: ContractIssue[] = [];
  for (const [key, value] of entries) {
    if (collected.has(key)) {
      issues.push(
        issue(`/${escapePointer(key)}`, 'duplicate_field', `the field ${key} is sent more than once`),
      );
    }
    collected.set(key, value);
  }
  return issues.length > 0
    ? { success: false, issues }
    : { success: true, data: Object.fromEntries(collected) };
}

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Turns a request into its multipart text fields (the inverse of `parseProcessRequest`). Throws a
 * `ContractError` when the request is invalid or an `extra` field would shadow a documented one.
 */
export function processRequestToFields(request: ProcessRequestInput): Record<string, string> {
  const checked = checkRequest(request);
  const fields: Record<string, string> = {};
  for (const field of PROCESS_REQUEST_STRING_FIELDS) {
    const value = checked[field];
    if (value !== undefined) fields[field] = value;
  }
  for (const field of PROCESS_REQUEST_INTEGER_FIELDS) {
    const value = checked[field];
    if (value !== undefined) fields[field] = String(value);
  }
  fields.payload = JSON.stringify(checked.payload);
  const rest = { ...chunkMetadataFields(checked.chunkMetadata), ...checked.extra };
  for (const [key, value] of Object.entries(rest)) setOwn(fields, key, value);
  return fields;
}

/** Builds the multipart form the toolkit POSTs to `/process`; the chunk, when given, is the `chunk` file part. */
export function buildProcessForm(request: ProcessRequestInput, chunk?: ProcessChunk): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(processRequestToFields(request))) {
    if (chunk && key === 'chunk') continue;
    form.append(key, value);
  }
  if (chunk) {
    const type = chunk.contentType ?? request.chunkMimeType ?? 'application/octet-stream';
    const blob =
      chunk.data instanceof Blob ? chunk.data : new Blob([chunk.data as Uint8Array<ArrayBuffer>], { type });
    form.append('chunk', blob, chunk.filename ?? 'chunk.data');
  }
  return form;
}

function checkRequest(request: ProcessRequestInput): z.infer<typeof ProcessRequestInputSchema> {
  const parsed = ProcessRequestInputSchema.safeParse({
    ...request,
    payload: request.payload ?? {},
    chunkMetadata: request.chunkMetadata ?? {},
    extra: request.extra ?? {},
  });
  if (!parsed.success) throw new ContractError('invalid process request', fromZodIssues(parsed.error.issues));
  const clashes = Object.keys(parsed.data.extra)
    .filter((key) => KNOWN_FIELDS.has(key) || isChunkMetadataKey(key))
    .map((key) =>
      issue(
        `/extra/${escapePointer(key)}`,
        'reserved_field',
        `${key} is a documented field; set it directly`,
      ),
    );
  if (clashes.length > 0) throw new ContractError('invalid process request', clashes);
  return parsed.data;
}
