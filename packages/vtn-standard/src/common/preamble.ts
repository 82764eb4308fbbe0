import * as z from 'zod';
import { EmotionsSchema, GpsCoordinatesSchema, SentimentSchema } from './annotations.ts';
import { DECLARABLE_CONTRACTS, isDeclarableContract } from './contract-names.ts';
import { NO_TRAILING_NEWLINE, UUID_PATTERN } from './patterns.ts';
import {
  CollateIndexSchema,
  DateTimeSchema,
  GuidSchema,
  LanguageSchema,
  TagsSchema,
  VendorSchema,
} from './primitives.ts';

/** One `validationContracts` entry: a known contract name or the UUID of a structured-data schema. */
export const ValidationContractNameSchema = z
  .string()
  .refine(isDeclarableContract, {
    params: { code: 'unknown_contract' },
    error: (issue) => `Unknown validation contract ${JSON.stringify(issue.input)}`,
  })
  .meta({
    anyOf: [{ enum: [...DECLARABLE_CONTRACTS] }, { pattern: UUID_PATTERN.source, ...NO_TRAILING_NEWLINE }],
  });

/** Every entry is checked, not only the first (KNOWN_DIFFERENCES `validation-contracts-every-entry`). */
export const ValidationContractsSchema = z.array(ValidationContractNameSchema).min(1);

/** Document metadata: creator, creation time, schemas. */
export const preambleShape = {
  schemaId: z.string().optional(),
  sourceEngineId: GuidSchema.optional(),
  sourceEngineName: z.string().optional(),
  taskPayload: z.record(z.string(), z.unknown()).optional(),
  taskId: GuidSchema.optional(),
  generatedDateUTC: DateTimeSchema.optional(),
  externalSourceId: z.string().optional(),
  language: LanguageSchema.optional(),
  validationContracts: ValidationContractsSchema.optional(),
};

/** Summary data about the file as a whole. */
export const fileDataShape = {
  tags: TagsSchema.optional(),
  collateIndex: CollateIndexSchema.optional(),
  language: LanguageSchema.optional(),
  summary: z.string().optional(),
  sentiment: SentimentSchema.optional(),
  gps: GpsCoordinatesSchema.optional(),
  emotions: EmotionsSchema.optional(),
  vendor: VendorSchema.optional(),
};

/** `validationContracts` as a contract requires it: present and naming that contract. */
export function declaresContract(name: string) {
  return ValidationContractsSchema.refine((names) => names.includes(name), {
    params: { code: 'contract_not_declared' },
    message: `validationContracts must include "${name}"`,
  }).meta({ contains: { const: name } });
}

/** Requires at least one of the given top-level properties, like the reference's `anyOf` of `required`. */
export function requireOneOf(keys: readonly string[]) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    if (keys.some((key) => value[key] !== undefined)) return;
    ctx.addIssue({
      code: 'custom',
      params: { code: 'missing_result' },
      message: `The document needs ${keys.map((key) => `"${key}"`).join(' or ')}`,
    });
  };
}

/** JSON Schema for requireOneOf, written into the generated schema. */
export function requireOneOfJsonSchema(keys: readonly string[]) {
  return { anyOf: keys.map((key) => ({ required: [key] })) };
}
