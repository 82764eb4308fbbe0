import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * One Ajv (draft 2020-12) loaded with a set of generated schemas, as a team in another
 * language would use them: every schema is registered by its `$id`, so cross-file `$ref`s resolve.
 */
export function createSchemaAjv(schemas: readonly object[]): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
  for (const schema of schemas) ajv.addSchema(schema);
  return ajv;
}
