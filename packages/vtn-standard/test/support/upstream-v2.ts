import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Upstream's VTN v2 schemas (vendored in test/fixtures/upstream-v2, see its SOURCE.md), compiled once
 * with Ajv 8 in draft-07 mode with `allErrors: true` and ajv-formats for `format: date-time`,
 * as a JavaScript user of the published schema would run it. Tests and the benchmark share it.
 */

export const UPSTREAM_V2_ROOT = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'upstream-v2',
);

function readJson(relative: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(UPSTREAM_V2_ROOT, relative), 'utf8'));
}

export function compileUpstreamV2(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  (addFormats as unknown as (ajv: Ajv) => void)(ajv);
  ajv.addSchema(readJson('master.json'));
  ajv.addSchema(readJson('contracts.json'));
  return ajv.compile(readJson('aion/schema.json'));
}

export interface UpstreamV2Example {
  name: string;
  expected: 'valid' | 'invalid';
  file: string;
  document: unknown;
}

/** The 119 valid and 107 invalid upstream examples. */
export function loadUpstreamV2Examples(): UpstreamV2Example[] {
  const examples: UpstreamV2Example[] = [];
  for (const [folder, expected] of [
    ['examples', 'valid'],
    ['invalid-examples', 'invalid'],
  ] as const) {
    const dir = join(UPSTREAM_V2_ROOT, 'aion', folder);
    for (const name of readdirSync(dir).sort()) {
      const file = join(dir, name);
      examples.push({ name, expected, file, document: JSON.parse(readFileSync(file, 'utf8')) });
    }
  }
  return examples;
}

export type { ErrorObject };
