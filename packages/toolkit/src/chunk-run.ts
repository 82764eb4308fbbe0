import { randomUUID } from 'node:crypto';
import { ToolkitError } from './common/errors.ts';
import { checkId } from './common/ids.ts';
import type { EngineExit } from './engine-process.ts';
import { buildNotificationUrl, notificationHeaders, type TaskFailureReason } from '@engine-kit/contracts';
import { resolveVtnVersion, type VtnVersion } from '@engine-kit/vtn-standard';
import {
  classifyProcessResponse,
  type HeartbeatReading,
  parseResultMessage,
  readHeartbeat,
  toolkitUserAgent,
  validateVtnOutput,
  type WireIssue,
} from './protocol.ts';
import type { ProcessAnswer } from './process-post.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs } from './retry.ts';
import type {
  ChunkStatus,
  NotificationRecord,
  ProcessCall,
  ProcessResponseKind,
  SummaryHeartbeat,
  SummaryOutput,
  ToolkitSummary,
  ToolkitWarning,
  ValidationIssue,
} from './summary.ts';

/** One unit of work for the engine: a chunk, or a library-train / library-run task. */
export interface ChunkTask {
  /**
   * The chunk file; omitted for tasks without media (library-train). `width`/`height`, when the
   * caller knows them (the media runner's frames and clips), are sent as they are; otherwise they are
   * read from an image's header or, for a video, with ffprobe.
   */
  chunk?: { path: string; mimeType?: string; width?: number; height?: number };
  payload?: Record<string, unknown>;
  internalJobId?: string;
  internalTaskId?: string;
  /**
   * The folder under the work dir's `tasks/` that is this chunk's `taskTmpDir`; default the
   * `internalTaskId`. Chunks naming the same folder share it, as the chunks of one task share their
   * task folder on the platform (the media runner does this, so a file's chunks cost one mkdir).
   */
  taskFolder?: string;
  jobId?: string;
  taskId?: string;
  chunkId?: string;
  startOffsetMs?: number;
  endOffsetMs?: number;
  chunkIndex?: number;
  chunkContext?: string;
  chunkMetadata?: Record<string, string>;
  veritoneApiBaseUrl?: string;
  token?: string;
  libraryId?: string;
  libraryEngineModelId?: string;
  inputFolderID?: string;
  controllerToken?: string;
  /** Seconds the toolkit waits for the whole chunk (the `maxTTL` field); default 3600. */
  maxTtlSeconds?: number;
  /** An async engine that sends no heartbeat for this long fails with `heartbeat_timeout`; default 60 s. */
  heartbeatTimeoutMs?: number;
  /** URIs given to the task's `sendOutputToUris`. */
  notifyUris?: string[];
  /** `VERITONE_DISABLE_CHUNK_DOWNLOAD=true`: send only `cacheURI`, not the file. */
  disableChunkDownload?: boolean;
  retry?: RetryPolicy;
  /** More form fields, sent as given (they override generated ones). */
  extraFields?: Record<string, string>;
  /**
   * Invalid VTN output fails the chunk with `invalid_data` (`--strict`). By default it is a
   * warning, as the real toolkit does not validate at all.
   */
  strict?: boolean;
  /**
   * The VTN version the engine declares (`--vtn-version`): outputs are validated as it. By default
   * each output's own `$schema` decides (a v2 URL means v2), else v1.
   */
  vtnVersion?: VtnVersion;
  /** The `chunkUUID` field the newer toolkit sends; a random UUID by default. */
  chunkUUID?: string;
}

export type ToolkitEvent =
  | { type: 'process-call'; internalTaskId: string; call: ProcessCall }
  | { type: 'heartbeat'; internalTaskId: string; heartbeat: SummaryHeartbeat }
  | { type: 'output'; internalTaskId: string; output: SummaryOutput }
  | { type: 'issue'; internalTaskId: string; issue: ValidationIssue }
  | { type: 'warning'; internalTaskId: string; warning: ToolkitWarning }
  | { type: 'notification'; internalTaskId: string; notification: NotificationRecord }
  | { type: 'summary'; internalTaskId: string; summary: ToolkitSummary };

