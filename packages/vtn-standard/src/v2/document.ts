import * as z from 'zod';
import { MediasSchema } from '../common/annotations.ts';
import { NO_TRAILING_NEWLINE, UUID_PATTERN } from '../common/patterns.ts';
import { fileDataShape, preambleShape } from '../common/preamble.ts';
import { GuidSchema, TagsSchema } from '../common/primitives.ts';
import { CAPABILITY_CONTRACTS_V2 } from './names.ts';
import { CommentSchema, ObjectResultV2Schema, VectorSchema } from './object-result.ts';
import { SeriesItemV2Schema } from './series.ts';

/** One v2 `validationContracts` entry: a capability name or a structured-data schema UUID. */
export const ValidationContractNameV2Schema = z
  .string()
  .refine(
    (name) => (CAPABILITY_CONTRACTS_V2 as readonly string[]).includes(name) || UUID_PATTERN.test(name),
    {
      params: { code: 'unknown_contract' },
      error: (issue) => `Unknown validation contract ${JSON.stringify(issue.input)}`,
    },
  )
  .meta({
    anyOf: [{ enum: [...CAPABILITY_CONTRACTS_V2] }, { pattern: UUID_PATTERN.source, ...NO_TRAILING_NEWLINE }],
  });

export const ValidationContractsV2Schema = z.array(ValidationContractNameV2Schema).min(1);

/** Resources used to produce the document: string values only (`processedBytes`, ...). */
export const ProcessedStatsSchema = z.record(z.string(), z.string()).meta({ id: 'ProcessedStats' });

/** An embedding: vectors representing the media in vector space. */
export const EmbeddingSchema = z
  .array(
    z.strictObject({
      referenceId: z.string().optional(),
      vector: VectorSchema.optional(),
      tags: TagsSchema.optional(),
    }),
  )
  .meta({ id: 'Embedding' });

/** Root keys starting with `$` are document metadata, ignored by processors, and must be strings. */
function checkMetadataKeys(document: Record<string, unknown>, ctx: z.RefinementCtx): void {
  for (const [key, value] of Object.entries(document)) {
    if (key.startsWith('$') && typeof value !== 'string') {
      ctx.addIssue({
        code: 'custom',
        params: { code: 'invalid_metadata_key' },
        path: [key],
        message: `Root key "${key}" starts with "$", so its value must be a string`,
      });
    }
  }
}

/**
 * AION 2.0: any VTN v2 document, whatever it holds. These are the master rules every v2
 * document meets (`master.json` plus every object contract, applied by each object's `type`);
 * the capability contracts a document declares are checked on top of them
 * (`CAPABILITY_RULES_V2`). Unknown top-level properties are kept, as in v1.
 */
export const VtnV2DocumentSchema = z
  .looseObject({
    $schema: z.string().optional(),
    $id: z.string().optional(),
    $comment: CommentSchema.optional(),
    ...preambleShape,
    validationContracts: ValidationContractsV2Schema.optional(),
    internalTaskId: GuidSchema.optional(),
    processedStats: ProcessedStatsSchema.optional(),
    ...fileDataShape,
    object: z.array(ObjectResultV2Schema).optional(),
    series: z.array(SeriesItemV2Schema).optional(),
    media: MediasSchema.optional(),
    embedding: EmbeddingSchema.optional(),
  })
  .superRefine(checkMetadataKeys)
  .meta({ patternProperties: { '^\\$': { type: 'string' } } });
export type VtnV2Document = z.infer<typeof VtnV2DocumentSchema>;
