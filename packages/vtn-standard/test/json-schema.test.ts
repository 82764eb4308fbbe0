import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatJsonSchema,
  generateJsonSchemas,
  JSON_SCHEMA_BASE_URI,
  REFERENCE_CONTRACTS,
  validate,
} from '../src/index.ts';
import { committedJsonSchemas, committedSchemaChecker } from './support/json-schemas.ts';

const packageJson = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'));

describe('generated JSON Schema', () => {
  it('matches the committed json-schema/ files exactly (run `pnpm generate` after changing a schema)', () => {
    const committed = committedJsonSchemas();
    const fresh = generateJsonSchemas();
    expect([...committed.keys()].sort()).toEqual(fresh.map((entry) => entry.fileName).sort());
    for (const { fileName, schema } of fresh) {
      const text = readFileSync(join(import.meta.dirname, '..', 'json-schema', fileName), 'utf8');
      expect(text, fileName).toBe(formatJsonSchema(schema));
    }
  });

  it('has one draft 2020-12 file per reference contract plus the whole document, with stable absolute $ids', () => {
    const committed = committedJsonSchemas();
    for (const name of [...REFERENCE_CONTRACTS, 'vtn-standard']) {
      const schema = committed.get(`${name}.schema.json`);
      expect(schema?.$id).toBe(`${JSON_SCHEMA_BASE_URI}${name}.schema.json`);
      expect(schema?.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    }
  });

  it('ships every file: listed in files and one exports entry per schema', () => {
    expect(packageJson.files).toContain('json-schema');
    for (const fileName of committedJsonSchemas().keys()) {
      expect(packageJson.exports[`./json-schema/${fileName}`]).toBe(`./json-schema/${fileName}`);
    }
  });

  it('writes the best-path rule zod cannot emit into the words schema', () => {
    const check = committedSchemaChecker();
    const lattice = (words: object[]) => ({
      validationContracts: ['transcript'],
      series: [{ startTimeMs: 0, stopTimeMs: 10, words }],
    });
    const word = (text: string, bestPath: boolean) => ({
      word: text,
      confidence: 0.5,
      utteranceLength: 1,
      bestPath,
    });
    const oneBest = lattice([word('a', true), word('b', false)]);
    const twoBest = lattice([word('a', true), word('b', true)]);
    const noBest = lattice([word('a', false), word('b', false)]);
    for (const [document, valid] of [
      [oneBest, true],
      [twoBest, false],
      [noBest, false],
    ] as const) {
      expect(check('transcript.schema.json', document)).toBe(valid);
      expect(check('vtn-standard.schema.json', document)).toBe(valid);
      expect(validate(document, { contract: 'transcript' }).success).toBe(valid);
    }
  });

  it('applies every declared contract in the whole-document schema, as validate does without a contract', () => {
    const check = committedSchemaChecker();
    const declaresConceptWithoutCategory = {
      validationContracts: ['concept'],
      object: [{ type: 'concept' }],
    };
    expect(check('aion.schema.json', declaresConceptWithoutCategory)).toBe(true);
    expect(check('vtn-standard.schema.json', declaresConceptWithoutCategory)).toBe(false);
    expect(validate(declaresConceptWithoutCategory).success).toBe(false);
  });
});
