import { z } from 'zod';
import { issue, isRecord, type ParseResult, safeParseWith } from './common/issues.ts';

export const TASK_MODES = ['library-train', 'library-run'] as const;
export type TaskMode = (typeof TASK_MODES)[number];

const libraryReference = {
  libraryId: z.string().min(1).meta({ description: 'ID of the library to train or to match against.' }),
  libraryEngineModelId: z.string().min(1).meta({ description: 'ID of the library engine model.' }),
};

export const LibraryTrainPayloadSchema = z.looseObject({
  mode: z.literal('library-train'),
  ...libraryReference,
});
export type LibraryTrainPayload = z.infer<typeof LibraryTrainPayloadSchema>;

export const LibraryRunPayloadSchema = z.looseObject({
  mode: z.literal('library-run'),
  ...libraryReference,
});
export type LibraryRunPayload = z.infer<typeof LibraryRunPayloadSchema>;

const isLibraryMode = (mode: unknown): boolean => (TASK_MODES as readonly unknown[]).includes(mode);

/**
 * A payload of ordinary processing: no `mode`, or any `mode` other than `library-train`/`library-run`
 * (the seed gives meaning to those two only; the old test console sends `{"mode":"mode"}`). Its keys
 * are engine-specific and kept as they are.
 */
export const ProcessingPayloadSchema = z.looseObject({
  mode: (
    z
      .unknown()
      .refine((mode) => !isLibraryMode(mode), { error: 'a library mode needs its library fields' })
      // What the refinement says, in the generated JSON Schema.
      .meta({ not: { enum: [...TASK_MODES] } }) as unknown as z.ZodType<undefined>
  )
    // Typed as absent, though any non-library value is accepted and kept: TypeScript cannot type "a string
    // other than these two", and a wider type would stop `payload.mode === 'library-run'` from narrowing.
    // Read a non-library mode as `(payload as Record<string, unknown>).mode`.
    .optional(),
});
export type ProcessingPayload = z.infer<typeof ProcessingPayloadSchema>;

/**
 * The task payload (the `payload` field of `/process`): a library payload when `mode` is one of
 * `TASK_MODES`, else a processing payload. Every key beyond the ones named here is kept: payloads carry
 * engine-specific options.
 */
export const TaskPayloadSchema = z
  .union([LibraryTrainPayloadSchema, LibraryRunPayloadSchema, ProcessingPayloadSchema])
  .meta({
    title: 'TaskPayload',
    description: 'The JSON task payload given to /process in the payload field.',
  });
export type TaskPayload = z.infer<typeof TaskPayloadSchema>;

/** Parses a task payload; a library `mode` is checked against its own schema, so issues name the missing field. */
export function parseTaskPayload(value: unknown): ParseResult<TaskPayload> {
  if (!isRecord(value)) {
    return { success: false, issues: [issue('', 'invalid_type', 'the task payload must be a JSON object')] };
  }
  if (value.mode === 'library-train') return safeParseWith(LibraryTrainPayloadSchema, value);
  if (value.mode === 'library-run') return safeParseWith(LibraryRunPayloadSchema, value);
  return safeParseWith(ProcessingPayloadSchema, value);
}

/**
 * Parses the `payload` text field of `/process`. An absent or blank field, and JSON `null` (what the Go
 * toolkit writes for a task without a payload), are an empty payload.
 */
export function parseTaskPayloadText(text: string | undefined): ParseResult<TaskPayload> {
  if (text === undefined || text.trim() === '') return { success: true, data: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      success: false,
      issues: [issue('', 'invalid_json', `the payload is not valid JSON: ${detail}`)],
    };
  }
  if (value === null) return { success: true, data: {} };
  return parseTaskPayload(value);
}

export function isLibraryTaskPayload(
  payload: TaskPayload,
): payload is LibraryTrainPayload | LibraryRunPayload {
  return payload.mode === 'library-train' || payload.mode === 'library-run';
}