export interface RunChunkOptions {
  onEvent?: (event: ToolkitEvent) => void;
  /** The engine process; its exit fails the chunk with `system_error`. */
  engineExited?: Promise<EngineExit>;
  signal?: AbortSignal;
}

/** One `/process` POST of the chunk (a new body each attempt); rejects when no answer came. */
export type SendProcess = (signal: AbortSignal) => Promise<ProcessAnswer>;

export type ResolvedTask = Required<Pick<ChunkTask, 'internalJobId' | 'internalTaskId'>> & ChunkTask;

/** Generates missing ids and refuses unsafe ones (`invalid_id`): they name folders and URLs. */
export function resolveTaskIds(task: ChunkTask): ResolvedTask {
  return {
    ...task,
    internalJobId: checkId('internalJobId', task.internalJobId ?? `job-${randomUUID()}`),
    internalTaskId: checkId('internalTaskId', task.internalTaskId ?? `task-${randomUUID()}`),
    ...(task.taskFolder === undefined ? {} : { taskFolder: checkId('taskFolder', task.taskFolder) }),
  };
}

interface Completion {
  status: ChunkStatus;
  failureReason?: TaskFailureReason;
  failureMsg?: string;
}

/**
 * What a summary keeps, so it stays printable (V8 strings stop near 512 MiB) whatever an engine
 * sends: larger heartbeats and outputs are kept as a preview with `truncated`, and past the counts
 * only the first ones are kept (a warning says how many were dropped).
 */
export const SUMMARY_LIMITS = {
  /** JSON text of one heartbeat. */
  heartbeatBytes: 64 * 1024,
  heartbeats: 1000,
  /** JSON text of one output, or its raw body. */
  outputBytes: 16 * 1024 * 1024,
  /** All outputs kept whole, together. */
  outputsTotalBytes: 64 * 1024 * 1024,
  outputs: 10_000,
  issues: 1000,
  warnings: 1000,
  /** Characters of a truncated value kept as its preview. */
  previewChars: 2048,
} as const;

type DroppedKind = 'heartbeats' | 'outputs' | 'issues' | 'warnings';

