import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operations } from '../src/index.ts';

const schemaPath = new URL('../../core-emulator/schema.graphql', import.meta.url);
const schema = buildSchema(readFileSync(schemaPath, 'utf8'));
// The public 2019 Veritone schema, vendored with its source note by the core emulator's tests.
const upstreamPath = new URL('../../core-emulator/test/upstream/veritone-api-2019.graphql', import.meta.url);
const upstream = buildSchema(readFileSync(upstreamPath, 'utf8'));

describe('operations', () => {
  it.each(Object.entries(operations))('%s is valid against the core emulator schema', (name, document) => {
    const ast = parse(document);
    expect(validate(schema, ast).map((error) => error.message)).toEqual([]);
    const definition = ast.definitions[0];
    expect(definition?.kind === 'OperationDefinition' && definition.name?.value).toBe(name);
  });

  it.each(Object.entries(operations))(
    '%s is valid against the public 2019 Veritone schema',
    (_name, document) => {
      expect(validate(upstream, parse(document)).map((error) => error.message)).toEqual([]);
    },
  );

  it('holds one document per client operation', () => {
    expect(Object.keys(operations).sort()).toEqual([
      'CreateTrainingJob',
      'GetLibrary',
      'GetLibraryEngineModel',
      'GetLibraryEngineModelVersion',
      'ListEntityIdentifiers',
      'ListLibraryEntities',
      'UpdateLibraryEngineModel',
      'UploadLibraryEngineModelFile',
    ]);
  });
});
