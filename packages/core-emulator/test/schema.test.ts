import { readFileSync } from 'node:fs';
import {
  buildSchema,
  type GraphQLEnumType,
  type GraphQLObjectType,
  isListType,
  isNonNullType,
} from 'graphql';
import { describe, expect, it } from 'vitest';

const schema = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

function fieldsOf(typeName: string): string[] {
  return Object.keys((schema.getType(typeName) as GraphQLObjectType).getFields());
}

describe('schema.graphql uses the public Veritone names', () => {
  it('LibraryEngineModelTrainStatus has exactly pending queued complete failed running', () => {
    const values = (schema.getType('LibraryEngineModelTrainStatus') as GraphQLEnumType)
      .getValues()
      .map((value) => value.name);
    expect(values).toEqual(['pending', 'queued', 'complete', 'failed', 'running']);
  });

  it('LibraryEngineModel has the documented fields, and libraryEngineModel(id) returns one object', () => {
    expect(fieldsOf('LibraryEngineModel')).toEqual(
      expect.arrayContaining([
        'id',
        'engineId',
        'libraryId',
        'libraryVersion',
        'trainJobId',
        'trainStatus',
        'dataUrl',
        'contentType',
        'jsondata',
        'accuracy',
        'createdDateTime',
        'modifiedDateTime',
      ]),
    );
    const field = schema.getQueryType()!.getFields().libraryEngineModel!;
    expect(isListType(field.type) || isNonNullType(field.type)).toBe(false);
    expect(String(field.type)).toBe('LibraryEngineModel');
  });

  it('lists are { records offset limit count } and paged fields default to offset 0, limit 30', () => {
    for (const list of [
      'LibraryList',
      'EntityList',
      'EntityIdentifierList',
      'LibraryEngineModelList',
      'TaskList',
    ]) {
      expect(fieldsOf(list)).toEqual(['records', 'offset', 'limit', 'count']);
    }
    const entities = (schema.getType('Library') as GraphQLObjectType).getFields().entities!;
    const args = Object.fromEntries(entities.args.map((arg) => [arg.name, arg.defaultValue]));
    expect(Object.keys(args)).toEqual(
      expect.arrayContaining([
        'id',
        'ids',
        'isPublished',
        'identifierTypeId',
        'name',
        'offset',
        'limit',
        'orderBy',
        'orderDirection',
      ]),
    );
    expect(args.offset).toBe(0);
    expect(args.limit).toBe(30);
    const identifiers = (schema.getType('Entity') as GraphQLObjectType).getFields().identifiers!;
    expect(identifiers.args.map((arg) => arg.name)).toEqual(['id', 'identifierTypeId', 'offset', 'limit']);
  });

  it('has the queries and mutations library-enabled engines use', () => {
    expect(Object.keys(schema.getQueryType()!.getFields())).toEqual(
      expect.arrayContaining(['library', 'libraries', 'entity', 'entities', 'libraryEngineModel']),
    );
    expect(Object.keys(schema.getMutationType()!.getFields())).toEqual(
      expect.arrayContaining([
        'createLibrary',
        'createEntity',
        'createEntityIdentifier',
        'createLibraryEngineModel',
        'updateLibraryEngineModel',
        'publishLibrary',
        'createJob',
      ]),
    );
    expect(
      Object.keys(
        (schema.getType('EntityIdentifierDataType') as GraphQLEnumType).getValues().map((v) => v.name),
      ),
    ).toHaveLength(7);
  });
});