/** A value's JSON size in UTF-16 units (a raw string counts as its length); Infinity when unserialisable. */
function jsonSize(value: unknown): number {
  if (typeof value === 'string') return value.length;
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : safeStringify(value);
  // A copy, not a slice: V8 slices keep the whole parent string (a 60 MB heartbeat) alive.
  return `${Buffer.from(text.slice(0, SUMMARY_LIMITS.previewChars), 'utf8').toString('utf8')}…`;
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Bytes kept per chunk for notifications (outputs are sent only once the chunk has completed). */
export const MAX_NOTIFICATION_BYTES = 64 * 1024 * 1024;

/** What a notification POST carries: the output as the engine delivered it. */
interface NotificationBody {
  contentType: string;
  body: string | Uint8Array;
}

/** State of one chunk while it runs: webhook calls land here. */
export class ChunkRun {
  readonly task: ResolvedTask;
  readonly outputs: SummaryOutput[] = [];
  readonly heartbeats: SummaryHeartbeat[] = [];
  readonly issues: ValidationIssue[] = [];
  readonly warnings: ToolkitWarning[] = [];
  readonly notifications: NotificationRecord[] = [];
  readonly processCalls: ProcessCall[] = [];
  readonly #startedAt = Date.now();
  readonly #onEvent: (event: ToolkitEvent) => void;
  readonly #notificationBodies = new Map<number, NotificationBody>();
  #notificationBytes = 0;
  #outputBytes = 0;
  readonly #dropped: Record<DroppedKind, number> = { heartbeats: 0, outputs: 0, issues: 0, warnings: 0 };
  #heartbeatListener: ((heartbeat: HeartbeatReading) => void) | undefined;

  constructor(task: ResolvedTask, onEvent: (event: ToolkitEvent) => void = () => {}) {
    this.task = task;
    this.#onEvent = onEvent;
  }

  elapsedMs(): number {
    return Date.now() - this.#startedAt;
  }

  emit(event: ToolkitEvent) {
    this.#onEvent(event);
  }

  warn(warning: ToolkitWarning) {
    if (this.warnings.length >= SUMMARY_LIMITS.warnings) {
      this.#drop('warnings');
      return;
    }
    this.warnings.push(warning);
    this.emit({ type: 'warning', internalTaskId: this.task.internalTaskId, warning });
  }

  /** Past a count limit records are dropped; the first drop of each kind is said once, loudly. */
  #drop(kind: DroppedKind) {
    if (this.#dropped[kind]++ > 0) return;
    const warning: ToolkitWarning = {
      code: 'summary_truncated',
      message: `the summary keeps the first ${SUMMARY_LIMITS[kind]} ${kind}; later ones are not kept`,
    };
    this.warnings.push(warning);
    this.emit({ type: 'warning', internalTaskId: this.task.internalTaskId, warning });
  }

  /**
   * Records a heartbeat; returns the issues that make it unacceptable (answered 400). A heartbeat
   * with a valid `status` is accepted, and what else is off becomes issues and a warning.
   */
  acceptHeartbeat(json: unknown, via: SummaryHeartbeat['via'] = 'heartbeat-webhook'): WireIssue[] {
    const reading = readHeartbeat(json);
    const kept = reading.accepted ? reading.heartbeat : json;
    const size = jsonSize(kept);
    const heartbeat: SummaryHeartbeat = {
      receivedAtMs: this.elapsedMs(),
      accepted: reading.accepted,
      heartbeat: size > SUMMARY_LIMITS.heartbeatBytes ? preview(kept) : kept,
      ...(size > SUMMARY_LIMITS.heartbeatBytes ? { truncated: { originalChars: size } } : {}),
      ...(via === 'callback' ? { via } : {}),
    };
    const issues = reading.accepted ? reading.warnings : reading.issues;
    if (this.heartbeats.length >= SUMMARY_LIMITS.heartbeats) {
      this.#drop('heartbeats');
      this.#heartbeatListener?.(reading);
      return reading.accepted ? [] : reading.issues;
    }
    this.heartbeats.push(heartbeat);
    const index = this.heartbeats.length - 1;
    this.emit({ type: 'heartbeat', internalTaskId: this.task.internalTaskId, heartbeat });
    this.#addIssues('heartbeat', index, issues);
    if (reading.accepted && issues.length > 0) {
      this.warn({
        code: 'heartbeat_off_contract',
        source: 'heartbeat',
        index,
        message: `heartbeat #${index} accepted (204) but off the contract: ${describeIssues(issues)}`,
      });
    }
    this.#heartbeatListener?.(reading);
    return reading.accepted ? [] : reading.issues;
  }

  onHeartbeat(listener: (heartbeat: HeartbeatReading) => void) {
    this.#heartbeatListener = listener;
  }

  /** Records a JSON result posted to the result webhook; returns its issues (answered 400). */
  acceptResult(json: unknown, source: 'result-webhook' | 'callback' = 'result-webhook'): WireIssue[] {
    const parsed = parseResultMessage(json);
    if (!parsed.success) {
      this.#addIssues('result', this.outputs.length, parsed.issues);
      return parsed.issues;
    }
    const { output, chunkMetadata, ...rest } = parsed.data;
    this.addOutput({
      source,
      contentType: 'application/json',
      output,
      ...rest,
      ...(Object.keys(chunkMetadata).length > 0 ? { chunkMetadata } : {}),
    });
    return [];
  }

  /**
   * Records an output and validates it when it is JSON. `attachment` is the file of a multipart
   * result, kept (bounded) for the notifications sent when the chunk completes.
   */
  addOutput(
    output: Omit<SummaryOutput, 'index' | 'receivedAtMs' | 'valid'>,
    knownIssues?: WireIssue[],
    attachment?: Uint8Array,
  ) {
    const index = this.outputs.length;
    const isJson = output.output !== undefined || knownIssues !== undefined;
    const vtnVersion = isJson ? resolveVtnVersion(output.output, this.task.vtnVersion) : undefined;
    const issues = knownIssues ?? (isJson ? validateVtnOutput(output.output, vtnVersion) : []);
    if (index >= SUMMARY_LIMITS.outputs) {
      this.#drop('outputs');
      return;
    }
    const record: SummaryOutput = {
      ...this.#bounded(output),
      index,
      receivedAtMs: this.elapsedMs(),
      valid: isJson ? issues.length === 0 : null,
      ...(vtnVersion === undefined ? {} : { vtnVersion }),
    };
    this.outputs.push(record);
    this.emit({ type: 'output', internalTaskId: this.task.internalTaskId, output: record });
    this.#addIssues('output', index, issues);
    if (record.valid === false) {
      this.warn({
        code: 'invalid_output',
        source: 'output',
        index,
        message: `output #${index} is not valid VTN standard: ${describeIssues(issues)}`,
      });
    }
    if ((this.task.notifyUris ?? []).length > 0)
      this.#keepForNotification(record, attachment ?? notificationText(output));
  }

  /** The output as the summary keeps it: whole, or a preview with `truncated` past the limits. */
  #bounded(
    output: Omit<SummaryOutput, 'index' | 'receivedAtMs' | 'valid'>,
  ): Omit<SummaryOutput, 'index' | 'receivedAtMs' | 'valid'> {
    const value = output.output !== undefined ? output.output : output.body;
    const size = value === undefined ? 0 : jsonSize(value);
    if (size <= SUMMARY_LIMITS.outputBytes && this.#outputBytes + size <= SUMMARY_LIMITS.outputsTotalBytes) {
      this.#outputBytes += size;
      return output;
    }
    const { output: _dropped, ...rest } = output;
    return { ...rest, body: preview(value), truncated: { originalChars: size } };
  }

  /** `body` is the output as delivered (the summary may hold only a preview of it). */
  #keepForNotification(record: SummaryOutput, body: string | Uint8Array) {
    const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    if (this.#notificationBytes + size > MAX_NOTIFICATION_BYTES) {
      this.warn({
        code: 'notification_too_large',
        source: 'notification',
        index: record.index,
        message: `output #${record.index} is not notified: outputs over ${MAX_NOTIFICATION_BYTES} bytes per chunk are not kept`,
      });
      return;
    }
    this.#notificationBytes += size;
    this.#notificationBodies.set(record.index, { contentType: record.contentType, body });
  }

  /**
   * The seed: outputs are sent to `sendOutputToUris` when the chunk finishes successfully. Each
   * valid (or non-VTN) output is POSTed as delivered, with the task's and the result's own
   * `x-aiware-*` chunk metadata as headers.
   */
  async sendNotifications(): Promise<void> {
    const sends: Promise<void>[] = [];
    for (const uri of this.task.notifyUris ?? []) {
      for (const output of this.outputs) {
        const body = this.#notificationBodies.get(output.index);
        if (output.valid === false || !body) continue;
        sends.push(this.#notify(uri, output, body));
      }
    }
    await Promise.all(sends);
    this.#notificationBodies.clear();
  }

  #addIssues(source: ValidationIssue['source'], index: number, issues: WireIssue[]) {
    for (const issue of issues) {
      if (this.issues.length >= SUMMARY_LIMITS.issues) {
        this.#drop('issues');
        continue;
      }
      const record: ValidationIssue = { source, index, ...issue };
      this.issues.push(record);
      this.emit({ type: 'issue', internalTaskId: this.task.internalTaskId, issue: record });
    }
  }

  async #notify(uri: string, output: SummaryOutput, notification: NotificationBody): Promise<void> {
    const task = this.task;
    const url = buildNotificationUrl(uri, {
      internalJobID: task.internalJobId,
      internalTaskID: task.internalTaskId,
      jobID: task.jobId ?? task.internalJobId,
      taskID: task.taskId ?? task.internalTaskId,
      chunkID: task.chunkId ?? task.chunkUUID ?? task.chunkContext ?? task.internalTaskId,
      timestamp: Date.now(),
    });
    const record: NotificationRecord = { url, outputIndex: output.index };
    const metadata = { ...(task.chunkMetadata ?? {}), ...(output.chunkMetadata ?? {}) };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': notification.contentType,
          'user-agent': toolkitUserAgent(),
          ...notificationHeaders(metadata),
        },
        body: notification.body as BodyInit,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      record.status = response.status;
    } catch (error) {
      record.error = (error as Error).message;
    }
    this.notifications.push(record);
    this.emit({ type: 'notification', internalTaskId: task.internalTaskId, notification: record });
  }
}

