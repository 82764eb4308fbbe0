import { readFileSync } from 'node:fs';
import {
  buildSchema,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  isScalarType,
  parse,
  validate,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { SCHEMA_EXTENSIONS } from '../src/index.ts';

const upstream = buildSchema(
  readFileSync(new URL('./upstream/veritone-api-2019.graphql', import.meta.url), 'utf8'),
);
const emulator = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

function ownTypes(schema: GraphQLSchema): GraphQLNamedType[] {
  return Object.values(schema.getTypeMap()).filter(
    (type) => !type.name.startsWith('__') && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name),
  );
}

function kindOf(type: GraphQLNamedType): string {
  if (isScalarType(type)) return 'scalar';
  if (isEnumType(type)) return 'enum';
  if (isInputObjectType(type)) return 'input';
  if (isInterfaceType(type)) return 'interface';
  if (isObjectType(type)) return 'type';
  return 'union';
}

type AnyField = GraphQLField<unknown, unknown> | GraphQLInputField;

function fieldsOf(type: GraphQLNamedType): Record<string, AnyField> {
  return isObjectType(type) || isInputObjectType(type) || isInterfaceType(type) ? type.getFields() : {};
}

function describeArgument(argument: { type: unknown; defaultValue?: unknown }): string {
  return `${String(argument.type)}${argument.defaultValue === undefined ? '' : ` = ${JSON.stringify(argument.defaultValue)}`}`;
}

/** Every difference between the emulator's schema and the 2019 schema, as readable lines. */
function differences(ours: GraphQLSchema): string[] {
  const found: string[] = [];
  for (const type of ownTypes(ours)) {
    const theirs = upstream.getType(type.name);
    if (!theirs) {
      found.push(`type ${type.name} is not in the 2019 schema`);
      continue;
    }
    if (kindOf(theirs) !== kindOf(type))
      found.push(`${type.name} is a ${kindOf(type)}, 2019 has a ${kindOf(theirs)}`);
    if (isEnumType(type) && isEnumType(theirs)) {
      const ours = type.getValues().map((value) => value.name);
      const upstreamValues = theirs.getValues().map((value) => value.name);
      if (JSON.stringify(ours) !== JSON.stringify(upstreamValues))
        found.push(`enum ${type.name} is [${ours}], 2019 has [${upstreamValues}]`);
    }
    const upstreamFields = fieldsOf(theirs);
    for (const [name, field] of Object.entries(fieldsOf(type))) {
      const path = `${type.name}.${name}`;
      const twin = upstreamFields[name];
      if (!twin) {
        if (!SCHEMA_EXTENSIONS.includes(path))
          found.push(`${path} is not in the 2019 schema and not listed as an extension`);
        continue;
      }
      if (describeArgument(field) !== describeArgument(twin))
        found.push(`${path} is ${describeArgument(field)}, 2019 has ${describeArgument(twin)}`);
      const ourArgs = 'args' in field ? field.args : [];
      const theirArgs = 'args' in twin ? twin.args : [];
      for (const argument of ourArgs) {
        const twinArgument = theirArgs.find((candidate) => candidate.name === argument.name);
        if (!twinArgument) found.push(`${path}(${argument.name}) is not in the 2019 schema`);
        else if (describeArgument(argument) !== describeArgument(twinArgument))
          found.push(
            `${path}(${argument.name}) is ${describeArgument(argument)}, 2019 has ${describeArgument(twinArgument)}`,
          );
      }
      for (const argument of theirArgs) {
        const required = isNonNullType(argument.type) && argument.defaultValue === undefined;
        if (required && !ourArgs.some((candidate) => candidate.name === argument.name))
          found.push(`${path} lacks the required 2019 argument ${argument.name}`);
      }
    }
    if (isInputObjectType(type) && isInputObjectType(theirs)) {
      for (const [name, field] of Object.entries(theirs.getFields())) {
        const required = isNonNullType(field.type) && field.defaultValue === undefined;
        if (required && !type.getFields()[name])
          found.push(`input ${type.name} lacks the required 2019 field ${name}`);
      }
    }
  }
  return found;
}

describe('schema.graphql is a faithful subset of the public 2019 Veritone schema', () => {
  it('has every type, field and argument with the 2019 name, type, nullability and default', () => {
    expect(differences(emulator)).toEqual([]);
  });

  it('roots its operations in the 2019 Query and Mutation fields', () => {
    expect(emulator.getQueryType()?.name).toBe('Query');
    expect(emulator.getMutationType()?.name).toBe('Mutation');
  });

  it('lists exactly the fields that 2019 does not have as extensions', () => {
    const extra = ownTypes(emulator).flatMap((type) =>
      Object.keys(fieldsOf(type))
        .filter((name) => !fieldsOf(upstream.getType(type.name) as GraphQLNamedType)[name])
        .map((name) => `${type.name}.${name}`),
    );
    expect(extra.sort()).toEqual([...SCHEMA_EXTENSIONS].sort());
  });

  it('lists each extension in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const extension of SCHEMA_EXTENSIONS) expect(readme).toContain(`\`${extension}\``);
  });

  it('accepts a query that declares `$x: JSON`, as the platform does', () => {
    const document = parse(
      'mutation($id: ID!, $x: JSON) { updateLibraryEngineModel(input: { id: $id, jsondata: $x }) { id jsondata } }',
    );
    expect(validate(emulator, document)).toEqual([]);
    expect(validate(upstream, document)).toEqual([]);
  });

  it('reports a changed field type, nullability, argument default and enum value', () => {
    const source = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    const changed = buildSchema(
      source
        .replace('accuracy: Int\n  createdDateTime', 'accuracy: Float\n  createdDateTime')
        .replace('trainStatus: LibraryEngineModelTrainStatus!', 'trainStatus: LibraryEngineModelTrainStatus')
        .replace(
          'identifiers(id: ID, identifierTypeId: ID, offset: Int = 0, limit: Int = 30)',
          'identifiers(id: ID, identifierTypeId: ID, offset: Int = 0, limit: Int = 50)',
        )
        .replace('  paused\n', ''),
    );
    expect(differences(changed)).toEqual([
      'enum TaskStatus is [pending,running,complete,queued,accepted,failed,cancelled,standby_pending,waiting,resuming,aborted], 2019 has [pending,running,complete,queued,accepted,failed,cancelled,standby_pending,waiting,resuming,aborted,paused]',
      'Entity.identifiers(limit) is Int = 50, 2019 has Int = 30',
      'LibraryEngineModel.trainStatus is LibraryEngineModelTrainStatus, 2019 has LibraryEngineModelTrainStatus!',
      'LibraryEngineModel.accuracy is Float, 2019 has Int',
    ]);
  });
});
