import { z } from 'zod';
import { CHUNK_METADATA_PREFIX, chunkMetadataFields, isChunkMetadataKey } from './common/chunk-metadata.ts';
import {
  ContractError,
  fromZodIssues,
  issue,
  isRecord,
  type ParseResult,
  safeParseWith,
  setOwn,
} from './common/issues.ts';
import { IntegerTextSchema } from './common/integer-text.ts';
import { type VtnDocument, VtnOutputSchema } from './common/vtn.ts';

// zod has no pattern properties; chunk metadata values are checked by a refinement and described to
// JSON Schema through `patternProperties` metadata, so both sides reject a non-string value.
// "The prefix and at least one more character" (isChunkMetadataKey), written so that ECMA-262, Python
// `re` and RE2 agree: no `.` (which skips newlines) and no `$` (which Python lets match before one).
const CHUNK_METADATA_PATTERN = `^${CHUNK_METADATA_PREFIX}[\\s\\S]`;

function checkChunkMetadataValues(message: Record<string, unknown>, context: z.RefinementCtx): void {
  for (const [key, value] of Object.entries(message)) {
    if (isChunkMetadataKey(key) && typeof value !== 'string') {
      context.addIssue({
        code: 'custom',
        path: [key],
        message: 'chunk metadata values must be strings',
        params: { code: 'invalid_chunk_metadata' },
      });
    }
  }
}

const offset = (description: string) => z.int().nonnegative().meta({ description }).optional();

const resultFields = {
  chunkContext: z
    .string()
    .meta({ description: 'The chunkContext of the /process request; present for chunk engines.' })
    .optional(),
  startOffsetMs: offset('Start of the chunk this result covers, from the beginning of the input, in ms.'),
  endOffsetMs: offset('End of the chunk this result covers, from the beginning of the input, in ms.'),
  outputFolderID: z
    .string()
    .meta({ description: 'Output folder that gets the chunk; all output folders when absent.' })
    .optional(),
};

/**
 * The JSON an engine POSTs to `resultWebhook`. Offsets are spelled `startOffsetMs`/`endOffsetMs` here (the
 * `/process` fields say `MS`): each wire name is kept as documented. Unknown keys (the seed's example sends
 * `index`) and `chunk-metadata-*` string fields are kept.
 */
export const ResultSchema = z
  .looseObject({
    ...resultFields,
    output: VtnOutputSchema,
    multipart: z
      .literal(false)
      .meta({ description: 'Must be false (or absent) for a JSON result; see MultipartResultFields.' })
      .optional(),
  })
  .superRefine(checkChunkMetadataValues)
  .meta({
    title: 'Result',
    description: 'A VTN-standard result POSTed by an engine to resultWebhook.',
    patternProperties: { [CHUNK_METADATA_PATTERN]: { type: 'string' } },
  });
export type Result = z.infer<typeof ResultSchema>;

/**
 * Text fields of a multipart result (binary or non-VTN output): `multipart` is `true` and every file part
 * becomes one output chunk. Multipart text fields are strings, so offsets are decimal text.
 */
export const MultipartResultFieldsSchema = z
  .object({
    multipart: z.literal('true').meta({ description: 'Marks the request as a multipart result.' }),
    chunkContext: resultFields.chunkContext,
    startOffsetMs: IntegerTextSchema.optional(),
    endOffsetMs: IntegerTextSchema.optional(),
    outputFolderID: resultFields.outputFolderID,
  })
  .catchall(z.string())
  .meta({
    title: 'MultipartResultFields',
    description: 'Text fields of a multipart result POSTed to resultWebhook; files are separate parts.',
  });
export type MultipartResultFields = z.infer<typeof MultipartResultFieldsSchema>;

export interface ResultInput {
  output: VtnDocument;
  chunkContext?: string;
  startOffsetMs?: number;
  endOffsetMs?: number;
  outputFolderID?: string;
  /** Keys without the `chunk-metadata-` prefix. */
  chunkMetadata?: Record<string, string>;
}

/** Parses a JSON result; `output` is checked with `@engine-kit/vtn-standard`. Never throws. */
export function parseResult(json: unknown): ParseResult<Result> {
  if (!isRecord(json)) {
    return { success: false, issues: [issue('', 'invalid_type', 'a result must be a JSON object')] };
  }
  return safeParseWith(ResultSchema, json);
}

/** Builds the JSON result an engine sends; throws a `ContractError` when the output or an offset is invalid. */
export function buildResult(input: ResultInput): Result {
  const { chunkMetadata, ...rest } = input;
  const message = dropUndefined({ ...rest, ...chunkMetadataFields(chunkMetadata ?? {}) });
  const result = ResultSchema.safeParse(message);
  if (!result.success) throw new ContractError('invalid result', fromZodIssues(result.error.issues));
  return result.data;
}

export type MultipartResultInput = Omit<ResultInput, 'output'>;

/** Builds the text fields of a multipart result; the caller appends the output files as file parts. */
export function buildMultipartResultFields(input: MultipartResultInput): MultipartResultFields {
  const fields: Record<string, string> = { multipart: 'true' };
  if (input.chunkContext !== undefined) fields.chunkContext = input.chunkContext;
  if (input.startOffsetMs !== undefined) fields.startOffsetMs = String(input.startOffsetMs);
  if (input.endOffsetMs !== undefined) fields.endOffsetMs = String(input.endOffsetMs);
  if (input.outputFolderID !== undefined) fields.outputFolderID = input.outputFolderID;
  for (const [key, value] of Object.entries(chunkMetadataFields(input.chunkMetadata ?? {})))
    setOwn(fields, key, value);
  const result = MultipartResultFieldsSchema.safeParse(fields);
  if (!result.success)
    throw new ContractError('invalid multipart result', fromZodIssues(result.error.issues));
  return result.data;
}

/** Parses the text fields of a multipart result (a record or `FormData`; file parts are skipped). Never throws. */
export function parseMultipartResultFields(
  fields: Record<string, string> | FormData,
): ParseResult<MultipartResultFields> {
  if (typeof FormData !== 'undefined' && fields instanceof FormData) {
    const text: Record<string, string> = {};
    for (const [key, value] of fields.entries()) if (typeof value === 'string') setOwn(text, key, value);
    return safeParseWith(MultipartResultFieldsSchema, text);
  }
  if (!isRecord(fields)) {
    return {
      success: false,
      issues: [issue('', 'invalid_type', 'multipart result fields must be a record of strings')],
    };
  }
  return safeParseWith(MultipartResultFieldsSchema, fields);
}

function dropUndefined(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}
