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

/** A payload without `mode`: an ordinary processing task. Its keys are engine-specific and kept as they are. */
export const ProcessingPayloadSchema = z.looseObject({
  mode: z.undefined().optional(),
});
export type ProcessingPayload = z.infer<typeof ProcessingPayloadSchema>;

/**
 * The task payload (the `payload` field of `/process`), discriminated on `mode`. Every key beyond the ones
 * named here is kept: payloads carry engine-specific options.
 */
export const TaskPayloadSchema = z
  .discriminatedUnion('mode', [LibraryTrainPayloadSchema, LibraryRunPayloadSchema, ProcessingPayloadSchema])
  .meta({
    title: 'TaskPayload',
    description: 'The JSON task payload given to /process in the payload field.',
  });
export type TaskPayload = z.infer<typeof TaskPayloadSchema>;

export function parseTaskPayload(value: unknown): ParseResult<TaskPayload> {
  if (!isRecord(value)) {
    return { success: false, issues: [issue('', 'invalid_type', 'the task payload must be a JSON object')] };
  }
  return safeParseWith(TaskPayloadSchema, value);
}

/** Parses the `payload` text field of `/process`; an absent or blank field is an empty payload. */
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
  return parseTaskPayload(value);
}

export function isLibraryTaskPayload(
  payload: TaskPayload,
): payload is LibraryTrainPayload | LibraryRunPayload {
  return payload.mode === 'library-train' || payload.mode === 'library-run';
}
