import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSchemaAjv } from '../../../tooling/testing/json-schema.ts';
import {
  generateJsonSchemas,
  formatJsonSchema,
  KNOWN_DIFFERENCES_V2,
  resolveVtnVersion,
  validate,
} from '../src/index.ts';
import { JSON_SCHEMA_DIR } from './support/json-schemas.ts';
import { pythonVerdicts } from './support/python-jsonschema.ts';
import { compileUpstreamV2, loadUpstreamV2Examples } from './support/upstream-v2.ts';

const examples = loadUpstreamV2Examples();
const V2_DIR = join(JSON_SCHEMA_DIR, 'v2');
const V2_ROOT_ID = 'https://engine-kit.dev/schemas/vtn-standard/v2/aion.schema.json';
const exported = createSchemaAjv(
  readdirSync(V2_DIR).map((file) => JSON.parse(readFileSync(join(V2_DIR, file), 'utf8'))),
).getSchema(V2_ROOT_ID)!;
const upstream = compileUpstreamV2();
const verdict = (valid: boolean) => (valid ? 'valid' : 'invalid');

const face = { type: 'face', boundingPoly: [{ x: 0.5, y: 0.5 }] };
const series = (object: object) => [{ startTimeMs: 0, stopTimeMs: 100, object }];

describe('VTN v2: upstream examples', () => {
  it('has the 119 valid and 107 invalid upstream examples', () => {
    expect(examples.filter((example) => example.expected === 'valid')).toHaveLength(119);
    expect(examples.filter((example) => example.expected === 'invalid')).toHaveLength(107);
  });

  it.each(examples.map((example) => [example.name, example] as const))(
    '%s: validate, Ajv on the exported schema and upstream match its folder',
    (_name, example) => {
      expect({
        validate: verdict(validate(example.document, { version: 'v2' }).success),
        exported: verdict(exported(example.document) as boolean),
        upstream: verdict(upstream(example.document)),
      }).toEqual({ validate: example.expected, exported: example.expected, upstream: example.expected });
    },
  );

  it('gives the same verdicts in Python jsonschema as validate on every example and witness', {
    timeout: 120_000,
  }, () => {
    const documents = [
      ...examples.map((example) => example.document),
      ...KNOWN_DIFFERENCES_V2.map((entry) => entry.witness.document),
    ];
    const ours = documents.map((document) => validate(document, { version: 'v2' }).success);
    expect(pythonVerdicts(V2_DIR, V2_ROOT_ID, documents)).toEqual(ours);
  });

  it('auto-detects v2 from $schema: every upstream example gets the same verdict without a version', () => {
    for (const example of examples) {
      const document = example.document as { $schema?: unknown };
      if (typeof document.$schema !== 'string') continue;
      expect(validate(example.document).success, example.name).toBe(example.expected === 'valid');
    }
  });
});

