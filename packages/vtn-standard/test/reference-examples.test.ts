import { describe, expect, it } from 'vitest';
import { validate } from '../src/index.ts';
import { committedSchemaChecker } from './support/json-schemas.ts';
import { loadReferenceExamples, REFERENCE_CONTRACT_NAMES } from './support/reference.ts';

const examples = loadReferenceExamples();
const checkWithJsonSchema = committedSchemaChecker();

describe('reference examples (read from the installed veritone-json-schemas)', () => {
  it('covers every reference contract folder, with 69 valid and 114 invalid documents', () => {
    expect([...new Set(examples.map((example) => example.contract))].sort()).toEqual(
      REFERENCE_CONTRACT_NAMES,
    );
    expect(examples.filter((example) => example.expected === 'valid')).toHaveLength(69);
    expect(examples.filter((example) => example.expected === 'invalid')).toHaveLength(114);
  });

  it.each(
    examples.map((example) => [
      `${example.contract}/${example.expected}/${example.file.split('/').pop()}`,
      example,
    ]),
  )('validate gives the expected verdict for %s', (_name, example) => {
    const result = validate(example.document, { contract: example.contract });
    expect(result.success ? 'valid' : 'invalid').toBe(example.expected);
    if (!result.success) {
      expect(result.issues.length).toBeGreaterThan(0);
      for (const issue of result.issues) expect(issue.contract).toBe(example.contract);
    }
  });

  it.each(
    examples.map((example) => [
      `${example.contract}/${example.expected}/${example.file.split('/').pop()}`,
      example,
    ]),
  )('Ajv on the exported JSON Schema gives the expected verdict for %s', (_name, example) => {
    const valid = checkWithJsonSchema(`${example.contract}.schema.json`, example.document);
    expect(valid ? 'valid' : 'invalid').toBe(example.expected);
  });

  it('rejects the lattice examples through the best-path rule written into the JSON Schema as metadata', () => {
    const lattice = examples.find((example) => example.file.endsWith('lattice.no.best.path.json'))!;
    expect(checkWithJsonSchema('transcript.schema.json', lattice.document)).toBe(false);
    const result = validate(lattice.document, { contract: 'transcript' });
    expect(result.success ? [] : result.issues.map((issue) => issue.code)).toContain('best_path');
  });
});
