import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildHeartbeat,
  buildMultipartResultFields,
  buildNotificationUrl,
  buildProcessForm,
  buildResult,
  classifyProcessResponse,
  classifyReadyStatus,
  FAILURE_REASONS,
  failureReasonFromError,
  filterEngineEnvironment,
  type HeartbeatInput,
  PROCESS_REQUEST_FIELDS,
  PROCESS_REQUEST_MAX_INTEGER,
  type ProcessRequest,
  parseEngineEnvironment,
  parseHeartbeat,
  parseMultipartResultFields,
  parseNotificationUrl,
  parseProcessRequest,
  parseResult,
  parseTaskPayload,
  processRequestToFields,
  type TaskPayload,
  validateManifest,
} from '../src/index.ts';

// Seeded and bounded: the same cases every run, and a runtime that stays small on a 2-core machine.
const settings = { seed: 20_261_122, numRuns: 150 };

const reservedKeys = new Set<string>([...PROCESS_REQUEST_FIELDS, '__proto__', 'constructor']);
const text = fc.string({ maxLength: 20 });
const id = fc.string({ minLength: 1, maxLength: 16 });
const count = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const offset = fc.integer({ min: 0, max: 1e12 });
const fieldInteger = fc.integer({ min: 0, max: PROCESS_REQUEST_MAX_INTEGER });
const key = fc.string({ minLength: 1, maxLength: 12 }).filter((candidate) => !reservedKeys.has(candidate));
const extraKey = key.filter((candidate) => !candidate.startsWith('chunk-metadata-'));
/** JSON values exactly as they come back from JSON.parse (no -0, no __proto__ keys). */
const jsonValue = fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown);

const payload: fc.Arbitrary<TaskPayload> = fc.oneof(
  fc.record({
    mode: fc.constantFrom('library-train' as const, 'library-run' as const),
    libraryId: id,
    libraryEngineModelId: id,
  }),
  fc.dictionary(
    key.filter((candidate) => candidate !== 'mode'),
    jsonValue,
    { maxKeys: 4 },
  ),
);

const processRequest: fc.Arbitrary<ProcessRequest> = fc.record(
  {
    internalJobId: id,
    internalTaskId: id,
    chunk: text,
    chunkMimeType: text,
    startOffsetMS: offset,
    endOffsetMS: offset,
    width: fieldInteger,
    height: fieldInteger,
    cacheURI: text,
    veritoneApiBaseUrl: text,
    token: text,
    payload,
    chunkMetadata: fc.dictionary(key, text, { maxKeys: 4 }),
    inputFolderID: text,
    libraryId: text,
    libraryEngineModelId: text,
    libraryModelDirectory: text,
    taskTmpDir: text,
    engineDir: text,
    heartbeatWebhook: text,
    resultWebhook: text,
    externalCallbackWebhook: text,
    maxTTL: fieldInteger,
    controllerToken: text,
    redisETUrl: text,
    chunkContext: text,
    chunkIndex: fieldInteger,
    extra: fc.dictionary(extraKey, text, { maxKeys: 4 }),
  },
  { requiredKeys: ['internalJobId', 'internalTaskId', 'payload', 'chunkMetadata', 'extra'] },
);

const heartbeatInput: fc.Arbitrary<HeartbeatInput> = fc.oneof(
  fc.record(
    {
      status: fc.constantFrom('running' as const, 'complete' as const),
      bytesRead: count,
      bytesWritten: count,
      messagesWritten: count,
      infoMsg: text,
      failureMsg: text,
    },
    { requiredKeys: ['status'] },
  ),
  fc.record(
    {
      status: fc.constant('failed' as const),
      failureReason: fc.constantFrom(...FAILURE_REASONS),
      failureMsg: text,
      infoMsg: text,
    },
    { requiredKeys: ['status', 'failureReason'] },
  ),
);

const transcriptOutput = fc
  .array(
    fc.record({
      start: fc.integer({ min: 0, max: 1e6 }),
      length: fc.integer({ min: 0, max: 1e4 }),
      word: id,
    }),
    {
      maxLength: 5,
    },
  )
  .map((words) => ({
    series: words.map(({ start, length, word }) => ({
      startTimeMs: start,
      stopTimeMs: start + length,
      words: [{ word }],
    })),
  }));

const viaJson = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

