import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validate } from '../src/index.ts';

const face = (type = 'face') => ({
  validationContracts: ['face'],
  series: [
    {
      startTimeMs: 0,
      stopTimeMs: 1000,
      object: { type, confidence: 0.9, boundingPoly: [{ x: 0.5, y: 0.5 }] },
    },
  ],
});

describe('validate', () => {
  it('never throws and always answers, whatever JSON value it is given', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.constantFrom(undefined, 'aion', 'transcript', 'object', 'face', 'nope'),
        (value, contract) => {
          const result = validate(value, contract === undefined ? undefined : { contract });
          expect(typeof result.success).toBe('boolean');
          if (!result.success) expect(result.issues.length).toBeGreaterThan(0);
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });

  it('reports issues with JSON pointers, codes and the contract that failed', () => {
    const result = validate({
      validationContracts: ['transcript'],
      series: [{ startTimeMs: -1, stopTimeMs: 10, 'a/b': 1, words: [{ word: 'x' }] }],
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/series/0/startTimeMs', code: 'too_small', contract: 'aion' }),
        expect.objectContaining({ path: '/series/0/a~1b', code: 'unrecognized_key', contract: 'aion' }),
      ]),
    );
    expect(JSON.parse(JSON.stringify(result)).issues).toEqual(result.issues);
  });

  it('builds the issues of a failure once, and serialises and prints them like plain data', () => {
    const result = validate({ series: 'not an array' });
    if (result.success) throw new Error('expected a failure');
    expect(result.issues).toBe(result.issues);
    expect(JSON.parse(JSON.stringify(result))).toEqual({ success: false, issues: result.issues });
    expect(inspect(result, { depth: 4 })).toContain("path: '/series'");
  });

  it('checks every contract the document declares when no contract is named', () => {
    const declared = { validationContracts: ['summary', 'language'], summary: 'short' };
    const result = validate(declared);
    expect(result.success ? [] : result.issues).toEqual([
      expect.objectContaining({ path: '/language', code: 'invalid_type', contract: 'language' }),
    ]);
    expect(validate({ ...declared, language: 'en' }).success).toBe(true);
  });

  it('returns the validated document as data', () => {
    const document = { validationContracts: ['summary'], summary: 'short', custom: 1 };
    expect(validate(document)).toEqual({ success: true, data: document });
  });

  it('reports an unknown contract name with code unknown_contract', () => {
    const named = validate({}, { contract: 'faces' });
    expect(named.success ? [] : named.issues).toEqual([
      expect.objectContaining({ code: 'unknown_contract', path: '' }),
    ]);
    const declared = validate({ validationContracts: ['summary', 'faces'], summary: 's' });
    expect(declared.success ? [] : declared.issues).toEqual([
      expect.objectContaining({ code: 'unknown_contract', path: '/validationContracts/1' }),
    ]);
  });

  describe('docs-only contract names', () => {
    it('validates face, logo and license-plate as object-contract output of the matching object type', () => {
      expect(validate(face()).success).toBe(true);
      expect(validate(face('logo')).success).toBe(false);
      const logo = { ...face('logo'), validationContracts: ['logo'] };
      expect(validate(logo).success).toBe(true);
      const plate = { ...face('licensePlate'), validationContracts: ['license-plate'] };
      expect(validate(plate).success).toBe(true);
      expect(validate({ validationContracts: ['face'] }).success).toBe(false);
    });

    it('requires a speakerId or a speaker object in every speaker series item', () => {
      const speaker = (item: object) => ({
        validationContracts: ['speaker'],
        series: [{ startTimeMs: 0, stopTimeMs: 10, ...item }],
      });
      expect(validate(speaker({ speakerId: 'speaker1' })).success).toBe(true);
      expect(validate(speaker({ object: { type: 'speaker', entityId: 'e1' } })).success).toBe(true);
      expect(validate(speaker({})).success).toBe(false);
    });

    it('requires gps in every geolocation series item', () => {
      const geo = (item: object) => ({
        validationContracts: ['geolocation'],
        series: [{ startTimeMs: 0, stopTimeMs: 10, ...item }],
      });
      expect(validate(geo({ gps: [{ latitude: 1, longitude: 2 }] })).success).toBe(true);
      expect(validate(geo({ gps: [] })).success).toBe(false);
      expect(validate(geo({})).success).toBe(false);
    });

    it('requires structured data for a structured-data name or schema UUID', () => {
      const schemaId = '5a5e4c3b-1d2e-4f50-9a8b-7c6d5e4f3a2b';
      const document = (data: object) => ({
        validationContracts: [schemaId],
        object: [{ type: 'object', structuredData: data }],
      });
      expect(validate(document({ [schemaId]: { name: 'x' } })).success).toBe(true);
      const other = validate(document({ '00000000-0000-0000-0000-000000000000': {} }));
      expect(other.success ? [] : other.issues).toEqual([
        expect.objectContaining({ code: 'missing_structured_data' }),
      ]);
      expect(
        validate({ ...document({ [schemaId]: {} }), validationContracts: ['structured-data'] }).success,
      ).toBe(true);
      expect(
        validate({ validationContracts: ['structured-data'], object: [{ type: 'object' }] }).success,
      ).toBe(false);
      expect(validate(document({ [schemaId]: {} }), { contract: schemaId }).success).toBe(true);
    });
  });
});