function notificationText(output: Pick<SummaryOutput, 'output' | 'body'>): string {
  return output.output !== undefined ? JSON.stringify(output.output) : (output.body ?? '');
}

function describeIssues(issues: readonly WireIssue[]): string {
  const shown = issues.slice(0, 3).map((issue) => `${issue.path || '/'}: ${issue.message}`);
  return issues.length > 3 ? `${shown.join('; ')}; and ${issues.length - 3} more` : shown.join('; ');
}

/**
 * Drives one chunk through `/process`: retries failed calls (3 in total by default), then
 * follows the outcome (sync result, ignored, or async heartbeats until complete/failed),
 * bounded by maxTTL, the heartbeat timeout, the engine's life and `signal`.
 */
export async function driveChunk(
  run: ChunkRun,
  sendProcess: SendProcess,
  options: RunChunkOptions,
): Promise<Completion & { responseKind: ProcessResponseKind }> {
  const task = run.task;
  const maxTtlMs = (task.maxTtlSeconds ?? 3600) * 1000;
  const lifetime = new AbortController();
  const stops: Promise<Completion>[] = [
    timeoutAfter(maxTtlMs, lifetime.signal, {
      status: 'failed',
      failureReason: 'chunk_timeout',
      failureMsg: `no final result within maxTTL (${task.maxTtlSeconds ?? 3600} s)`,
    }),
  ];
  if (options.engineExited) stops.push(options.engineExited.then(engineCrashCompletion));
  if (options.signal) stops.push(abortCompletion(options.signal));
  const stopped = Promise.race(stops);
  try {
    const answer = await Promise.race([callProcess(run, sendProcess, lifetime.signal), stopped]);
    if (!('kind' in answer)) return { ...answer, responseKind: lastKind(run) };
    const outcome = answer;
    if ('warning' in outcome && outcome.warning)
      run.warn({ code: 'json_content_type', source: 'process-response', message: outcome.warning });
    switch (outcome.kind) {
      case 'vtn':
        run.addOutput({
          source: 'process-response',
          contentType: 'application/json',
          output: outcome.output,
        });
        return { status: 'complete', responseKind: 'vtn' };
      case 'non-vtn':
        run.addOutput({ source: 'process-response', contentType: outcome.contentType, body: outcome.body });
        return { status: 'complete', responseKind: 'non-vtn' };
      case 'invalid':
        // JSON that failed the default (v1 or `$schema`) check is checked again as the version the
        // engine declares; only a body that is not JSON keeps the classifier's issues.
        run.addOutput(
          {
            source: 'process-response',
            contentType: 'application/json',
            ...(outcome.output === undefined ? { body: outcome.body } : { output: outcome.output }),
          },
          outcome.output === undefined ? outcome.issues : undefined,
        );
        return { status: 'complete', responseKind: run.outputs.at(-1)?.valid ? 'vtn' : 'invalid' };
      case 'ignored':
        return { status: 'ignored', responseKind: 'ignored' };
      case 'async': {
        const completion = await Promise.race([waitForFinalHeartbeat(run, lifetime.signal), stopped]);
        return { ...completion, responseKind: 'async' };
      }
      default:
        return {
          status: 'failed',
          failureReason: 'internal_error',
          failureMsg: `/process failed ${run.processCalls.length} times; last: ${outcome.message}`,
          responseKind: outcome.kind,
        };
    }
  } finally {
    // Ends the chunk's timers, listeners and any call still open. A fixed reason: `abort()` without
    // one builds a DOMException with a stack trace per chunk, a measurable part of a fast chunk.
    lifetime.abort(CHUNK_SETTLED);
  }
}

