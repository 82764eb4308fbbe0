import { randomUUID } from 'node:crypto';
import type { EngineExit } from './engine-process.ts';
import { buildNotificationUrl, notificationHeaders, type TaskFailureReason } from '@engine-kit/contracts';
import {
  classifyProcessResponse,
  parseHeartbeatMessage,
  parseResultMessage,
  validateVtnOutput,
  type WireIssue,
} from './protocol.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs } from './retry.ts';
import type {
  ChunkStatus,
  NotificationRecord,
  ProcessCall,
  ProcessResponseKind,
  SummaryHeartbeat,
  SummaryOutput,
  ToolkitSummary,
  ValidationIssue,
} from './summary.ts';

/** One unit of work for the engine: a chunk, or a library-train / library-run task. */
export interface ChunkTask {
  /** The chunk file; omitted for tasks without media (library-train). */
  chunk?: { path: string; mimeType?: string };
  payload?: Record<string, unknown>;
  internalJobId?: string;
  internalTaskId?: string;
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
}

export type ToolkitEvent =
  | { type: 'process-call'; internalTaskId: string; call: ProcessCall }
  | { type: 'heartbeat'; internalTaskId: string; heartbeat: SummaryHeartbeat }
  | { type: 'output'; internalTaskId: string; output: SummaryOutput }
  | { type: 'issue'; internalTaskId: string; issue: ValidationIssue }
  | { type: 'notification'; internalTaskId: string; notification: NotificationRecord }
  | { type: 'summary'; internalTaskId: string; summary: ToolkitSummary };

export interface RunChunkOptions {
  onEvent?: (event: ToolkitEvent) => void;
  /** The engine process; its exit fails the chunk with `system_error`. */
  engineExited?: Promise<EngineExit>;
  signal?: AbortSignal;
}

export type ResolvedTask = Required<Pick<ChunkTask, 'internalJobId' | 'internalTaskId'>> & ChunkTask;

export function resolveTaskIds(task: ChunkTask): ResolvedTask {
  return {
    ...task,
    internalJobId: task.internalJobId ?? `job-${randomUUID()}`,
    internalTaskId: task.internalTaskId ?? `task-${randomUUID()}`,
  };
}

interface Completion {
  status: ChunkStatus;
  failureReason?: TaskFailureReason;
  failureMsg?: string;
}

/** State of one chunk while it runs: webhook calls land here. */
export class ChunkRun {
  readonly task: ResolvedTask;
  readonly outputs: SummaryOutput[] = [];
  readonly heartbeats: SummaryHeartbeat[] = [];
  readonly issues: ValidationIssue[] = [];
  readonly notifications: NotificationRecord[] = [];
  readonly processCalls: ProcessCall[] = [];
  readonly #startedAt = Date.now();
  readonly #onEvent: (event: ToolkitEvent) => void;
  readonly #pendingNotifications: Promise<void>[] = [];
  #heartbeatListener: ((heartbeat: ReturnType<typeof parseHeartbeatMessage>) => void) | undefined;

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

  /** Records a heartbeat; returns the issues that make it malformed (answered 400). */
  acceptHeartbeat(json: unknown): WireIssue[] {
    const parsed = parseHeartbeatMessage(json);
    const heartbeat: SummaryHeartbeat = {
      receivedAtMs: this.elapsedMs(),
      accepted: parsed.success,
      heartbeat: parsed.success ? parsed.data : json,
    };
    this.heartbeats.push(heartbeat);
    this.emit({ type: 'heartbeat', internalTaskId: this.task.internalTaskId, heartbeat });
    if (!parsed.success) this.#addIssues('heartbeat', this.heartbeats.length - 1, parsed.issues);
    this.#heartbeatListener?.(parsed);
    return parsed.success ? [] : parsed.issues;
  }

  onHeartbeat(listener: (heartbeat: ReturnType<typeof parseHeartbeatMessage>) => void) {
    this.#heartbeatListener = listener;
  }

  /** Records a JSON result posted to the result webhook; returns its issues (answered 400). */
  acceptResult(json: unknown): WireIssue[] {
    const parsed = parseResultMessage(json);
    if (!parsed.success) {
      this.#addIssues('result', this.outputs.length, parsed.issues);
      return parsed.issues;
    }
    const { output, chunkMetadata, ...rest } = parsed.data;
    this.addOutput({
      source: 'result-webhook',
      contentType: 'application/json',
      output,
      ...rest,
      ...(Object.keys(chunkMetadata).length > 0 ? { chunkMetadata } : {}),
    });
    return [];
  }

