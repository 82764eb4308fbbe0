import { describe, expect, it } from 'vitest';
import { createSchemaAjv } from '../../../tooling/testing/json-schema.ts';
import {
  AsyncAcknowledgementSchema,
  CONTRACT_JSON_SCHEMA_BASE_URL,
  CONTRACT_MESSAGES,
  type ContractMessageName,
  classifyProcessResponse,
  FailureReasonSchema,
  ProcessResponseBodySchema,
  parseHeartbeat,
  parseMultipartResultFields,
  parseProcessRequest,
  parseResult,
  parseTaskPayload,
  TaskFailureReasonSchema,
  validateManifest,
} from '../src/index.ts';
import { fixtureFolders, readAllSchemas, readFixtures } from './helpers.ts';

/** How zod (through the package's own parsers) judges one fixture of each message. */
const zodAccepts: Record<ContractMessageName, (json: unknown) => boolean> = {
  ProcessRequest: (json) => parseProcessRequest(json as Record<string, string>).success,
  TaskPayload: (json) => parseTaskPayload(json).success,
  ProcessResponse: (json) => ProcessResponseBodySchema.safeParse(json).success,
  AsyncAcknowledgement: (json) => AsyncAcknowledgementSchema.safeParse(json).success,
  Heartbeat: (json) => parseHeartbeat(json).success,
  Result: (json) => parseResult(json).success,
  MultipartResultFields: (json) => parseMultipartResultFields(json as Record<string, string>).success,
  FailureReason: (json) => FailureReasonSchema.safeParse(json).success,
  TaskFailureReason: (json) => TaskFailureReasonSchema.safeParse(json).success,
  EngineManifest: (json) => validateManifest(json).success,
};

const messageFiles = new Map<string, string>(
  CONTRACT_MESSAGES.map((message) => [message.name, message.file]),
);
const ajv = createSchemaAjv(readAllSchemas());

function ajvAccepts(message: string, json: unknown): boolean {
  const validate = ajv.getSchema(`${CONTRACT_JSON_SCHEMA_BASE_URL}${messageFiles.get(message)}`);
  if (!validate) throw new Error(`no JSON Schema loaded for fixture folder ${message}`);
  return validate(json) === true;
}

describe('fixture folders', () => {
  it.each(['valid', 'invalid'] as const)(
    'every %s fixture folder names a message with a schema (no silent skips)',
    (kind) => {
      const orphans = fixtureFolders(kind).filter((folder) => !messageFiles.has(folder));
      expect(orphans).toEqual([]);
    },
  );

  it('every message has valid and invalid fixtures', () => {
    for (const message of CONTRACT_MESSAGES) {
      expect(
        readFixtures('valid').some((fixture) => fixture.message === message.name),
        message.name,
      ).toBe(true);
      expect(
        readFixtures('invalid').some((fixture) => fixture.message === message.name),
        message.name,
      ).toBe(true);
    }
  });
});

describe.each(readFixtures('valid'))('valid fixture $message/$name', ({ message, json }) => {
  it('is accepted by zod', () => {
    expect(zodAccepts[message as ContractMessageName](json)).toBe(true);
  });

  it('is accepted by Ajv on the generated JSON Schema', () => {
    expect(ajvAccepts(message, json)).toBe(true);
  });
});

describe.each(readFixtures('invalid'))('invalid fixture $message/$name', ({ message, json }) => {
  it('is rejected by zod', () => {
    expect(zodAccepts[message as ContractMessageName](json)).toBe(false);
  });

  it('is rejected by Ajv on the generated JSON Schema', () => {
    expect(ajvAccepts(message, json)).toBe(false);
  });
});

describe('process response fixtures as /process answers', () => {
  it.each(readFixtures('valid').filter((fixture) => fixture.message === 'ProcessResponse'))(
    '$name classifies as a synchronous VTN result or an acknowledgement',
    ({ json }) => {
      const outcome = classifyProcessResponse(200, 'application/json', JSON.stringify(json));
      expect(['vtn', 'async']).toContain(outcome.kind);
    },
  );

  it.each(readFixtures('invalid').filter((fixture) => fixture.message === 'ProcessResponse'))(
    '$name classifies as a failure',
    ({ json }) => {
      const outcome = classifyProcessResponse(200, 'application/json', JSON.stringify(json));
      expect(outcome.kind).toBe('failure');
    },
  );
});
