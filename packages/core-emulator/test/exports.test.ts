import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('@engine-kit/core-emulator exports', () => {
  it('exports exactly the documented names', async () => {
    expect(Object.keys(await import('../src/index.ts')).sort()).toEqual([
      'CoreEmulatorError',
      'DEFAULT_IDENTIFIER_TYPE_ID',
      'DEFAULT_MAX_BODY_BYTES',
      'DEFAULT_MAX_UPLOAD_BYTES',
      'DEFAULT_QUERY_LIMITS',
      'EMULATOR_APPLICATION_ID',
      'EmulatorStore',
      'SCHEMA_EXTENSIONS',
      'SeedEntitySchema',
      'SeedIdentifierSchema',
      'SeedLibrarySchema',
      'SeedModelSchema',
      'SeedSchema',
      'applySeed',
      'emulatorSchema',
      'mediaUrl',
      'parseCliArgs',
      'startCoreEmulator',
    ]);
  });

  it('ships schema.graphql as ./schema.graphql', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(manifest.exports['./schema.graphql']).toBe('./schema.graphql');
    expect(manifest.files).toContain('schema.graphql');
  });
});
