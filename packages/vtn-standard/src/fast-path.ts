import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type * as z from 'zod';
import { contractJsonSchema } from './common/json-schema-build.ts';

/**
 * The verdict hot path. zod is the source of truth, but building zod's issues for an invalid
 * document costs ~100x more than Ajv's generated code deciding validity, so each contract's JSON
 * Schema (generated from its zod schema) is compiled once with Ajv 8 and decides the verdict; zod
 * runs only when someone reads the issues. test/fuzz.test.ts keeps the two verdicts equal.
 */
// `discriminator` lets v2's object-result `oneOf` pick its branch by `type` (src/v2/object-result.ts).
const ajv = new Ajv2020({ strict: false, allErrors: false, discriminator: true });
const compiled = new Map<string, ValidateFunction>();

export function verdictFunction(name: string, schema: z.ZodType): ValidateFunction {
  let check = compiled.get(name);
  if (check === undefined) {
    check = ajv.compile(contractJsonSchema(`fast-path/${name}`, schema, name).schema);
    compiled.set(name, check);
  }
  return check;
}

export type { ErrorObject };
