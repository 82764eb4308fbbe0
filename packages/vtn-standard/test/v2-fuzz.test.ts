import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSchemaAjv } from '../../../tooling/testing/json-schema.ts';
import {
  CAPABILITY_CONTRACTS_V2,
  CAPABILITY_RULES_V2,
  KNOWN_DIFFERENCES_V2,
  validate,
  VtnV2DocumentSchema,
} from '../src/index.ts';
import { CLASSIFIED_DIFFERENCE_IDS_V2, explainDisagreementV2 } from './support/classify-v2.ts';
import { JSON_SCHEMA_DIR } from './support/json-schemas.ts';
import type { Json } from './support/mutations.ts';
import { applyMutationV2, mutationV2Arbitrary } from './support/mutations-v2.ts';
import { compileUpstreamV2, loadUpstreamV2Examples } from './support/upstream-v2.ts';

const validExamples = loadUpstreamV2Examples().filter((example) => example.expected === 'valid');
const upstream = compileUpstreamV2();
const v2Dir = join(JSON_SCHEMA_DIR, 'v2');
const exported = createSchemaAjv(
  readdirSync(v2Dir).map((file) => JSON.parse(readFileSync(join(v2Dir, file), 'utf8'))),
).getSchema('https://engine-kit.dev/schemas/vtn-standard/v2/aion.schema.json')!;

function declaredOf(document: unknown): unknown[] {
  const declared = (document as { validationContracts?: unknown }).validationContracts;
  return Array.isArray(declared) ? declared : [];
}

/** zod alone: the master rules plus every declared capability's rule (UUID rules aside). */
function zodVerdict(document: unknown): boolean {
  if (!VtnV2DocumentSchema.safeParse(document).success) return false;
  const declared = declaredOf(document);
  return CAPABILITY_CONTRACTS_V2.filter((name) => declared.includes(name)).every(
    (name) => CAPABILITY_RULES_V2[name].safeParse(document).success,
  );
}
const declaresSchemaId = (document: unknown) =>
  declaredOf(document).some((name) => typeof name === 'string' && /^[0-9a-f-]{36}$/.test(name));

const mutatedExample = fc
  .record({ example: fc.nat(), mutations: fc.array(mutationV2Arbitrary, { minLength: 1, maxLength: 3 }) })
  .map(({ example, mutations }) => {
    const document = structuredClone(validExamples[example % validExamples.length]!.document) as Json;
    for (const mutation of mutations) applyMutationV2(document, mutation);
    return document;
  });

describe('v2 differential fuzz: validate vs zod vs Ajv on the exported schema vs upstream', () => {
  it('agrees with zod and the exported schema, and explains every disagreement with upstream', {
    timeout: 300_000,
  }, () => {
    expect(CLASSIFIED_DIFFERENCE_IDS_V2.sort()).toEqual(
      KNOWN_DIFFERENCES_V2.filter((entry) => entry.verdicts.upstream !== entry.verdicts.ours)
        .map((entry) => entry.id)
        .sort(),
    );
    const seen = new Set<string>();
    let disagreements = 0;
    fc.assert(
      fc.property(mutatedExample, (document) => {
        const ours = validate(document, { version: 'v2' }).success;
        expect(exported(document), `exported schema on ${JSON.stringify(document)}`).toBe(ours);
        if (!declaresSchemaId(document)) expect(zodVerdict(document)).toBe(ours);
        const theirs = upstream(document) ? 'valid' : 'invalid';
        if ((theirs === 'valid') !== ours) {
          disagreements++;
          const explained = explainDisagreementV2(document, theirs);
          expect(explained, `unexplained disagreement: ${JSON.stringify(document)}`).not.toEqual([]);
          for (const id of explained) seen.add(id);
        }
      }),
      { seed: 20261202, numRuns: 4000 },
    );
    // The mutations are rich enough to reach the differences; a silent classifier would not.
    expect([...seen]).toEqual(
      expect.arrayContaining([
        'best-path-exactly-one',
        'metadata-key-prefix',
        'either-or-every-array',
        'emotion-not-object',
        'unsafe-integer',
      ]),
    );
    expect(disagreements).toBeGreaterThan(0);
  });
});
