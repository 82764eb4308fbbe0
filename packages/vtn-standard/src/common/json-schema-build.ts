import * as z from 'zod';

/** Base of every generated schema's `$id`; files refer to each other relative to it. */
export const JSON_SCHEMA_BASE_URI = 'https://engine-kit.dev/schemas/vtn-standard/';

export interface GeneratedJsonSchema {
  /** Contract name, or `vtn-standard` for the whole-document schema. */
  name: string;
  fileName: string;
  schema: Record<string, unknown>;
}

/** The JSON Schema of one contract, from its zod schema plus the rules written in as metadata. */
export function contractJsonSchema(
  name: string,
  schema: z.ZodType,
  title: string,
  baseUri: string = JSON_SCHEMA_BASE_URI,
): GeneratedJsonSchema {
  const fileName = `${name}.schema.json`;
  const { $schema, ...body } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    unrepresentable: 'throw',
    reused: 'inline',
  });
  return {
    name,
    fileName,
    schema: { $schema, $id: `${baseUri}${fileName}`, title, ...body },
  };
}
