import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KNOWN_DIFFERENCES, validate } from '../src/index.ts';
import { publishedVerdict } from './support/reference.ts';

describe('KNOWN_DIFFERENCES', () => {
  it.each(KNOWN_DIFFERENCES.map((difference) => [difference.id, difference]))(
    '%s: the reference and validate really disagree on the witness',
    (_id, difference) => {
      const { document, referenceContract, options } = difference.witness;
      const reference = publishedVerdict(referenceContract, document);
      const ours = validate(document, options).success ? 'valid' : 'invalid';
      expect({ reference, ours }).toEqual(difference.verdicts);
      expect(reference).not.toBe(ours);
    },
  );

  it('has unique ids', () => {
    const ids = KNOWN_DIFFERENCES.map((difference) => difference.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is summarised in the README, one entry per difference', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    for (const difference of KNOWN_DIFFERENCES) {
      expect(readme).toContain(`\`${difference.id}\``);
      expect(readme).toContain(difference.summary);
    }
  });
});