const CHUNK_SETTLED = Object.freeze({ reason: 'the chunk has settled' });

function lastKind(run: ChunkRun): ProcessResponseKind {
  return run.processCalls.at(-1)?.kind ?? 'no-response';
}

type CallAnswer = (ReturnType<typeof classifyProcessResponse> & { httpStatus: number }) | NoResponse;
type NoResponse = { kind: 'no-response'; httpStatus: 0; message: string };

async function callProcess(
  run: ChunkRun,
  sendProcess: SendProcess,
  signal: AbortSignal,
): Promise<CallAnswer> {
  const policy = run.task.retry ?? DEFAULT_RETRY_POLICY;
  let answer: CallAnswer = { kind: 'no-response', httpStatus: 0, message: 'not called' };
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    const started = Date.now();
    answer = await callOnce(sendProcess, signal);
    const call: ProcessCall = {
      attempt,
      kind: answer.kind,
      durationMs: Date.now() - started,
      ...(answer.httpStatus ? { status: answer.httpStatus } : {}),
      ...(answer.kind === 'failure' || answer.kind === 'no-response' ? { error: answer.message } : {}),
    };
    run.processCalls.push(call);
    run.emit({ type: 'process-call', internalTaskId: run.task.internalTaskId, call });
    if (answer.kind !== 'failure' && answer.kind !== 'no-response') return answer;
    // Only 200 and 204 end the calls; every other status (other 2xx too) and silence are retried.
    if (signal.aborted) return answer;
    if (attempt < policy.maxAttempts) await sleep(retryDelayMs(policy, attempt), signal);
  }
  return answer;
}

