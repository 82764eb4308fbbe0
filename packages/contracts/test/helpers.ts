import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const fixturesDir = join(packageDir, 'fixtures');
export const jsonSchemaDir = join(packageDir, 'json-schema');

export interface Fixture {
  message: string;
  name: string;
  json: unknown;
}

export function fixtureFolders(kind: 'valid' | 'invalid'): string[] {
  return readdirSync(join(fixturesDir, kind)).sort();
}

export function readFixtures(kind: 'valid' | 'invalid'): Fixture[] {
  return fixtureFolders(kind).flatMap((message) =>
    readdirSync(join(fixturesDir, kind, message))
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => ({
        message,
        name: file.replace(/\.json$/, ''),
        json: JSON.parse(readFileSync(join(fixturesDir, kind, message, file), 'utf8')) as unknown,
      })),
  );
}

/** The VTN-standard schemas the contracts refer to, as `@engine-kit/vtn-standard` ships them. */
export const vtnJsonSchemaDir = join(
  packageDir,
  'node_modules',
  '@engine-kit',
  'vtn-standard',
  'json-schema',
);

function readSchemaFolder(folder: string): object[] {
  return readdirSync(folder)
    .filter((file) => file.endsWith('.schema.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(folder, file), 'utf8')) as object);
}

export function readCommittedSchemas(): object[] {
  return readSchemaFolder(jsonSchemaDir);
}

/** The contracts' schemas plus the VTN-standard schemas their `$ref`s point to. */
export function readAllSchemas(): object[] {
  return [...readSchemaFolder(jsonSchemaDir), ...readSchemaFolder(vtnJsonSchemaDir)];
}
