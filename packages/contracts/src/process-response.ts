import { z } from 'zod';
import { type ContractIssue, fromZodIssues, isRecord } from './common/issues.ts';
import { asVtnDocument, type VtnDocument, VtnOutputSchema, validateVtn } from './common/vtn.ts';
import type { FailureReason } from './failure-reason.ts';

/** The JSON an engine answers `/process` with when it will deliver results later through the webhooks. */
export const AsyncAcknowledgementSchema = z
  .looseObject({
    estimatedProcessingTimeInSeconds: z
      .int()
      .nonnegative()
      .meta({ description: 'Seconds the engine expects to need; maxTTL or more is suggested.' }),
  })
  .meta({
    title: 'AsyncAcknowledgement',
    description: 'Asynchronous acknowledgement of a /process request.',
  });
export type AsyncAcknowledgement = z.infer<typeof AsyncAcknowledgementSchema>;

const ACKNOWLEDGEMENT_KEY = 'estimatedProcessingTimeInSeconds';

// A body carrying the acknowledgement key is an acknowledgement, even when the rest would pass as VTN: the
// VTN branch excludes it so that a bad estimate is an error, not a VTN result.
const SynchronousVtnBodySchema = asVtnDocument(
  VtnOutputSchema.refine((body) => !Object.hasOwn(body, ACKNOWLEDGEMENT_KEY), {
    message: `a body with ${ACKNOWLEDGEMENT_KEY} is an asynchronous acknowledgement`,
    params: { code: 'invalid_acknowledgement' },
  }).meta({ not: { required: [ACKNOWLEDGEMENT_KEY] } }),
);

/** A JSON body of a successful `/process` response: a VTN-standard result or an asynchronous acknowledgement. */
export const ProcessResponseBodySchema = z
  .union([AsyncAcknowledgementSchema, SynchronousVtnBodySchema])
  .meta({
    title: 'ProcessResponseBody',
    description:
      'JSON body of a 200 response to /process: a VTN-standard document or an asynchronous acknowledgement.',
  });
export type ProcessResponseBody = z.infer<typeof ProcessResponseBodySchema>;

export type ProcessResponseOutcome =
  /** A synchronous result in VTN standard. */
  | { kind: 'vtn'; status: number; output: VtnDocument }
  /** A synchronous result in another format (e.g. TTML), with its MIME type. */
  | { kind: 'non-vtn'; status: number; mimeType: string; body: string | Uint8Array }
  /** The engine chose not to process the chunk (204, or 200 with an empty body). */
  | { kind: 'ignored'; status: number }
  /** The engine accepted the chunk and will send heartbeats and results. */
  | { kind: 'async'; status: number; estimatedProcessingTimeInSeconds: number }
  /** The engine failed the chunk, or answered something the toolkit cannot use. */
  | {
      kind: 'failure';
      status: number;
      message: string;
      failureReason: FailureReason;
      issues: ContractIssue[];
    };

const NO_CONTENT = 204;

/**
 * Decides what an engine's answer to `/process` means, the way the toolkit does. Pure and total: any status,
 * content type and body give an outcome, never an exception.
 */
export function classifyProcessResponse(
  status: number,
  contentType: string | null,
  body: string | Uint8Array,
): ProcessResponseOutcome {
  const text = typeof body === 'string' ? body : decodeText(body);
  if (!isSuccessStatus(status)) {
    const message = text.trim() || `the engine answered HTTP ${status} without a message`;
    return { kind: 'failure', status, message, failureReason: 'internal_error', issues: [] };
  }
  if (status === NO_CONTENT || text.trim() === '') return { kind: 'ignored', status };
  const mimeType = mimeTypeOf(contentType);
  if (isJsonMimeType(mimeType) || (mimeType === undefined && text.trimStart().startsWith('{'))) {
    return classifyJsonBody(status, text);
  }
  return { kind: 'non-vtn', status, mimeType: mimeType ?? 'application/octet-stream', body };
}

function classifyJsonBody(status: number, text: string): ProcessResponseOutcome {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return invalidData(status, `the response is not valid JSON: ${detail}`, []);
  }
  if (!isRecord(json)) return invalidData(status, 'the response JSON must be an object', []);
  if (Object.hasOwn(json, ACKNOWLEDGEMENT_KEY)) {
    const acknowledgement = AsyncAcknowledgementSchema.safeParse(json);
    if (!acknowledgement.success) {
      const issues = fromZodIssues(acknowledgement.error.issues);
      return invalidData(status, 'estimatedProcessingTimeInSeconds must be a non-negative integer', issues);
    }
    const { estimatedProcessingTimeInSeconds } = acknowledgement.data;
    return { kind: 'async', status, estimatedProcessingTimeInSeconds };
  }
  const vtn = validateVtn(json);
  if (!vtn.success)
    return invalidData(status, 'the response is not a valid VTN-standard document', vtn.issues);
  return { kind: 'vtn', status, output: vtn.data };
}

function invalidData(status: number, message: string, issues: ContractIssue[]): ProcessResponseOutcome {
  return { kind: 'failure', status, message, failureReason: 'invalid_data', issues };
}

function isSuccessStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 200 && status <= 299;
}

/** `type/subtype` in lower case without parameters, or undefined when there is no usable content type. */
export function mimeTypeOf(contentType: string | null | undefined): string | undefined {
  if (typeof contentType !== 'string') return undefined;
  const mimeType = contentType.split(';')[0]?.trim().toLowerCase();
  return mimeType?.includes('/') ? mimeType : undefined;
}

function isJsonMimeType(mimeType: string | undefined): boolean {
  return mimeType === 'application/json' || mimeType === 'text/json' || mimeType?.endsWith('+json') === true;
}

function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  } catch {
    return '';
  }
}
