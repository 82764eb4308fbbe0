import { z } from 'zod';
import {
  ContractError,
  fromZodIssues,
  issue,
  isRecord,
  type ParseResult,
  safeParseWith,
} from './common/issues.ts';
import { FailureReasonSchema } from './failure-reason.ts';

export const HEARTBEAT_STATUSES = ['running', 'complete', 'failed'] as const;
export const HeartbeatStatusSchema = z.enum(HEARTBEAT_STATUSES);
export type HeartbeatStatus = z.infer<typeof HeartbeatStatusSchema>;

const counter = (description: string) => z.int().nonnegative().meta({ description }).optional();

/**
 * The JSON an engine POSTs to `heartbeatWebhook` (about once a second while it works). `failureReason` is
 * required when `status` is `failed`; zod checks that with a refinement, the JSON Schema with `if`/`then`.
 * Unknown keys are kept. `infoMs` is declared so both validators check it is text; `parseHeartbeat` turns it
 * into `infoMsg`.
 */
export const HeartbeatSchema = z
  .looseObject({
    status: HeartbeatStatusSchema,
    bytesRead: counter('Bytes of input read so far.'),
    bytesWritten: counter('Bytes of output written so far.'),
    messagesWritten: counter('Messages (results) written so far.'),
    infoMsg: z.string().meta({ description: 'Informational message about the running engine.' }).optional(),
    infoMs: z
      .string()
      .meta({
        description: 'The docs spelling of infoMsg; accepted when parsing, never sent.',
        deprecated: true,
      })
      .optional(),
    failureReason: FailureReasonSchema.optional(),
    failureMsg: z.string().meta({ description: 'Supplemental information for failureReason.' }).optional(),
  })
  .superRefine((heartbeat, context) => {
    if (heartbeat.status === 'failed' && heartbeat.failureReason === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['failureReason'],
        message: 'failureReason is required when status is failed',
        params: { code: 'failure_reason_required' },
      });
    }
  })
  .meta({
    title: 'Heartbeat',
    description: 'Progress report POSTed by an asynchronous engine to heartbeatWebhook.',
    if: { properties: { status: { const: 'failed' } }, required: ['status'] },
    // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword paired with `if`.
    then: { required: ['failureReason'] },
  });
export type Heartbeat = z.infer<typeof HeartbeatSchema>;

export type HeartbeatInput =
  | {
      status: 'running' | 'complete';
      bytesRead?: number;
      bytesWritten?: number;
      messagesWritten?: number;
      infoMsg?: string;
      failureReason?: Heartbeat['failureReason'];
      failureMsg?: string;
    }
  | {
      status: 'failed';
      failureReason: NonNullable<Heartbeat['failureReason']>;
      failureMsg?: string;
      bytesRead?: number;
      bytesWritten?: number;
      messagesWritten?: number;
      infoMsg?: string;
    };

/**
 * Parses a heartbeat. The toolkit docs spell the message field `infoMs`, every published engine sends
 * `infoMsg`: both are accepted (`infoMsg` wins when both are sent) and the result carries `infoMsg` only.
 * Never throws.
 */
export function parseHeartbeat(json: unknown): ParseResult<Heartbeat> {
  if (!isRecord(json)) {
    return { success: false, issues: [issue('', 'invalid_type', 'a heartbeat must be a JSON object')] };
  }
  const result = safeParseWith(HeartbeatSchema, json);
  return result.success ? { success: true, data: withInfoMsg(result.data) } : result;
}

function withInfoMsg(heartbeat: Heartbeat): Heartbeat {
  if (!Object.hasOwn(heartbeat, 'infoMs')) return heartbeat;
  const { infoMs, ...rest } = heartbeat;
  return rest.infoMsg === undefined ? { ...rest, infoMsg: infoMs } : rest;
}

/** Builds the heartbeat JSON an engine sends (with `infoMsg`); throws a `ContractError` on invalid input. */
export function buildHeartbeat(input: HeartbeatInput): Heartbeat {
  const result = HeartbeatSchema.safeParse(dropUndefined(input));
  if (!result.success) throw new ContractError('invalid heartbeat', fromZodIssues(result.error.issues));
  return result.data;
}

function dropUndefined<T extends object>(input: T): T {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as T;
}
