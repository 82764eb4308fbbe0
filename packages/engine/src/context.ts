import {
  buildHeartbeat,
  buildResult,
  type FailureReason,
  failureReasonFromError,
  type ProcessRequest,
} from '@engine-kit/contracts';
import type { VtnDocument } from '@engine-kit/vtn-standard';
import type { RetryPolicy } from './common/retry.ts';
import { EngineError } from './errors.ts';
import { type InputTimeouts, openInputStream } from './input.ts';
import type { EngineLogger } from './logger.ts';
import { type IgnoredChunk, ignore } from './output.ts';
import { redactText } from './redact.ts';
import { postJson } from './webhook.ts';

/** Offsets of a result inside the input stream (result webhook names: `...Ms`). */
export interface ResultOffsets {
  startOffsetMs?: number;
  endOffsetMs?: number;
}

export interface TaskProgress {
  bytesRead: number;
  bytesWritten: number;
  messagesWritten: number;
  infoMsg: string | undefined;
}

/** What every handler gets next to the request. */
export interface ProcessContext {
  readonly request: ProcessRequest;
  /** Aborts when the engine gives up on the work (drain timeout on shutdown). */
  readonly signal: AbortSignal;
  readonly log: EngineLogger;
  /** Counters sent with every heartbeat. */
  readonly progress: Readonly<TaskProgress>;
  /** True once the `/process` call was answered with `estimatedProcessingTimeInSeconds`. */
  readonly acknowledged: boolean;
  /**
   * What was off in the request but accepted (e.g. no `internalTaskId`: the Go toolkit sends none, and a
   * local id was filled in). Also logged as a warning.
   */
  readonly warnings: readonly string[];
  /** `return context.ignore()`: 204 for a chunk engine. */
  ignore(): IgnoredChunk;
  /**
   * Answers `/process` at once with `{ estimatedProcessingTimeInSeconds }` (default: `maxTTL`) and
   * starts a heartbeat every second; the rest of the work reports through `emitResult` and the
   * final heartbeat. Stream, batch and training handlers are acknowledged before they start.
   */
  acknowledge(estimatedProcessingTimeInSeconds?: number): Promise<void>;
  /**
   * Posts a result to `resultWebhook` (with retries); counts `messagesWritten` and `bytesWritten`. The
   * output is typed as a VTN document: an object literal that is not one does not compile.
   */
  emitResult(output: VtnDocument, offsets?: ResultOffsets): Promise<void>;
  /** Sends a `running` heartbeat now, besides the one sent every second. */
  heartbeat(): Promise<void>;
  addBytesRead(bytes: number): void;
  addBytesWritten(bytes: number): void;
  /** Sets the heartbeat's `infoMsg`. */
  setInfo(message: string): void;
  /** Reads `cacheURI` as it arrives, counting `bytesRead`. */
  openInput(): AsyncGenerator<Uint8Array>;
}

export interface ContextOptions {
  request: ProcessRequest;
  signal: AbortSignal;
  log: EngineLogger;
  heartbeatIntervalMs: number;
  retry: RetryPolicy;
  /** Writes the acknowledgement response; called once. */
  sendAcknowledgement: (estimatedProcessingTimeInSeconds: number) => Promise<void>;
  defaultEstimateSeconds: number;
  /** Checks output before it is posted (VTN validation in development). */
  checkOutput: (output: unknown) => void;
  /** Timeouts of `openInput()`. */
  inputTimeouts: InputTimeouts;
  /** Request warnings to show the handler (already logged by the engine). */
  warnings: readonly string[];
  /** Secrets of this request (its token) to keep out of heartbeats and logs. */
  secrets: readonly string[];
}

