import { DECLARABLE_CONTRACTS, DOCS_ONLY_CONTRACTS, REFERENCE_CONTRACTS } from './common/contract-names.ts';
import { DOCS_ONLY_CONTRACT_SCHEMAS } from './contracts/docs-only.ts';
import { CONTRACT_SCHEMAS } from './contracts/index.ts';
import {
  contractJsonSchema,
  type GeneratedJsonSchema,
  JSON_SCHEMA_BASE_URI,
} from './common/json-schema-build.ts';
import { generateJsonSchemasV2 } from './v2/json-schema.ts';

export { contractJsonSchema, type GeneratedJsonSchema, JSON_SCHEMA_BASE_URI };
import type { VtnVersion } from './version.ts';

/** File name of the whole-document schema (master rules plus every declared contract). */
export const DOCUMENT_JSON_SCHEMA_FILE = 'vtn-standard.schema.json';

/**
 * The whole document: the master rules (aion) and, for each contract listed in
 * `validationContracts`, that contract's schema. Structured-data schema UUIDs cannot be
 * dispatched on in JSON Schema, so only `validate` applies their rule.
 */
function documentJsonSchema(): GeneratedJsonSchema {
  const dispatch = DECLARABLE_CONTRACTS.map((name) => ({
    if: {
      required: ['validationContracts'],
      properties: { validationContracts: { type: 'array', contains: { const: name } } },
    },
    // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword, not a thenable.
    then: { $ref: `${name}.schema.json` },
  }));
  return {
    name: 'vtn-standard',
    fileName: DOCUMENT_JSON_SCHEMA_FILE,
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `${JSON_SCHEMA_BASE_URI}${DOCUMENT_JSON_SCHEMA_FILE}`,
      title: 'VTN-standard engine output',
      description:
        'A VTN-standard document: the master (AION) rules, plus the rules of every contract listed in validationContracts.',
      allOf: [{ $ref: 'aion.schema.json' }, ...dispatch],
    },
  };
}

/** Every generated JSON Schema (draft 2020-12) of a version: v1 by default, v2 under `v2/`. */
export function generateJsonSchemas(version: VtnVersion = 'v1'): GeneratedJsonSchema[] {
  if (version === 'v2') return generateJsonSchemasV2();
  return [
    ...REFERENCE_CONTRACTS.map((name) =>
      contractJsonSchema(name, CONTRACT_SCHEMAS[name], `VTN-standard contract "${name}"`),
    ),
    ...DOCS_ONLY_CONTRACTS.map((name) =>
      contractJsonSchema(
        name,
        DOCS_ONLY_CONTRACT_SCHEMAS[name],
        `VTN-standard contract "${name}" (docs-only name, rule of @engine-kit/vtn-standard)`,
      ),
    ),
    documentJsonSchema(),
  ];
}

/** Deterministic file content: 2-space JSON and a final newline. */
export function formatJsonSchema(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
