import { z } from 'zod';
import { isVtnDocumentSchema, VTN_DOCUMENT_JSON_SCHEMA_ID } from './common/vtn.ts';
import { FailureReasonSchema, TaskFailureReasonSchema } from './failure-reason.ts';
import { HeartbeatSchema } from './heartbeat.ts';
import { EngineManifestSchema } from './manifest.ts';
import { AsyncAcknowledgementSchema, ProcessResponseBodySchema } from './process-response.ts';
import { ProcessRequestFieldsSchema } from './process-request.ts';
import { MultipartResultFieldsSchema, ResultSchema } from './result.ts';
import { TaskPayloadSchema } from './task-payload.ts';

export const CONTRACT_JSON_SCHEMA_BASE_URL = 'https://engine-kit.dev/schemas/contracts/';

/** Every wire message with a JSON Schema: its name (also the fixture folder name), file and zod schema. */
export const CONTRACT_MESSAGES = [
  { name: 'ProcessRequest', file: 'process-request.schema.json', schema: ProcessRequestFieldsSchema },
  { name: 'TaskPayload', file: 'task-payload.schema.json', schema: TaskPayloadSchema },
  { name: 'ProcessResponse', file: 'process-response.schema.json', schema: ProcessResponseBodySchema },
  {
    name: 'AsyncAcknowledgement',
    file: 'async-acknowledgement.schema.json',
    schema: AsyncAcknowledgementSchema,
  },
  { name: 'Heartbeat', file: 'heartbeat.schema.json', schema: HeartbeatSchema },
  { name: 'Result', file: 'result.schema.json', schema: ResultSchema },
  {
    name: 'MultipartResultFields',
    file: 'multipart-result-fields.schema.json',
    schema: MultipartResultFieldsSchema,
  },
  { name: 'FailureReason', file: 'failure-reason.schema.json', schema: FailureReasonSchema },
  { name: 'TaskFailureReason', file: 'task-failure-reason.schema.json', schema: TaskFailureReasonSchema },
  { name: 'EngineManifest', file: 'engine-manifest.schema.json', schema: EngineManifestSchema },
] as const satisfies readonly { name: string; file: string; schema: z.ZodType }[];

export type ContractMessageName = (typeof CONTRACT_MESSAGES)[number]['name'];

/** The draft 2020-12 JSON Schema of one message, with its stable absolute `$id`. */
export function contractJsonSchema(name: ContractMessageName): Record<string, unknown> {
  const message = CONTRACT_MESSAGES.find((candidate) => candidate.name === name);
  if (!message) throw new RangeError(`unknown contract message ${String(name)}`);
  const generated = z.toJSONSchema(message.schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override: describeUnrepresentable,
  }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, $id: `${CONTRACT_JSON_SCHEMA_BASE_URL}${message.file}`, ...rest };
}

function describeUnrepresentable(context: {
  zodSchema: z.core.$ZodTypes;
  jsonSchema: Record<string, unknown>;
}): void {
  // An optional `z.undefined()` marks a key that must be absent (the `mode` of a processing payload).
  if (context.zodSchema._zod.def.type === 'undefined') context.jsonSchema.not = {};
  // VTN documents are checked by @engine-kit/vtn-standard; refer to its schema instead of "any object".
  if (isVtnDocumentSchema(context.zodSchema)) {
    for (const key of ['type', 'propertyNames', 'additionalProperties']) delete context.jsonSchema[key];
    context.jsonSchema.$ref = VTN_DOCUMENT_JSON_SCHEMA_ID;
  }
}
