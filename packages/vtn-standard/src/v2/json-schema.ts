import { NO_TRAILING_NEWLINE, UUID_PATTERN } from '../common/patterns.ts';
import {
  contractJsonSchema,
  type GeneratedJsonSchema,
  JSON_SCHEMA_BASE_URI,
} from '../common/json-schema-build.ts';
import { CAPABILITY_RULES_V2, StructuredDataCapabilityV2Schema } from './capabilities.ts';
import { VtnV2DocumentSchema } from './document.ts';
import { CAPABILITY_CONTRACTS_V2 } from './names.ts';

/** Base of every generated v2 schema's `$id` (files refer to each other relative to it). */
export const JSON_SCHEMA_BASE_URI_V2 = `${JSON_SCHEMA_BASE_URI}v2/`;

/** File name of the whole v2 document schema (what upstream calls `aion/schema.json`). */
export const DOCUMENT_JSON_SCHEMA_FILE_V2 = 'aion.schema.json';

const declares = (contains: object) => ({
  required: ['validationContracts'],
  properties: { validationContracts: { type: 'array', contains } },
});

/**
 * The whole v2 document: the master rules (with every object contract) and, for each
 * capability listed in `validationContracts`, what it adds; any structured-data schema UUID
 * listed adds the structured-data rule. The same verdict as `validate(doc, { version: 'v2' })`.
 */
function documentJsonSchemaV2(): GeneratedJsonSchema {
  const dispatch = [
    ...CAPABILITY_CONTRACTS_V2.map((name) => ({
      if: declares({ const: name }),
      // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword, not a thenable.
      then: { $ref: `capability-${name}.schema.json` },
    })),
    {
      if: declares({ type: 'string', pattern: UUID_PATTERN.source, ...NO_TRAILING_NEWLINE }),
      // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword, not a thenable.
      then: { $ref: 'capability-structured-data.schema.json' },
    },
  ];
  return {
    name: 'aion',
    fileName: DOCUMENT_JSON_SCHEMA_FILE_V2,
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `${JSON_SCHEMA_BASE_URI_V2}${DOCUMENT_JSON_SCHEMA_FILE_V2}`,
      title: 'VTN v2 (AION 2.0) engine output',
      description:
        'A VTN v2 document: the master rules with the object contract of every object type, plus the capability contract of every name listed in validationContracts.',
      allOf: [{ $ref: 'master.schema.json' }, ...dispatch],
    },
  };
}

/** Every generated v2 JSON Schema (draft 2020-12): master rules, one per capability, the whole document. */
export function generateJsonSchemasV2(): GeneratedJsonSchema[] {
  return [
    contractJsonSchema(
      'master',
      VtnV2DocumentSchema,
      'VTN v2 master rules (every object checked by the contract of its type)',
      JSON_SCHEMA_BASE_URI_V2,
    ),
    ...CAPABILITY_CONTRACTS_V2.map((name) =>
      contractJsonSchema(
        `capability-${name}`,
        CAPABILITY_RULES_V2[name],
        `VTN v2 capability contract "${name}" (what it adds to the master rules)`,
        JSON_SCHEMA_BASE_URI_V2,
      ),
    ),
    contractJsonSchema(
      'capability-structured-data',
      StructuredDataCapabilityV2Schema,
      'VTN v2 structured-data schema UUID contract (what it adds to the master rules)',
      JSON_SCHEMA_BASE_URI_V2,
    ),
    documentJsonSchemaV2(),
  ];
}
