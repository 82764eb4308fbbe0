import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONTRACT_SCHEMAS, KNOWN_DIFFERENCES, validate } from '../src/index.ts';
import { CLASSIFIED_DIFFERENCE_IDS, explainDisagreement } from './support/classify.ts';
import { committedSchemaChecker } from './support/json-schemas.ts';
import { applyMutation, type Json, mutationArbitrary } from './support/mutations.ts';
import { compileReference, loadReferenceExamples, referenceVerdict } from './support/reference.ts';

const validExamples = loadReferenceExamples().filter((example) => example.expected === 'valid');
const reference = compileReference();
const checkWithJsonSchema = committedSchemaChecker();

const mutatedExample = fc
  .record({ example: fc.nat(), mutations: fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }) })
  .map(({ example, mutations }) => {
    const source = validExamples[example % validExamples.length]!;
    const document = structuredClone(source.document) as Json;
    for (const mutation of mutations) applyMutation(document, mutation);
    return { contract: source.contract, document };
  });

describe('differential fuzz: validate vs zod vs Ajv on the exported schema vs the reference', () => {
  it('classifies every disagreement with the reference under a listed known difference', () => {
    expect(CLASSIFIED_DIFFERENCE_IDS.sort()).toEqual(
      KNOWN_DIFFERENCES.map((difference) => difference.id).sort(),
    );
    const seen = new Set<string>();
    fc.assert(
      fc.property(mutatedExample, ({ contract, document }) => {
        const ours = validate(document, { contract }).success;
        const zod = CONTRACT_SCHEMAS[contract as keyof typeof CONTRACT_SCHEMAS].safeParse(document).success;
        const ajv = checkWithJsonSchema(`${contract}.schema.json`, document);
        expect({ zod, ajv }).toEqual({ zod: ours, ajv: ours });
        const theirs = referenceVerdict(() => reference[contract]!(document));
        if ((theirs === 'valid') !== ours) {
          const explained = explainDisagreement(document, contract, theirs);
          expect(
            explained,
            `unexplained disagreement on ${contract}: ${JSON.stringify(document)}`,
          ).not.toEqual([]);
          for (const id of explained) seen.add(id);
        }
      }),
      { seed: 20261122, numRuns: 2500 },
    );
    // The mutations are rich enough to hit the common differences; a silent classifier would not.
    expect([...seen]).toEqual(
      expect.arrayContaining([
        'unsafe-integer',
        'emotion-not-object',
        'best-path-everywhere',
        'validation-contracts-every-entry',
      ]),
    );
  });

  it('gives the same verdict as Ajv on the whole-document schema when no contract is named', () => {
    fc.assert(
      fc.property(mutatedExample, ({ document }) => {
        expect(checkWithJsonSchema('vtn-standard.schema.json', document)).toBe(validate(document).success);
      }),
      { seed: 7, numRuns: 1000 },
    );
  });
});
