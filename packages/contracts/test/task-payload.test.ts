import { describe, expect, it } from 'vitest';
import { isLibraryTaskPayload, parseTaskPayload, parseTaskPayloadText } from '../src/index.ts';

describe('parseTaskPayload', () => {
  it('accepts a library-train payload with both ids', () => {
    const result = parseTaskPayload({ mode: 'library-train', libraryId: 'l', libraryEngineModelId: 'm' });
    expect(result.success && isLibraryTaskPayload(result.data)).toBe(true);
  });

  it.each(['library-train', 'library-run'])('requires libraryEngineModelId for %s', (mode) => {
    const result = parseTaskPayload({ mode, libraryId: 'l' });
    expect(!result.success && result.issues[0]?.path).toBe('/libraryEngineModelId');
  });

  it('keeps engine-specific keys of a processing payload', () => {
    const result = parseTaskPayload({ language: 'en', thresholds: [0.1, 0.2] });
    expect(result).toEqual({ success: true, data: { language: 'en', thresholds: [0.1, 0.2] } });
    expect(result.success && isLibraryTaskPayload(result.data)).toBe(false);
  });

  it.each(['library-delete', 'mode', 5, null])(
    'treats mode %j, which is not a library mode, as ordinary processing',
    (mode) => {
      const result = parseTaskPayload({ mode, language: 'en' });
      expect(result).toEqual({ success: true, data: { mode, language: 'en' } });
      expect(result.success && isLibraryTaskPayload(result.data)).toBe(false);
    },
  );

  it('reads JSON null (the Go toolkit without a task payload) as an empty payload', () => {
    expect(parseTaskPayloadText('null')).toEqual({ success: true, data: {} });
    expect(parseTaskPayloadText(' null\n')).toEqual({ success: true, data: {} });
  });

  it.each([null, [], 'x', 3])('rejects %j as not an object', (value) => {
    expect(parseTaskPayload(value)).toMatchObject({ success: false, issues: [{ code: 'invalid_type' }] });
  });

  it('reports bad JSON text with invalid_json', () => {
    expect(parseTaskPayloadText('{oops')).toMatchObject({
      success: false,
      issues: [{ code: 'invalid_json' }],
    });
  });
});