describe('VTN v2: validate', () => {
  it('chooses the version from options, else from a v2 $schema URL, else v1', () => {
    expect(resolveVtnVersion({ $schema: 'https://get.aiware.com/schemas/v2/aion/schema.json' })).toBe('v2');
    expect(resolveVtnVersion({ $schema: 'https://get.aiware.com/schemas/v2.0/aion/schema.json' })).toBe('v2');
    expect(resolveVtnVersion({ $schema: 'http://get.aiware.com/schemas/v2.1/aion/schema.json' })).toBe('v2');
    expect(resolveVtnVersion({ $schema: 'https://get.aiware.com/schemas/v20/aion/schema.json' })).toBe('v1');
    expect(resolveVtnVersion({ $schema: 'https://get.aiware.com/schemas/v1/aion/aion.json' })).toBe('v1');
    expect(resolveVtnVersion({ schemaId: 'https://get.aiware.com/schemas/v2/aion/schema.json' })).toBe('v1');
    expect(resolveVtnVersion('text')).toBe('v1');
    expect(resolveVtnVersion({ $schema: 'https://get.aiware.com/schemas/v2/aion/schema.json' }, 'v1')).toBe(
      'v1',
    );
  });

  it('applies the object contract of each type: a face needs a boundingPoly and nothing foreign', () => {
    expect(validate({ object: [face] }, { version: 'v2' }).success).toBe(true);
    expect(validate({ object: [face] }).success).toBe(true);
    const missing = validate({ object: [{ type: 'face' }] }, { version: 'v2' });
    expect(missing.success ? [] : missing.issues).toEqual([
      expect.objectContaining({ path: '/object/0/boundingPoly', code: 'invalid_type', contract: 'aion' }),
    ]);
    const foreign = validate({ object: [{ ...face, mode: 'verify' }] }, { version: 'v2' });
    expect(foreign.success ? [] : foreign.issues).toEqual([
      expect.objectContaining({ path: '/object/0/mode', code: 'unrecognized_key' }),
    ]);
    // v1 has no object contracts.
    expect(validate({ object: [{ type: 'face' }] }, { version: 'v1' }).success).toBe(true);
  });

  it('accepts $comment, $-prefixed root keys and partial words; rejects a non-string $ key', () => {
    const document = {
      $comment: 'for people',
      $example: 'x',
      series: [{ startTimeMs: 0, stopTimeMs: 5, $comment: 'c', words: [{ word: 'hel', partial: true }] }],
      object: [{ type: 'motorVehicle', motorVehicle: { make: 'Ford', licensePlate: { number: 'X1' } } }],
    };
    expect(validate(document, { version: 'v2' }).success).toBe(true);
    const bad = validate({ $example: 3 }, { version: 'v2' });
    expect(bad.success ? [] : bad.issues).toEqual([
      expect.objectContaining({ path: '/$example', code: 'invalid_metadata_key' }),
    ]);
  });

  it('checks the capabilities a document declares, with the capability as the issue contract', () => {
    const result = validate({ validationContracts: ['language'] }, { version: 'v2' });
    expect(result.success ? [] : result.issues).toEqual([
      expect.objectContaining({ path: '/language', code: 'invalid_type', contract: 'language' }),
    ]);
    expect(
      validate(
        {
          validationContracts: ['text'],
          object: [{ type: 'ocr', text: 'A', boundingPoly: face.boundingPoly }],
        },
        { version: 'v2' },
      ).success,
    ).toBe(true);
    // A v1 docs-only name is not a v2 contract name (upstream's enum).
    const docsOnly = validate({ validationContracts: ['face'], object: [face] }, { version: 'v2' });
    expect(docsOnly.success ? [] : docsOnly.issues).toEqual([
      expect.objectContaining({ path: '/validationContracts/0', code: 'unknown_contract' }),
    ]);
  });

  it('selects one contract: a capability (declared), an object type, or object:<type>', () => {
    const faces = { object: [face] };
    expect(validate(faces, { version: 'v2', contract: 'face' }).success).toBe(true);
    expect(validate(faces, { version: 'v2', contract: 'object:face' }).success).toBe(true);
    const wrong = validate(faces, { version: 'v2', contract: 'logo' });
    expect(wrong.success ? [] : wrong.issues).toEqual([
      expect.objectContaining({ path: '/object/0/type', contract: 'logo' }),
    ]);
    expect(validate({ series: series(face) }, { version: 'v2', contract: 'face' }).success).toBe(true);
    expect(validate({}, { version: 'v2', contract: 'face' }).success).toBe(false);
    const text = { object: [{ type: 'text', text: 'hi' }] };
    expect(validate(text, { version: 'v2', contract: 'object:text' }).success).toBe(true);
    const undeclared = validate(text, { version: 'v2', contract: 'text' });
    expect(undeclared.success ? [] : undeclared.issues).toEqual([
      expect.objectContaining({ code: 'contract_not_declared', contract: 'text' }),
    ]);
    expect(
      validate({ ...text, validationContracts: ['text'] }, { version: 'v2', contract: 'text' }).success,
    ).toBe(true);
    const unknown = validate(text, { version: 'v2', contract: 'faces' });
    expect(unknown.success ? [] : unknown.issues).toEqual([
      expect.objectContaining({ code: 'unknown_contract' }),
    ]);
  });

  it('never throws: an unknown version, non-objects and deep nesting become issues', () => {
    const unknown = validate({}, { version: 'v3' as never });
    expect(unknown.success ? [] : unknown.issues).toEqual([
      expect.objectContaining({ code: 'unknown_version' }),
    ]);
    for (const value of [null, 7, 'x', [], undefined])
      expect(validate(value, { version: 'v2' }).success).toBe(false);
    let deep: unknown = {};
    for (let depth = 0; depth < 50_000; depth++) deep = { vendor: deep };
    expect(() => validate({ object: [{ type: 'object', vendor: deep }] }, { version: 'v2' })).not.toThrow();
  });
});

describe('VTN v2: JSON Schema export', () => {
  it('commits exactly what the generator writes to json-schema/v2', () => {
    const generated = generateJsonSchemas('v2');
    expect(readdirSync(V2_DIR).sort()).toEqual(generated.map((entry) => entry.fileName).sort());
    for (const { fileName, schema } of generated) {
      expect(readFileSync(join(V2_DIR, fileName), 'utf8'), fileName).toBe(formatJsonSchema(schema));
      expect(schema.$id).toBe(`https://engine-kit.dev/schemas/vtn-standard/v2/${fileName}`);
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    }
  });
});
