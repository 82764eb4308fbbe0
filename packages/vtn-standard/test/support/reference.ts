import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The reference package `veritone-json-schemas@1.2.0`, read from its installed location (never
 * from copies), in two forms: its published `VALIDATORS`, and its schemas compiled once with the
 * Ajv 6 it depends on. Tests and the benchmark share this module.
 */

const require = createRequire(import.meta.url);
const referencePackageJson = require.resolve('veritone-json-schemas/package.json');
const referenceRequire = createRequire(referencePackageJson);

export const REFERENCE_SCHEMA_ROOT = join(dirname(referencePackageJson), 'schemas', 'vtn-standard');

export type ReferenceVerdict = 'valid' | 'invalid' | 'crash';
type ReferenceValidator = (document: unknown) => { valid?: true; errors?: unknown[] };

export const publishedValidators = referenceRequire('./dist/bundle-cjs.js').VALIDATORS as Record<
  string,
  ReferenceValidator
>;

export const REFERENCE_CONTRACT_NAMES = Object.keys(publishedValidators).sort();

export interface ReferenceExample {
  contract: string;
  expected: 'valid' | 'invalid';
  file: string;
  document: unknown;
}

/** Every document in the reference's `<contract>/examples` and `<contract>/invalid-examples` folders. */
export function loadReferenceExamples(): ReferenceExample[] {
  const examples: ReferenceExample[] = [];
  for (const contract of readdirSync(REFERENCE_SCHEMA_ROOT).sort()) {
    for (const [folder, expected] of [
      ['examples', 'valid'],
      ['invalid-examples', 'invalid'],
    ] as const) {
      const dir = join(REFERENCE_SCHEMA_ROOT, contract, folder);
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir).sort()) {
        const file = join(dir, name);
        examples.push({ contract, expected, file, document: JSON.parse(readFileSync(file, 'utf8')) });
      }
    }
  }
  return examples;
}

function readSchema(relative: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(REFERENCE_SCHEMA_ROOT, relative), 'utf8'));
}

/** The reference's `requireBestPath` keyword, re-stated: exactly one word with bestPath true. */
function requireBestPath(this: unknown, _schema: unknown, data: { bestPath?: unknown }[]): boolean {
  const valid = data.filter((word) => word.bestPath === true).length === 1;
  (requireBestPath as { errors?: unknown[] }).errors = valid
    ? []
    : [{ keyword: 'requireBestPath', message: 'there should be one and only one bestPath', params: {} }];
  return valid;
}

type Ajv6Validate = ((document: unknown) => boolean) & { errors?: unknown[] | null };

/**
 * The reference schemas compiled once with the reference's own Ajv 6 and the same options and
 * keywords as the published validators (requireBestPath only for transcript, as published).
 */
export function compileReference(): Record<string, Ajv6Validate> {
  const Ajv = referenceRequire('ajv') as new (
    options: object,
  ) => {
    addKeyword(name: string, definition: object): void;
    compile(schema: object): Ajv6Validate;
  };
  const master = readSchema('master.json');
  const compiled: Record<string, Ajv6Validate> = {};
  for (const contract of REFERENCE_CONTRACT_NAMES) {
    const schema = readSchema(join(contract, `${contract}.json`));
    const ajv = new Ajv({ allErrors: true, schemas: [master, schema] });
    if (contract === 'transcript')
      ajv.addKeyword('requireBestPath', { validate: requireBestPath, errors: true });
    compiled[contract] = ajv.compile(schema);
  }
  return compiled;
}

/** A verdict from a reference validator; a thrown error (the reference's TypeError) is `crash`. */
export function referenceVerdict(run: () => boolean): ReferenceVerdict {
  try {
    return run() ? 'valid' : 'invalid';
  } catch {
    return 'crash';
  }
}

/** The published validator's verdict for one contract. */
export function publishedVerdict(contract: string, document: unknown): ReferenceVerdict {
  return referenceVerdict(() => publishedValidators[contract]!(document).valid === true);
}
