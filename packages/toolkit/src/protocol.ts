import {
  chunkMetadataOf,
  classifyProcessResponse as classifyWithContracts,
  type Heartbeat,
  parseHeartbeat,
  parseResult,
} from '@engine-kit/contracts';
import { validate } from '@engine-kit/vtn-standard';

/**
 * The toolkit's reading of what engines send back, built on `@engine-kit/contracts` (wire rules) and
 * `@engine-kit/vtn-standard` (output validation). One module, so the rest of the toolkit only sees the
 * few shapes it acts on.
 */
export interface WireIssue {
  path: string;
  message: string;
  code: string;
  contract?: string;
}

export type ProcessOutcome =
  | { kind: 'vtn'; output: unknown }
  | { kind: 'non-vtn'; contentType: string; body: string }
  /** A 2xx answer whose JSON is not usable: recorded as an invalid output, never retried. */
  | { kind: 'invalid'; output?: unknown; body: string; issues: WireIssue[] }
  | { kind: 'ignored' }
  | { kind: 'async'; estimatedProcessingTimeInSeconds: number }
  | { kind: 'failure'; status: number; message: string };

/** The notes' `/process` rule (contracts' `classifyProcessResponse`), with invalid 2xx JSON kept apart from errors. */
export function classifyProcessResponse(
  status: number,
  contentType: string | null,
  body: string,
): ProcessOutcome {
  const outcome = classifyWithContracts(status, contentType, body);
  switch (outcome.kind) {
    case 'vtn':
      return { kind: 'vtn', output: outcome.output };
    case 'non-vtn':
      return { kind: 'non-vtn', contentType: outcome.mimeType, body: bodyText(outcome.body) };
    case 'ignored':
      return { kind: 'ignored' };
    case 'async':
      return { kind: 'async', estimatedProcessingTimeInSeconds: outcome.estimatedProcessingTimeInSeconds };
    default: {
      if (status < 200 || status > 299) return { kind: 'failure', status, message: outcome.message };
      const output = tryParseJson(body);
      const issues = output === undefined ? [] : validateVtnOutput(output);
      return {
        kind: 'invalid',
        ...(output === undefined ? {} : { output }),
        body,
        issues: issues.length > 0 ? issues : withRootIssue(outcome.issues, outcome.message),
      };
    }
  }
}

function withRootIssue(issues: WireIssue[], message: string): WireIssue[] {
  return issues.length > 0 ? issues : [{ path: '', code: 'invalid_data', message }];
}

function bodyText(body: string | Uint8Array): string {
  return typeof body === 'string' ? body : new TextDecoder().decode(body);
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export type HeartbeatMessage = Heartbeat;

export type Parsed<T> = { success: true; data: T } | { success: false; issues: WireIssue[] };

export function parseHeartbeatMessage(json: unknown): Parsed<HeartbeatMessage> {
  return parseHeartbeat(json);
}

export interface ResultMessage {
  output: unknown;
  chunkContext?: string;
  startOffsetMs?: number;
  endOffsetMs?: number;
  outputFolderID?: string;
  chunkMetadata: Record<string, string>;
}

/**
 * Reads a JSON result. A result whose only problems are inside `output` is still accepted (and its
 * output reported as invalid VTN), so one bad output does not hide the rest of an engine's work.
 */
export function parseResultMessage(json: unknown): Parsed<ResultMessage> {
  const parsed = parseResult(json);
  if (!parsed.success) {
    const outsideOutput = parsed.issues.filter(
      (issue) => issue.path !== '/output' && !issue.path.startsWith('/output/'),
    );
    const hasOutput =
      typeof json === 'object' && json !== null && (json as { output?: unknown }).output !== undefined;
    if (outsideOutput.length > 0 || !hasOutput) return { success: false, issues: parsed.issues };
  }
  const message = json as Record<string, unknown>;
  return {
    success: true,
    data: {
      output: message.output,
      ...pick(message, 'chunkContext', 'string'),
      ...pick(message, 'outputFolderID', 'string'),
      ...pick(message, 'startOffsetMs', 'number'),
      ...pick(message, 'endOffsetMs', 'number'),
      chunkMetadata: chunkMetadataOf(message),
    },
  };
}

function pick(
  message: Record<string, unknown>,
  key: string,
  type: 'string' | 'number',
): Record<string, unknown> {
  return typeof message[key] === type ? { [key]: message[key] } : {};
}

/** Every output is checked with `@engine-kit/vtn-standard` (master rules plus declared contracts). */
export function validateVtnOutput(doc: unknown): WireIssue[] {
  const result = validate(doc);
  return result.success ? [] : result.issues;
}