  /** Records an output, validates it when it is JSON, and sends notifications. */
  addOutput(output: Omit<SummaryOutput, 'index' | 'receivedAtMs' | 'valid'>, knownIssues?: WireIssue[]) {
    const index = this.outputs.length;
    const isJson = output.output !== undefined || knownIssues !== undefined;
    const issues = knownIssues ?? (isJson ? validateVtnOutput(output.output) : []);
    const record: SummaryOutput = {
      ...output,
      index,
      receivedAtMs: this.elapsedMs(),
      valid: isJson ? issues.length === 0 : null,
    };
    this.outputs.push(record);
    this.emit({ type: 'output', internalTaskId: this.task.internalTaskId, output: record });
    this.#addIssues('output', index, issues);
    for (const uri of this.task.notifyUris ?? []) this.#pendingNotifications.push(this.#notify(uri, record));
  }

  async settleNotifications(): Promise<void> {
    await Promise.all(this.#pendingNotifications);
  }

  #addIssues(source: ValidationIssue['source'], index: number, issues: WireIssue[]) {
    for (const issue of issues) {
      const record: ValidationIssue = { source, index, ...issue };
      this.issues.push(record);
      this.emit({ type: 'issue', internalTaskId: this.task.internalTaskId, issue: record });
    }
  }

  async #notify(uri: string, output: SummaryOutput): Promise<void> {
    const task = this.task;
    const url = buildNotificationUrl(uri, {
      internalJobID: task.internalJobId,
      internalTaskID: task.internalTaskId,
      jobID: task.jobId ?? task.internalJobId,
      taskID: task.taskId ?? task.internalTaskId,
      chunkID: task.chunkId ?? task.chunkContext ?? task.internalTaskId,
      timestamp: Date.now(),
    });
    const record: NotificationRecord = { url, outputIndex: output.index };
    try {
      const body = output.output !== undefined ? JSON.stringify(output.output) : (output.body ?? '');
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': output.contentType, ...notificationHeaders(task.chunkMetadata ?? {}) },
        body,
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

/**
 * Drives one chunk through `/process`: retries failed calls (3 in total by default), then
 * follows the outcome (sync result, ignored, or async heartbeats until complete/failed),
 * bounded by maxTTL, the heartbeat timeout, the engine's life and `signal`.
 */
export async function driveChunk(
  run: ChunkRun,
  processUrl: string,
  buildForm: () => Promise<FormData>,
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
    const answer = await Promise.race([callProcess(run, processUrl, buildForm, lifetime.signal), stopped]);
    if (!('kind' in answer)) return { ...answer, responseKind: lastKind(run) };
    const outcome = answer;
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
        run.addOutput(
          {
            source: 'process-response',
            contentType: 'application/json',
            ...(outcome.output === undefined ? { body: outcome.body } : { output: outcome.output }),
          },
          outcome.issues,
        );
        return { status: 'complete', responseKind: 'invalid' };
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
    lifetime.abort();
  }
}

function lastKind(run: ChunkRun): ProcessResponseKind {
  return run.processCalls.at(-1)?.kind ?? 'no-response';
}

type CallAnswer = (ReturnType<typeof classifyProcessResponse> & { httpStatus: number }) | NoResponse;
type NoResponse = { kind: 'no-response'; httpStatus: 0; message: string };

async function callProcess(
  run: ChunkRun,
  processUrl: string,
  buildForm: () => Promise<FormData>,
  signal: AbortSignal,
): Promise<CallAnswer> {
  const policy = run.task.retry ?? DEFAULT_RETRY_POLICY;
  let answer: CallAnswer = { kind: 'no-response', httpStatus: 0, message: 'not called' };
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    const started = Date.now();
    answer = await postProcess(processUrl, await buildForm(), signal);
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
    // A 2xx answer is never retried; only errors and silence are.
    if (signal.aborted) return answer;
    if (attempt < policy.maxAttempts) await sleep(retryDelayMs(policy, attempt), signal);
  }
  return answer;
}

async function postProcess(url: string, form: FormData, signal: AbortSignal): Promise<CallAnswer> {
  try {
    const response = await fetch(url, { method: 'POST', body: form, signal });
    const body = await response.text();
    return {
      ...classifyProcessResponse(response.status, response.headers.get('content-type'), body),
      httpStatus: response.status,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return {
      kind: 'no-response',
      httpStatus: 0,
      message: cause?.code ?? cause?.message ?? (error as Error).message,
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
    run.onHeartbeat((parsed) => {
      arm();
      if (!parsed.success) return;
      if (parsed.data.status === 'complete') {
        clearTimeout(timer);
        resolve({ status: 'complete' });
      } else if (parsed.data.status === 'failed') {
        clearTimeout(timer);
        resolve({
          status: 'failed',
          failureReason: parsed.data.failureReason ?? 'unknown',
          ...(parsed.data.failureMsg ? { failureMsg: parsed.data.failureMsg } : {}),
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
