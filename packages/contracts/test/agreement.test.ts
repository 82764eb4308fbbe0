import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSchemaAjv } from '../../../tooling/testing/json-schema.ts';
import {
  AsyncAcknowledgementSchema,
  CONTRACT_JSON_SCHEMA_BASE_URL,
  CONTRACT_MESSAGES,
  CLUSTER_SIZES,
  type ContractMessageName,
  ENGINE_MODES,
  FailureReasonSchema,
  HEARTBEAT_STATUSES,
  PROCESS_REQUEST_INTEGER_FIELDS,
  TASK_FAILURE_REASONS,
  parseHeartbeat,
  parseMultipartResultFields,
  parseProcessRequest,
  parseResult,
  parseTaskPayload,
  validateManifest,
} from '../src/index.ts';
import { readAllSchemas } from './helpers.ts';

// Seeded and bounded, like every property test of this package.
const settings = { seed: 4_436_941, numRuns: 250 };

const ajv = createSchemaAjv(readAllSchemas());
const files = new Map<string, string>(CONTRACT_MESSAGES.map((message) => [message.name, message.file]));
const ajvAccepts = (message: ContractMessageName, value: unknown) =>
  ajv.getSchema(`${CONTRACT_JSON_SCHEMA_BASE_URL}${files.get(message)}`)?.(value) === true;

/** JSON values as JSON.parse gives them: what a validator in another language receives. */
const junk = fc.jsonValue({ maxDepth: 1 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown);
const sometimes = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: junk });
const integerLike = fc.oneof(fc.integer({ min: -5, max: 1e6 }), fc.double({ min: -1, max: 10, noNaN: true }));
const integerText = fc.oneof(
  fc.nat().map(String),
  fc.constantFrom('', '-1', '01', '1.5', '1e3', ' 7', '9999999999999999'),
);

function agree(
  message: ContractMessageName,
  zodAccepts: (value: unknown) => boolean,
  values: fc.Arbitrary<unknown>,
) {
  fc.assert(
    fc.property(values, (value) => {
      expect(zodAccepts(value), JSON.stringify(value)).toBe(ajvAccepts(message, value));
    }),
    settings,
  );
}

describe('zod and the generated JSON Schema agree on near-valid messages', () => {
  it('Heartbeat', () => {
    const heartbeat = fc.record(
      {
        status: sometimes(fc.constantFrom(...HEARTBEAT_STATUSES)),
        bytesRead: sometimes(integerLike),
        messagesWritten: sometimes(integerLike),
        infoMsg: sometimes(fc.string()),
        infoMs: sometimes(fc.string()),
        failureReason: sometimes(fc.constantFrom(...TASK_FAILURE_REASONS)),
        failureMsg: sometimes(fc.string()),
      },
      { requiredKeys: [] },
    );
    agree('Heartbeat', (value) => parseHeartbeat(value).success, heartbeat);
  });

  it('TaskPayload', () => {
    const payload = fc.record(
      {
        mode: sometimes(fc.constantFrom('library-train', 'library-run', 'other')),
        libraryId: sometimes(fc.string({ maxLength: 3 })),
        libraryEngineModelId: sometimes(fc.string({ maxLength: 3 })),
        option: junk,
      },
      { requiredKeys: [] },
    );
    agree('TaskPayload', (value) => parseTaskPayload(value).success, sometimes(payload));
  });

  it('AsyncAcknowledgement', () => {
    const acknowledgement = fc.record(
      { estimatedProcessingTimeInSeconds: sometimes(integerLike) },
      { requiredKeys: [] },
    );
    agree(
      'AsyncAcknowledgement',
      (value) => AsyncAcknowledgementSchema.safeParse(value).success,
      acknowledgement,
    );
  });

  it('ProcessRequest text fields (payload aside, which only zod can parse)', () => {
    const integerFields = Object.fromEntries(
      PROCESS_REQUEST_INTEGER_FIELDS.map((field) => [field, integerText]),
    );
    const fields = fc.record(
      {
        internalJobId: fc.string({ maxLength: 3 }),
        internalTaskId: fc.string({ maxLength: 3 }),
        cacheURI: sometimes(fc.string()),
        'chunk-metadata-x': sometimes(fc.string()),
        future: sometimes(fc.string()),
        ...integerFields,
      },
      { requiredKeys: [] },
    );
    agree('ProcessRequest', (value) => parseProcessRequest(value as Record<string, string>).success, fields);
  });

  it('MultipartResultFields', () => {
    const fields = fc.record(
      {
        multipart: fc.constantFrom('true', 'false', 'TRUE'),
        startOffsetMs: integerText,
        chunkContext: sometimes(fc.string()),
        'chunk-metadata-a': sometimes(fc.string()),
      },
      { requiredKeys: [] },
    );
    agree(
      'MultipartResultFields',
      (value) => parseMultipartResultFields(value as Record<string, string>).success,
      fields,
    );
  });

  it('Result', () => {
    const output = fc.oneof(
      fc.constant({}),
      fc.record({
        series: fc.array(
          fc.record({ startTimeMs: fc.nat(100), stopTimeMs: fc.integer({ min: 100, max: 200 }) }),
          { maxLength: 2 },
        ),
      }),
      junk,
    );
    const result = fc.record(
      {
        output,
        startOffsetMs: sometimes(integerLike),
        outputFolderID: sometimes(fc.string()),
        multipart: sometimes(fc.boolean()),
        'chunk-metadata-k': sometimes(fc.string()),
        index: junk,
      },
      { requiredKeys: [] },
    );
    agree('Result', (value) => parseResult(value).success, result);
  });

  it('EngineManifest', () => {
    const manifest = fc.record(
      {
        engineId: fc.string({ maxLength: 4 }),
        category: sometimes(fc.oneof(fc.string({ maxLength: 4 }), fc.constant(null))),
        supportedInputFormats: sometimes(
          fc.oneof(fc.constant(null), fc.array(fc.string(), { maxLength: 2 })),
        ),
        preferredInputFormat: sometimes(fc.constant('image/jpeg')),
        outputFormats: sometimes(fc.array(fc.string(), { maxLength: 2 })),
        clusterSize: sometimes(fc.constantFrom(...CLUSTER_SIZES, 'huge')),
        engineMode: sometimes(fc.oneof(fc.constantFrom(...ENGINE_MODES), fc.integer({ min: -1, max: 4 }))),
        initialConcurrency: sometimes(integerLike),
        maxFileMb: sometimes(integerLike),
        initialConcurency: fc.nat(),
      },
      { requiredKeys: ['engineId'] },
    );
    agree('EngineManifest', (value) => validateManifest(value).success, manifest);
  });

  it('FailureReason', () => {
    agree(
      'FailureReason',
      (value) => FailureReasonSchema.safeParse(value).success,
      sometimes(fc.constantFrom(...TASK_FAILURE_REASONS)),
    );
  });
});
