import { describe, expect, it } from 'vitest';
import { upgradeToV2, V2_SCHEMA_URL, validate } from '../src/index.ts';
import { loadReferenceExamples } from './support/reference.ts';

const v1Valid = loadReferenceExamples().filter((example) => example.expected === 'valid');

describe('upgradeToV2', () => {
  it('measures the 69 v1 reference examples: 62 are valid v2 unchanged, 63 after the upgrade', () => {
    expect(v1Valid).toHaveLength(69);
    const unchanged = v1Valid.filter((example) => validate(example.document, { version: 'v2' }).success);
    const upgraded = v1Valid.map((example) => upgradeToV2(example.document));
    for (const result of upgraded) {
      expect(validate(result.document).success).toBe(result.unmapped.length === 0);
    }
    expect(unchanged).toHaveLength(62);
    expect(upgraded.filter((result) => result.unmapped.length === 0)).toHaveLength(63);
  });

  it('lists a namedEntity without objectCategory and a text object without text as unmapped', () => {
    const result = upgradeToV2({
      object: [
        { type: 'namedEntity', label: 'Paris' },
        { type: 'text', label: 'a caption' },
      ],
    });
    expect(result.unmapped.map((gap) => gap.path)).toEqual(['/object/0/objectCategory', '/object/1/text']);
    expect(result.changes).toEqual([expect.objectContaining({ path: '/$schema', action: 'added' })]);
  });

  it('drops docs-only contract names, and validationContracts when none is left', () => {
    const result = upgradeToV2({
      validationContracts: ['face'],
      object: [{ type: 'face', boundingPoly: [{ x: 0, y: 0 }] }],
    });
    expect(result.document).toEqual({
      $schema: V2_SCHEMA_URL,
      object: [{ type: 'face', boundingPoly: [{ x: 0, y: 0 }] }],
    });
    expect(result.changes.map((change) => change.path)).toEqual([
      '/$schema',
      '/validationContracts/0',
      '/validationContracts',
    ]);
    expect(result.unmapped).toEqual([]);
  });

  it('moves properties a type does not allow into vendor, without overwriting vendor keys', () => {
    const input = {
      object: [
        {
          type: 'logo',
          label: 'V',
          confidence: 0.9,
          boundingPoly: [{ x: 0, y: 0 }],
          page: 2,
          vendor: { page: 1 },
        },
      ],
    };
    const result = upgradeToV2(input);
    expect(result.unmapped).toEqual([
      expect.objectContaining({ path: '/object/0/page', code: 'unrecognized_key' }),
    ]);
    expect(input.object[0]!.page).toBe(2);
  });

  it('never throws and does not modify its input', () => {
    for (const value of [null, 3, 'x', [], { object: 'nope' }, { series: [1, { object: 2 }] }]) {
      const before = JSON.stringify(value);
      expect(() => upgradeToV2(value)).not.toThrow();
      expect(JSON.stringify(value)).toBe(before);
    }
    let deep: unknown = {};
    for (let depth = 0; depth < 200_000; depth++) deep = { vendor: deep };
    const result = upgradeToV2({ object: [{ type: 'object', vendor: deep }] });
    expect(result.unmapped).toEqual([expect.objectContaining({ code: 'upgrade_failed' })]);
  });
});
