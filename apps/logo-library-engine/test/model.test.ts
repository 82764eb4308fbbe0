import { describe, expect, it } from 'vitest';
import {
  buildModel,
  DEFAULT_MATCH_THRESHOLD,
  matchFingerprint,
  MODEL_FORMAT,
  parseModel,
  parseModelText,
} from '../src/model.ts';

const colour = Array.from({ length: 48 }, () => 128);
const model = buildModel('lib-1', [
  { entityId: 'e1', entityIdentifierId: 'i1', hash: '0000000000000000', colour },
  { entityId: 'e2', entityIdentifierId: 'i2', hash: 'ffffffffffffffff', colour },
]);

describe('model file', () => {
  it('round-trips through JSON', () => {
    expect(parseModelText(JSON.stringify(model))).toEqual({ success: true, data: model });
    expect(model).toMatchObject({ format: MODEL_FORMAT, version: 1, libraryId: 'lib-1' });
  });

  it('returns issues instead of throwing for anything that is not a model', () => {
    for (const value of [
      null,
      42,
      'x',
      [],
      {},
      { ...model, version: 2 },
      { ...model, fingerprints: [{ hash: 'zz' }] },
    ]) {
      const result = parseModel(value);
      expect(result.success).toBe(false);
      if (!result.success) expect(result.issues.length).toBeGreaterThan(0);
    }
    expect(parseModelText('{not json')).toMatchObject({
      success: false,
      issues: [{ code: 'invalid_json', path: '' }],
    });
  });
});

describe('matchFingerprint', () => {
  it('returns the nearest entity with a confidence that falls with distance', () => {
    const exact = matchFingerprint(model, { hash: '0000000000000000', colour });
    const near = matchFingerprint(model, { hash: '0000000000000007', colour });
    expect(exact).toMatchObject({ entityId: 'e1', entityIdentifierId: 'i1', confidence: 1 });
    expect(near?.entityId).toBe('e1');
    expect(near!.confidence).toBeLessThan(1);
    expect(near!.confidence).toBeGreaterThan(0);
  });

  it('reports nothing at or beyond the threshold', () => {
    expect(matchFingerprint(model, { hash: '00000000ffffffff', colour })).toBeUndefined();
    expect(
      matchFingerprint(
        model,
        { hash: '0000000000000000', colour: colour.map(() => 255) },
        DEFAULT_MATCH_THRESHOLD,
      ),
    ).toBeUndefined();
  });
});
