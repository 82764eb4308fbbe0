import { describe, expect, it } from 'vitest';
import { validateManifest } from '../src/index.ts';

const manifest = {
  engineId: 'eng-1',
  category: 'face',
  preferredInputFormat: 'image/jpeg',
  outputFormats: ['application/json'],
  clusterSize: 'small',
};

describe('validateManifest', () => {
  it('accepts a manifest with the required fields', () => {
    expect(validateManifest(manifest)).toEqual({ success: true, data: manifest });
  });

  it.each([
    ['initialConcurency', 'initialConcurrency'],
    ['intialConcurrency', 'initialConcurrency'],
    ['maxconcurrency', 'maxConcurrency'],
    ['engineID', 'engineId'],
  ])('suggests the known key for the misspelled %s', (misspelled, known) => {
    const result = validateManifest({ ...manifest, [misspelled]: 2 });
    expect(result).toEqual({
      success: false,
      issues: [
        {
          path: `/${misspelled}`,
          code: 'unknown_key',
          message: `unknown key "${misspelled}"; did you mean "${known}"?`,
        },
      ],
    });
  });

  it('does not invent a suggestion for a key unlike any known one', () => {
    const result = validateManifest({ ...manifest, favouriteColour: 'blue' });
    expect(!result.success && result.issues[0]?.message).toBe('unknown key "favouriteColour"');
  });

  it('checks the enums of clusterSize and engineMode', () => {
    const result = validateManifest({ ...manifest, clusterSize: 'huge', engineMode: 'realtime' });
    expect(!result.success && result.issues.map((found) => found.path)).toEqual([
      '/clusterSize',
      '/engineMode',
    ]);
  });

  it.each([null, [], 'manifest'])('returns an issue for %j instead of throwing', (value) => {
    expect(validateManifest(value)).toMatchObject({ success: false, issues: [{ code: 'invalid_type' }] });
  });
});