describe('build then parse gives back the same message', () => {
  it('process request, through text fields and through FormData', () => {
    fc.assert(
      fc.property(processRequest, (request) => {
        expect(parseProcessRequest(processRequestToFields(request))).toEqual({
          success: true,
          data: request,
          warnings: [],
        });
        expect(parseProcessRequest(buildProcessForm(request))).toEqual({
          success: true,
          data: request,
          warnings: [],
        });
      }),
      settings,
    );
  });

  it('task payload, through JSON', () => {
    fc.assert(
      fc.property(payload, (value) => {
        expect(parseTaskPayload(viaJson(value))).toEqual({ success: true, data: value });
      }),
      settings,
    );
  });

  it('heartbeat, through JSON', () => {
    fc.assert(
      fc.property(heartbeatInput, (input) => {
        const heartbeat = buildHeartbeat(input);
        expect(parseHeartbeat(viaJson(heartbeat))).toEqual({ success: true, data: heartbeat });
      }),
      settings,
    );
  });

  it('result, through JSON', () => {
    const input = fc.record(
      {
        output: transcriptOutput,
        chunkContext: text,
        startOffsetMs: offset,
        endOffsetMs: offset,
        outputFolderID: text,
        chunkMetadata: fc.dictionary(key, text, { maxKeys: 3 }),
      },
      { requiredKeys: ['output'] },
    );
    fc.assert(
      fc.property(input, (value) => {
        const result = buildResult(value);
        expect(parseResult(viaJson(result))).toEqual({ success: true, data: result });
      }),
      settings,
    );
  });

  it('multipart result fields', () => {
    const input = fc.record(
      { chunkContext: text, startOffsetMs: offset, endOffsetMs: offset, outputFolderID: text },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(input, (value) => {
        const fields = buildMultipartResultFields(value);
        expect(parseMultipartResultFields(fields)).toEqual({ success: true, data: fields });
      }),
      settings,
    );
  });

  it('notification url', () => {
    const params = fc.record({
      internalJobID: text,
      internalTaskID: text,
      jobID: text,
      taskID: text,
      chunkID: text,
      timestamp: fc.string({ maxLength: 13 }),
    });
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: false, withFragments: false }), params, (uri, values) => {
        const parsed = parseNotificationUrl(buildNotificationUrl(uri, values));
        expect(parsed).toEqual({ success: true, data: { uri: uri.replace(/\/+$/, ''), params: values } });
      }),
      settings,
    );
  });
});

/** A parser's answer to garbage: never an exception; either data or at least one issue. */
function expectTotal(result: { success: boolean; issues?: unknown[] }): void {
  if (!result.success) expect(result.issues?.length).toBeGreaterThan(0);
}

describe('garbage never makes a parser throw', () => {
  const garbage = fc.anything({
    maxDepth: 3,
    withNullPrototype: true,
    withBigInt: true,
    withMap: true,
    withDate: true,
  });

  it('JSON message parsers return issues for any value', () => {
    fc.assert(
      fc.property(garbage, (value) => {
        for (const parse of [parseHeartbeat, parseResult, parseTaskPayload, validateManifest])
          expectTotal(parse(value));
        expectTotal(parseProcessRequest(value as Record<string, string>));
        expectTotal(parseMultipartResultFields(value as Record<string, string>));
      }),
      settings,
    );
  });

  it('the process request parser returns issues for any record of strings', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...PROCESS_REQUEST_FIELDS, 'chunk-metadata-a', 'x'), fc.string()),
        (fields) => {
          expectTotal(parseProcessRequest(fields));
        },
      ),
      settings,
    );
  });

  it('classifiers and mappers accept any input', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1, max: 1000 }),
        fc.option(fc.string()),
        fc.oneof(fc.string(), fc.uint8Array({ maxLength: 64 }), fc.json()),
        garbage,
        (status, contentType, body, error) => {
          expect(['vtn', 'non-vtn', 'ignored', 'async', 'failure']).toContain(
            classifyProcessResponse(status, contentType, body).kind,
          );
          expect(['ready', 'not-ready', 'shutdown', 'unknown']).toContain(classifyReadyStatus(status));
          expect(typeof failureReasonFromError(error)).toBe('string');
          expectTotal(parseNotificationUrl(String(contentType)));
        },
      ),
      settings,
    );
  });

  it('environment parsing accepts any variables', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.option(fc.string(), { nil: undefined })), (env) => {
        expect(parseEngineEnvironment(env).endIfIdleSecs).toBeGreaterThanOrEqual(0);
        expect(typeof filterEngineEnvironment(env)).toBe('object');
      }),
      settings,
    );
  });
});
