import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operations } from '../src/index.ts';

const schemaPath = new URL('../../core-emulator/schema.graphql', import.meta.url);
const schema = buildSchema(readFileSync(schemaPath, 'utf8'));

describe('operations', () => {
  it.each(Object.entries(operations))('%s is valid against the core emulator schema', (name, document) => {
    const ast = parse(document);
    expect(validate(schema, ast).map((error) => error.message)).toEqual([]);
    const definition = ast.definitions[0];
    expect(definition?.kind === 'OperationDefinition' && definition.name?.value).toBe(name);
  });

  it('holds one document per client operation', () => {
    expect(Object.keys(operations).sort()).toEqual([
      'CreateTrainingJob',
      'GetLibrary',
      'GetLibraryEngineModel',
      'ListEntityIdentifiers',
      'ListLibraryEntities',
      'UpdateLibraryEngineModel',
      'UploadLibraryEngineModelFile',
    ]);
  });
});
