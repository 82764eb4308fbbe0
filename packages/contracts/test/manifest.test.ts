import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateManifest } from '../src/index.ts';
import { fixturesDir } from './helpers.ts';

const manifest = {
  engineId: 'eng-1',
  category: 'face',
  preferredInputFormat: 'image/jpeg',
  outputFormats: ['application/json'],
  clusterSize: 'small',
};

function publishedShapes(): Array<[string, unknown]> {
  const folder = join(fixturesDir, 'valid', 'EngineManifest');
  return readdirSync(folder)
    .filter((file) => file.startsWith('docs-') || file.startsWith('platform-'))
    .map((file) => [file, JSON.parse(readFileSync(join(folder, file), 'utf8')) as unknown]);
}

describe('validateManifest', () => {
  it('accepts a manifest with the usual fields, without warnings', () => {
    expect(validateManifest(manifest)).toEqual({ success: true, data: manifest, warnings: [] });
  });

  it('needs only engineId: a manifest without category is valid', () => {
    const { category: _category, ...withoutCategory } = manifest;
    expect(validateManifest(withoutCategory)).toEqual({ success: true, data: withoutCategory, warnings: [] });
    expect(validateManifest({ engineId: 'eng-1' })).toMatchObject({
      success: true,
      warnings: [
        { path: '/preferredInputFormat', code: 'missing_recommended_key' },
        { path: '/outputFormats', code: 'missing_recommended_key' },
        { path: '/clusterSize', code: 'missing_recommended_key' },
      ],
    });
    expect(validateManifest({ category: 'face' })).toMatchObject({
      success: false,
      issues: [{ path: '/engineId' }],
    });
  });

  it.each(publishedShapes())('accepts the published-shape manifest %s', (_file, json) => {
    const result = validateManifest(json);
    expect(result.success ? [] : result.issues).toEqual([]);
  });

  it('accepts null for unset optional fields, as the platform writes them', () => {
    const result = validateManifest({
      ...manifest,
      supportedInputFormats: null,
      libraries: null,
      inputOptions: null,
    });
    expect(result).toMatchObject({ success: true, warnings: [] });
  });

  it.each([
    ['initalConcurrency', 'initialConcurrency'],
    ['initialConcurency', 'initialConcurrency'],
    ['intialConcurrency', 'initialConcurrency'],
    ['maxconcurrency', 'maxConcurrency'],
    ['engineID', 'engineId'],
  ])('keeps the manifest valid and warns with the nearest key for the misspelled %s', (misspelled, known) => {
    const result = validateManifest({ ...manifest, [misspelled]: 2 });
    expect(result).toEqual({
      success: true,
      data: { ...manifest, [misspelled]: 2 },
      warnings: [
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
    expect(result.warnings[0]?.message).toBe('unknown key "favouriteColour"');
  });

  it('rejects fields of the wrong type, and checks the enums of clusterSize and engineMode', () => {
    const result = validateManifest({
      ...manifest,
      clusterSize: 'huge',
      engineMode: 'realtime',
      outputFormats: 'x',
    });
    expect(!result.success && result.issues.map((found) => found.path)).toEqual([
      '/outputFormats',
      '/clusterSize',
      '/engineMode',
    ]);
  });

  it('reports warnings beside issues on an invalid manifest', () => {
    const result = validateManifest({ engineId: '', initalConcurrency: 1 });
    expect(result.success).toBe(false);
    expect(result.warnings.map((warning) => warning.code)).toContain('unknown_key');
  });

  it.each([null, [], 'manifest'])('returns an issue for %j instead of throwing', (value) => {
    expect(validateManifest(value)).toMatchObject({ success: false, issues: [{ code: 'invalid_type' }] });
  });
});
