import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSchemaAjv } from '../../../tooling/testing/json-schema.ts';
import { renderJsonSchemaFiles } from '../scripts/json-schema-files.ts';
import { CONTRACT_JSON_SCHEMA_BASE_URL, CONTRACT_MESSAGES, contractJsonSchema } from '../src/index.ts';
import { jsonSchemaDir, packageDir, readAllSchemas } from './helpers.ts';

describe('generated JSON Schema files', () => {
  const fresh = renderJsonSchemaFiles();

  it('the committed json-schema folder holds exactly one file per message', () => {
    expect(readdirSync(jsonSchemaDir).sort()).toEqual([...fresh.keys()].sort());
  });

  it.each([...fresh.keys()])(
    '%s is up to date (run `pnpm --filter @engine-kit/contracts generate`)',
    (file) => {
      expect(readFileSync(join(jsonSchemaDir, file), 'utf8')).toBe(fresh.get(file));
    },
  );

  it.each(CONTRACT_MESSAGES.map((message) => message))(
    '$name declares draft 2020-12 and a stable absolute $id',
    ({ name, file }) => {
      const schema = contractJsonSchema(name);
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toBe(`${CONTRACT_JSON_SCHEMA_BASE_URL}${file}`);
    },
  );

  it('every schema file is shipped and exported by its own path', () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
      files: string[];
      exports: Record<string, unknown>;
    };
    expect(manifest.files).toContain('json-schema');
    for (const file of fresh.keys()) {
      expect(manifest.exports[`./json-schema/${file}`]).toBe(`./json-schema/${file}`);
    }
    expect(Object.keys(manifest.exports).filter((key) => key.includes('*'))).toEqual([]);
  });

  it('each schema resolves through the package exports by its subpath', () => {
    const require = createRequire(join(packageDir, 'package.json'));
    for (const file of fresh.keys()) {
      expect(require.resolve(`@engine-kit/contracts/json-schema/${file}`)).toBe(join(jsonSchemaDir, file));
    }
  });
});

describe('refinements carried into JSON Schema', () => {
  const ajv = createSchemaAjv(readAllSchemas());
  const heartbeat = ajv.getSchema(`${CONTRACT_JSON_SCHEMA_BASE_URL}heartbeat.schema.json`)!;
  const result = ajv.getSchema(`${CONTRACT_JSON_SCHEMA_BASE_URL}result.schema.json`)!;
  const payload = ajv.getSchema(`${CONTRACT_JSON_SCHEMA_BASE_URL}task-payload.schema.json`)!;

  it('a failed heartbeat without failureReason is rejected through if/then', () => {
    expect(heartbeat({ status: 'failed' })).toBe(false);
    expect(heartbeat({ status: 'failed', failureReason: 'other' })).toBe(true);
    expect(heartbeat({ status: 'running' })).toBe(true);
  });

  it('chunk metadata of a result must be text through patternProperties', () => {
    expect(result({ output: {}, 'chunk-metadata-a': 'x' })).toBe(true);
    expect(result({ output: {}, 'chunk-metadata-a': 1 })).toBe(false);
  });

  it('a processing payload must not carry a library mode without its library fields', () => {
    expect(payload({ language: 'en' })).toBe(true);
    expect(payload({ mode: 'something-else' })).toBe(true);
    expect(payload({ mode: 'library-train', libraryId: 'l' })).toBe(false);
  });
});
