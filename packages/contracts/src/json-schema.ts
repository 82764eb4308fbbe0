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
  return portablePatterns({
    $schema,
    $id: `${CONTRACT_JSON_SCHEMA_BASE_URL}${message.file}`,
    ...rest,
  }) as Record<string, unknown>;
}

/**
 * Rewrites every `pattern` (and `patternProperties` key) of a generated schema so that it means the same in
 * ECMA-262 (Ajv, zod), Python `re` (Python `jsonschema`) and RE2 (Go validators):
 *
 * - `\d` becomes `[0-9]` (Python and ECMA-262 with `u` match other digits, e.g. Arabic-Indic);
 * - `\s` outside `[\s\S]` becomes `[\t\n\r ]`, JSON's own white space (each engine has its own Unicode set;
 *   `[\s\S]` is "any character" in all three and stays);
 * - a final `$` lets Python match before a trailing newline, so a pattern whose end cannot itself match a
 *   newline gets a sibling `not: { pattern: "\n$" }` (a string ending in a newline is refused in every
 *   engine, as ECMA-262 refuses it); patterns that end in `\s*$`/`[\s\S]*$` accept a trailing newline
 *   everywhere already.
 *
 * No lookaround is introduced: RE2 has none.
 */
export function portablePatterns(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(portablePatterns);
  if (node === null || typeof node !== 'object') return node;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'pattern' && typeof value === 'string') result[key] = portablePattern(value);
    else if (key === 'patternProperties' && value !== null && typeof value === 'object') {
      result[key] = Object.fromEntries(
        Object.entries(value).map(([pattern, schema]) => [
          portablePattern(pattern),
          portablePatterns(schema),
        ]),
      );
    } else result[key] = portablePatterns(value);
  }
  if (typeof result.pattern === 'string' && endsBeforeNewlineInPython(result.pattern)) {
    result.not = result.not === undefined ? TRAILING_NEWLINE : { anyOf: [result.not, TRAILING_NEWLINE] };
  }
  return result;
}

const TRAILING_NEWLINE = { pattern: '\\n$' };
const ANY_CHARACTER = '[\\s\\S]';
const JSON_WHITE_SPACE = '[\\t\\n\\r ]';

function portablePattern(pattern: string): string {
  return pattern
    .split(ANY_CHARACTER)
    .map((part) => part.replaceAll('\\d', '[0-9]').replaceAll('\\s', JSON_WHITE_SPACE))
    .join(ANY_CHARACTER);
}

/**
 * Whether Python would accept `s + "\n"` where ECMA-262 accepts only `s`: the pattern ends in an unescaped
 * `$` and what comes before it cannot match a newline at the end.
 */
function endsBeforeNewlineInPython(pattern: string): boolean {
  if (!pattern.endsWith('$') || pattern.endsWith('\\$')) return false;
  return !pattern.split('|').every((branch) => /(\[\\s\\S\]|\[\\t\\n\\r \]|\\s)\*\$$/.test(branch));
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