async function callOnce(sendProcess: SendProcess, signal: AbortSignal): Promise<CallAnswer> {
  try {
    const answer = await sendProcess(signal);
    return {
      ...classifyProcessResponse(answer.status, answer.contentType, answer.body),
      httpStatus: answer.status,
    };
  } catch (error) {
    // A socket error's code (ECONNREFUSED, ECONNRESET), or the toolkit's own with its reason.
    const { code, message } = error as { code?: string; message?: string };
    return {
      kind: 'no-response',
      httpStatus: 0,
      message: error instanceof ToolkitError ? `${code}: ${message}` : (code ?? message ?? String(error)),
    };
  }
}

function waitForFinalHeartbeat(run: ChunkRun, signal: AbortSignal): Promise<Completion> {
  const timeoutMs = run.task.heartbeatTimeoutMs ?? 60_000;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () =>
          resolve({
            status: 'failed',
            failureReason: 'heartbeat_timeout',
            failureMsg: `no heartbeat for ${timeoutMs} ms`,
          }),
        timeoutMs,
      );
    };
    signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    arm();
    run.onHeartbeat((reading) => {
      arm();
      if (!reading.accepted) return;
      const heartbeat = reading.heartbeat;
      if (heartbeat.status === 'complete') {
        clearTimeout(timer);
        resolve({ status: 'complete' });
      } else if (heartbeat.status === 'failed') {
        clearTimeout(timer);
        resolve({
          status: 'failed',
          failureReason: heartbeat.failureReason ?? 'unknown',
          ...(typeof heartbeat.failureMsg === 'string' && heartbeat.failureMsg
            ? { failureMsg: heartbeat.failureMsg }
            : {}),
        });
      }
    });
  });
}

function engineCrashCompletion(exit: EngineExit): Completion {
  const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
  return {
    status: 'failed',
    failureReason: 'system_error',
    failureMsg: `the engine process exited (${how})`,
  };
}

function abortCompletion(signal: AbortSignal): Promise<Completion> {
  return new Promise((resolve) => {
    const done = () =>
      resolve({ status: 'failed', failureReason: 'other', failureMsg: 'the run was cancelled' });
    if (signal.aborted) done();
    else signal.addEventListener('abort', done, { once: true });
  });
}

function timeoutAfter<T>(ms: number, signal: AbortSignal, value: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(value), ms);
    signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