/** The context of one `/process` call: sync until acknowledged, then an async task with heartbeats. */
export class RequestContext implements ProcessContext {
  readonly request: ProcessRequest;
  readonly signal: AbortSignal;
  readonly log: EngineLogger;
  readonly warnings: readonly string[];
  readonly #progress: TaskProgress = {
    bytesRead: 0,
    bytesWritten: 0,
    messagesWritten: 0,
    infoMsg: undefined,
  };
  readonly #options: ContextOptions;
  #acknowledged = false;
  #timer: NodeJS.Timeout | undefined;
  #beating: Promise<void> | undefined;
  #finished = false;
  #ended: Promise<'complete' | 'failed'> | undefined;

  constructor(options: ContextOptions) {
    this.#options = options;
    this.request = options.request;
    this.signal = options.signal;
    this.log = options.log;
    this.warnings = options.warnings;
  }

  get progress(): Readonly<TaskProgress> {
    return { ...this.#progress };
  }

  get acknowledged(): boolean {
    return this.#acknowledged;
  }

  ignore(): IgnoredChunk {
    return ignore();
  }

  async acknowledge(estimatedProcessingTimeInSeconds?: number): Promise<void> {
    if (this.#acknowledged) return;
    this.#acknowledged = true;
    const estimate =
      estimatedProcessingTimeInSeconds ?? this.request.maxTTL ?? this.#options.defaultEstimateSeconds;
    await this.#options.sendAcknowledgement(Math.max(1, Math.ceil(estimate)));
    if (!this.request.heartbeatWebhook) {
      this.log.warn('the request has no heartbeatWebhook: no heartbeats will be sent', this.#ids());
      return;
    }
    this.#timer = setInterval(() => void this.#beat(), this.#options.heartbeatIntervalMs);
    void this.#beat();
  }

  emitResult(output: VtnDocument, offsets: ResultOffsets = {}): Promise<void> {
    return this.#emit(output, offsets);
  }

  async #emit(output: unknown, offsets: ResultOffsets = {}): Promise<void> {
    const url = this.request.resultWebhook;
    if (!url) {
      throw new EngineError(
        'webhook_failed',
        'the /process request has no resultWebhook to post results to',
        {
          failureReason: 'internal_error',
        },
      );
    }
    this.#options.checkOutput(output);
    const message = {
      output,
      ...(this.request.chunkContext !== undefined ? { chunkContext: this.request.chunkContext } : {}),
      ...offsets,
    };
    const posted = await postJson(url, this.#toResult(message), this.#options.retry, this.signal);
    this.#progress.messagesWritten += 1;
    this.#progress.bytesWritten += posted.bytes;
  }

  /**
   * The result as contracts builds it; output that is not valid VTN (already reported by `checkOutput`
   * in development) is still delivered, so the toolkit, not the runtime, decides what to keep.
   */
  #toResult(message: { output: unknown } & ResultOffsets & { chunkContext?: string }): unknown {
    try {
      return buildResult(message as Parameters<typeof buildResult>[0]);
    } catch {
      return message;
    }
  }

  async heartbeat(): Promise<void> {
    await this.#beat();
  }

  addBytesRead(bytes: number): void {
    this.#progress.bytesRead += counted(bytes);
  }

  addBytesWritten(bytes: number): void {
    this.#progress.bytesWritten += counted(bytes);
  }

  setInfo(message: string): void {
    this.#progress.infoMsg = message;
  }

  openInput(): AsyncGenerator<Uint8Array> {
    const url = this.request.cacheURI;
    if (!url) {
      throw new EngineError('input_failed', 'the /process request has no cacheURI to read the input from', {
        status: 400,
        failureReason: 'invalid_data',
      });
    }
    return openInputStream(url, {
      ...this.#options.inputTimeouts,
      signal: this.signal,
      onBytes: (bytes) => this.addBytesRead(bytes),
    });
  }

  /**
   * Ends an acknowledged task: posts what the handler returned (if anything) as a result, then
   * the final `complete` heartbeat, or `failed` with a `failureReason` when anything threw.
   */
  async finish(outcome: { output?: unknown; error?: unknown }): Promise<'complete' | 'failed'> {
    // A task failed at shutdown may still return later: only the first outcome is reported.
    if (this.#ended) return this.#ended;
    this.#ended = this.#report(outcome);
    return this.#ended;
  }

  async #report(outcome: { output?: unknown; error?: unknown }): Promise<'complete' | 'failed'> {
    let error = outcome.error;
    if (error === undefined && outcome.output !== undefined && outcome.output !== ignore()) {
      try {
        await this.#emit(outcome.output);
      } catch (emitError) {
        error = emitError;
      }
    }
    this.#stopBeating();
    await this.#beating;
    const status = error === undefined ? 'complete' : 'failed';
    const message = error === undefined ? '' : describeError(error, this.#options.secrets);
    if (error !== undefined) {
      this.log.error('task failed', { ...this.#ids(), error: message, failureReason: reasonOf(error) });
    }
    await this.#postHeartbeat(
      error === undefined
        ? { status: 'complete' }
        : { status: 'failed', failureReason: reasonOf(error), failureMsg: message },
    );
    return status;
  }

  #stopBeating(): void {
    this.#finished = true;
    clearInterval(this.#timer);
  }

  /** One heartbeat at a time: a slow receiver must not pile them up. */
  #beat(): Promise<void> {
    if (this.#finished || this.#beating) return this.#beating ?? Promise.resolve();
    this.#beating = this.#postHeartbeat({ status: 'running' }).finally(() => {
      this.#beating = undefined;
    });
    return this.#beating;
  }

  async #postHeartbeat(
    state:
      | { status: 'running' | 'complete' }
      | { status: 'failed'; failureReason: FailureReason; failureMsg: string },
  ): Promise<void> {
    const url = this.request.heartbeatWebhook;
    if (!url) return;
    const { infoMsg, ...counters } = this.#progress;
    // Running heartbeats are superseded a second later; only the final one is worth retrying.
    const retry = state.status === 'running' ? { ...this.#options.retry, attempts: 1 } : this.#options.retry;
    try {
      const heartbeat = buildHeartbeat({
        ...state,
        ...counters,
        ...(infoMsg !== undefined ? { infoMsg } : {}),
      } as Parameters<typeof buildHeartbeat>[0]);
      await postJson(url, heartbeat, retry);
    } catch (error) {
      this.log.warn('heartbeat not delivered', {
        ...this.#ids(),
        status: state.status,
        error: describeError(error),
      });
    }
  }

  #ids(): Record<string, string> {
    return { internalJobId: this.request.internalJobId, internalTaskId: this.request.internalTaskId };
  }
}

/** The reason to report: an explicit (valid) `failureReason` on the error or its causes, else one inferred from it. */
export function reasonOf(error: unknown): FailureReason {
  if (error instanceof EngineError && error.failureReason === undefined) {
    // An EngineError's own status is the answer it asks for, not the status of a failed call.
    return error.cause === undefined ? 'internal_error' : failureReasonFromError(error.cause);
  }
  return failureReasonFromError(error);
}

/** Heartbeat counters are non-negative integers: a fractional or negative count would make the heartbeat invalid. */
function counted(bytes: number): number {
  return Number.isFinite(bytes) && bytes > 0 ? Math.floor(bytes) : 0;
}

/** An error's message as it may be shown: URLs redacted, and `secrets` replaced as whole values. */
export function describeError(error: unknown, secrets: readonly string[] = []): string {
  return redactText(error instanceof Error ? error.message : String(error), secrets);
}
