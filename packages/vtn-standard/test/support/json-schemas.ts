import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSchemaAjv } from '../../../../tooling/testing/json-schema.ts';

export const JSON_SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'json-schema');

/** The committed v1 JSON Schema files (the top of json-schema/; v2 is in its v2/ folder), by file name. */
export function committedJsonSchemas(): Map<string, Record<string, unknown>> {
  const schemas = new Map<string, Record<string, unknown>>();
  const files = readdirSync(JSON_SCHEMA_DIR, { withFileTypes: true }).filter((entry) => entry.isFile());
  for (const file of files.map((entry) => entry.name).sort()) {
    schemas.set(file, JSON.parse(readFileSync(join(JSON_SCHEMA_DIR, file), 'utf8')));
  }
  return schemas;
}

/** A draft 2020-12 Ajv with every committed schema loaded; `check(file, doc)` validates by `$id`. */
export function committedSchemaChecker() {
  const schemas = committedJsonSchemas();
  const ajv = createSchemaAjv([...schemas.values()]);
  return (file: string, document: unknown): boolean => {
    const id = schemas.get(file)?.$id;
    if (typeof id !== 'string') throw new Error(`no committed schema ${file}`);
    return ajv.getSchema(id)!(document) as boolean;
  };
}
