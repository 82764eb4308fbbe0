import {
  chunkMetadataOf,
  classifyProcessResponse as classifyWithContracts,
  FAILURE_REASONS,
  HEARTBEAT_STATUSES,
  type Heartbeat,
  mimeTypeOf,
  parseHeartbeat,
  parseResult,
} from '@engine-kit/contracts';
import { readFileSync } from 'node:fs';
import { type VtnVersion, validate } from '@engine-kit/vtn-standard';

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

export type ProcessOutcome = (
  | { kind: 'vtn'; output: unknown }
  | { kind: 'non-vtn'; contentType: string; body: string }
  /** A 200 answer whose JSON is not usable: recorded as an invalid output, never retried. */
  | { kind: 'invalid'; output?: unknown; body: string; issues: WireIssue[] }
  | { kind: 'ignored' }
  | { kind: 'async'; estimatedProcessingTimeInSeconds: number }
  | { kind: 'failure'; status: number; message: string }
) & {
  /** Something off that the toolkit accepted anyway (e.g. JSON declared as `text/plain`). */
  warning?: string;
};

const OK = 200;
const NO_CONTENT = 204;

/**
 * The `/process` rule of the real toolkit: 204 ignores the chunk, 200 carries the answer, and every
 * other status (other 2xx included: the Go toolkit retries anything but 200 and 204) is an error.
 * A 200 body that parses as a JSON object is JSON whatever its declared type: Go engines write
 * JSON with `json.NewEncoder(w)` and no header, so it arrives as `text/plain; charset=utf-8`.
 * Only a body that is not a JSON object, or one explicitly typed as non-JSON (TTML, XML, binary,
 * media), is non-VTN output.
 */
export function classifyProcessResponse(
  status: number,
  contentType: string | null,
  body: string,
): ProcessOutcome {
  if (status === NO_CONTENT) return { kind: 'ignored' };
  if (status !== OK) {
    const outcome = classifyWithContracts(status, contentType, body);
    const message =
      outcome.kind === 'failure'
        ? outcome.message
        : `the engine answered HTTP ${status}; the Engine Toolkit accepts only 200 and 204 and retries anything else`;
    return { kind: 'failure', status, message };
  }
  if (body.trim() === '') return { kind: 'ignored' };
  const mimeType = mimeTypeOf(contentType);
  if (!isJsonMimeType(mimeType) && !isExplicitlyNonJson(mimeType) && parsesAsJsonObject(body)) {
    return {
      ...classifyJson(status, body),
      warning: `the 200 body is a JSON object declared as ${contentType ?? 'no content type'}: read as JSON (send application/json)`,
    };
  }
  return classifyJson(status, body, contentType);
}

function classifyJson(
  status: number,
  body: string,
  contentType: string | null = 'application/json',
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

function isJsonMimeType(mimeType: string | undefined): boolean {
  return mimeType === 'application/json' || mimeType === 'text/json' || mimeType?.endsWith('+json') === true;
}

/** Types that say "this is not JSON" even when the bytes happen to parse: captions, XML, binary, media. */
function isExplicitlyNonJson(mimeType: string | undefined): boolean {
  if (mimeType === undefined) return false;
  if (mimeType.endsWith('/xml') || mimeType.endsWith('+xml')) return true;
  if (/^(image|audio|video|font|model)\//.test(mimeType)) return true;
  return NON_JSON_TYPES.has(mimeType);
}

const NON_JSON_TYPES: ReadonlySet<string> = new Set([
  'application/octet-stream',
  'application/pdf',
  'application/zip',
  'application/gzip',
  'application/x-subrip',
  'text/vtt',
  'text/srt',
  'text/csv',
]);

function parsesAsJsonObject(text: string): boolean {
  if (!text.trimStart().startsWith('{')) return false;
  const value = tryParseJson(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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

export type HeartbeatReading =
  | { accepted: true; heartbeat: HeartbeatMessage; warnings: WireIssue[] }
  | { accepted: false; issues: WireIssue[] };

/**
 * Reads a heartbeat as the real toolkit does: any JSON object with a valid `status` (and a
 * `failureReason` when it is `failed`) is accepted (answered 204), and everything else that is
 * off the contract becomes a warning. Veritone's Go sample sends `infoMsg` as an object; the
 * docs spell it `infoMs`. An unknown `failureReason` is read as `unknown`.
 */
export function readHeartbeat(json: unknown): HeartbeatReading {
  const strict = parseHeartbeat(json);
  const spelledInfoMs = isObject(json) && Object.hasOwn(json, 'infoMs') && !Object.hasOwn(json, 'infoMsg');
  const infoMsWarning: WireIssue[] = spelledInfoMs
    ? [
        {
          path: '/infoMs',
          code: 'docs_spelling',
          message: 'infoMs is the docs spelling; engines send infoMsg',
        },
      ]
    : [];
  if (strict.success) return { accepted: true, heartbeat: strict.data, warnings: infoMsWarning };
  if (!isObject(json)) return { accepted: false, issues: strict.issues };
  const status = json.status;
  if (typeof status !== 'string' || !(HEARTBEAT_STATUSES as readonly string[]).includes(status)) {
    return { accepted: false, issues: issuesAt(strict.issues, '/status') };
  }
  const failureReason = json.failureReason;
  if (status === 'failed' && (typeof failureReason !== 'string' || failureReason === '')) {
    return { accepted: false, issues: issuesAt(strict.issues, '/failureReason') };
  }
  const heartbeat = { ...json, status } as Record<string, unknown>;
  if (typeof failureReason === 'string' && !(FAILURE_REASONS as readonly string[]).includes(failureReason))
    heartbeat.failureReason = 'unknown';
  if (spelledInfoMs) heartbeat.infoMsg = heartbeat.infoMs;
  delete heartbeat.infoMs;
  return {
    accepted: true,
    heartbeat: heartbeat as HeartbeatMessage,
    warnings: [...strict.issues, ...infoMsWarning],
  };
}

/** The issues that made a heartbeat unacceptable, or all of them when none names that path. */
function issuesAt(issues: WireIssue[], path: string): WireIssue[] {
  const found = issues.filter((issue) => issue.path === path);
  return found.length > 0 ? found : issues;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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

/**
 * Every output is checked with `@engine-kit/vtn-standard` (master rules plus declared contracts), as
 * the version the engine declares (`vtnVersion`), else the one its `$schema` names, else v1.
 */
export function validateVtnOutput(doc: unknown, version?: VtnVersion): WireIssue[] {
  const result = validate(doc, version === undefined ? {} : { version });
  return result.success ? [] : result.issues;
}

/**
 * Compiles the validators of plain v1 and v2 documents (they are compiled on first use, which
 * costs a first chunk some 100 ms). Documents naming `validationContracts` still compile theirs
 * the first time each contract is seen.
 */
export function warmUpOutputValidation(): void {
  // One version per turn of the event loop, so webhook calls are not held up by both at once.
  setImmediate(() => {
    validate({ series: [] }, { version: 'v1' });
    setImmediate(() => validate({ series: [] }, { version: 'v2' }));
  });
}

let userAgent: string | undefined;

/**
 * The User-Agent of every request the toolkit makes. The Go toolkit sends `veritone-engine-toolkit`;
 * this keeps that product token first, so engines that look for it find it, and names the emulator.
 */
export function toolkitUserAgent(): string {
  userAgent ??= `veritone-engine-toolkit (engine-kit toolkit emulator ${packageVersion()})`;
  return userAgent;
}

function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
