import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type ProcessRequest, parseProcessRequest } from '@engine-kit/contracts';
import {
  type EntityWithIdentifiers,
  type LibraryClient,
  type LibraryEngineModel,
  libraryClientFromProcessRequest,
  runTraining,
  type TrainingOutcome,
} from '@engine-kit/library-client';
import { resolveVtnVersion, type VtnVersion, validate } from '@engine-kit/vtn-standard';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './common/retry.ts';
import {
  type EngineLimits,
  nonNegativeInteger,
  positiveInteger,
  resolveAddress,
  resolveConcurrency,
  resolveLimits,
} from './config.ts';
import { describeError, type ProcessContext, RequestContext, reasonOf } from './context.ts';
import { EngineError, type EngineErrorCode } from './errors.ts';
import { type Ticket, WorkGate } from './gate.ts';
import {
  type LibraryRunOptions,
  type LoadedModel,
  libraryIdsOf,
  ModelLoader,
  requireLibraryEngineModelId,
} from './library.ts';
import { DEFAULT_INPUT_TIMEOUTS, type InputTimeouts } from './input.ts';
import { createJsonLogger, type EngineLogger } from './logger.ts';
import { type ChunkFile, readProcessForm, removeChunk } from './multipart.ts';
import { isIgnored, isNonVtnOutput, type ProcessOutput } from './output.ts';
import { confinedDirectory } from './paths.ts';
import { redactingLogger, redactText, requestSecrets } from './redact.ts';

/**
 * How `/process` answers: `chunk` returns the handler's output in the response (or goes async
 * when the handler calls `context.acknowledge()`); `stream` and `batch` acknowledge at once and
 * report through heartbeats and the result webhook.
 */
export type EngineMode = 'chunk' | 'stream' | 'batch';

export interface TrainArgs {
  request: ProcessRequest;
  client: LibraryClient;
  /** The library's entities with their identifiers, paged lazily. */
  entities: AsyncIterable<EntityWithIdentifiers>;
  /** The model as it is after `trainStatus` was set to `running`. */
  model: LibraryEngineModel;
  context: ProcessContext;
}

export interface RunArgs {
  request: ProcessRequest;
  model: LoadedModel;
  context: ProcessContext;
}

/** What `train` returns: the model to save (`jsondata`, `file`), or nothing to only mark it complete. */
// biome-ignore lint/suspicious/noConfusingVoidType: an async handler that saves nothing simply returns nothing.
export type TrainResult = TrainingOutcome | undefined | void;

/**
 * A `process` handler: returns (or resolves to) a VTN document, `nonVtnOutput(...)`, `ignore()` or nothing.
 * An object literal that is not a VTN document is a compile error.
 */
export type ProcessHandler = (
  request: ProcessRequest,
  context: ProcessContext,
) => ProcessOutput | Promise<ProcessOutput>;

export interface EngineDefinition {
  /** Default `chunk`. */
  mode?: EngineMode;
  /** Loads what the engine needs; `/ready` answers 503 until it resolves, 500 if it throws. */
  ready?: () => unknown;
  process: ProcessHandler;
  /** `payload.mode === 'library-train'`: returns the model to save (`jsondata`, `file`). */
  train?: (args: TrainArgs) => Promise<TrainResult> | TrainResult;
  /** `payload.mode === 'library-run'`: like `process`, with the library engine model loaded once per process. */
  run?: (args: RunArgs) => ProcessOutput | Promise<ProcessOutput>;
  /** Identifier type the training entities are filtered by (e.g. `face`); else `payload.identifierTypeId`. */
  identifierTypeId?: string;
  host?: string;
  port?: number;
  readyPath?: string;
  processPath?: string;
  /** Work running at once; default `VERITONE_CONCURRENT_TASKS`, else 1. */
  concurrency?: number;
  /** Requests waiting for a slot before new ones get 503 + Retry-After; default `concurrency`. */
  maxQueued?: number;
  limits?: Partial<EngineLimits>;
  /** Validate VTN output and log the issues; default `NODE_ENV !== 'production'`. */
  validateOutput?: boolean;
  /** VTN version the output check uses; default the output's `$schema` (a v2 URL means v2), else v1. */
  vtnVersion?: VtnVersion;
  /**
   * Refuse (400) what real toolkits send but is off: a request without `internalJobId`/`internalTaskId`
   * (the Go toolkit), a `payload.mode` that is not a library mode. Default false: accepted with a warning.
   */
  strictRequests?: boolean;
  /**
   * Longest run of one handler when the request has no `maxTTL` (with one: `maxTTL` seconds); then the task
   * fails with `chunk_timeout` and its slot is freed. Default 3 600 000 ms; 0 turns the bound off.
   */
  taskTimeoutMs?: number;
  /** Timeouts of `context.openInput()` (the `cacheURI` read); default 30 s to headers, 60 s idle, 1 h total. */
  input?: Partial<InputTimeouts>;
  /** Default 1000 ms. */
  heartbeatIntervalMs?: number;
  /** Result and final-heartbeat delivery; default 4 attempts, 100 ms doubling to 2 s, 10 s per call. */
  retry?: Partial<RetryPolicy>;
  /** How long `close()` (SIGTERM) waits for in-flight work; default 30 000 ms. */
  drainTimeoutMs?: number;
  /** `estimatedProcessingTimeInSeconds` when the request has no `maxTTL`; default 3600. */
  defaultEstimateSeconds?: number;
  /** Where chunk files go when the request has no `taskTmpDir`; default the OS temp folder. */
  tmpDir?: string;
  logger?: EngineLogger;
  /** `library-run`: how often the model version is checked, and the model wait and size limits. */
  library?: LibraryRunOptions;
  /** Environment to read `VERITONE_*` from; default `process.env`. */
  env?: Record<string, string | undefined>;
}

export type EngineState = 'idle' | 'starting' | 'ready' | 'failed' | 'draining' | 'closed';

export interface ListenInfo {
  url: string;
  host: string;
  port: number;
  readyUrl: string;
  processUrl: string;
}

export interface CloseResult {
  /** False when the drain timeout passed and remaining work was aborted. */
  drained: boolean;
}

export interface Engine {
  readonly state: EngineState;
  /** Work admitted and not finished (sync requests, queued requests and async tasks). */
  readonly inFlight: number;
  listen(): Promise<ListenInfo>;
  /** Drains: `/ready` 503, new `/process` 503, waits for in-flight work (up to the drain timeout), then closes. */
  close(options?: { timeoutMs?: number }): Promise<CloseResult>;
}

const ABORT_GRACE_MS = 2_000;
const DEFAULT_TASK_TIMEOUT_MS = 3_600_000;

/** A request that holds a place in the gate, so a drain that times out can still answer it and remove its chunk. */
interface PendingRequest {
  response: ServerResponse;
  chunk: ChunkFile | undefined;
}

export function createEngine(definition: EngineDefinition): Engine {
  return new EngineServer(definition);
}

class EngineServer implements Engine {
  readonly #definition: EngineDefinition;
  readonly #log: EngineLogger;
  readonly #limits: EngineLimits;
  readonly #address: ReturnType<typeof resolveAddress>;
  readonly #gate: WorkGate;
  readonly #retry: RetryPolicy;
  readonly #heartbeatIntervalMs: number;
  readonly #drainTimeoutMs: number;
  readonly #validateOutput: boolean;
  readonly #models: ModelLoader;
  readonly #abort = new AbortController();
  /** Acknowledged tasks still running, so a drain that times out can report them failed. */
  readonly #tasks = new Set<RequestContext>();
  /** Admitted requests not yet answered. */
  readonly #pending = new Set<PendingRequest>();
  /** `/process` calls not finished (receiving, queued or running): each settles once its chunk file is gone. */
  readonly #requests = new Set<Promise<void>>();
  readonly #taskTimeoutMs: number;
  readonly #inputTimeouts: InputTimeouts;
  readonly #server: Server;
  #state: EngineState = 'idle';
  #readyError: string | undefined;
  #closing: Promise<CloseResult> | undefined;

  constructor(definition: EngineDefinition) {
    if (typeof definition?.process !== 'function') {
      throw new EngineError('invalid_option', 'createEngine needs a process(request, context) handler.');
    }
    const env = definition.env ?? process.env;
    this.#definition = definition;
    this.#models = new ModelLoader(definition.library);
    this.#log = redactingLogger(definition.logger ?? createJsonLogger());
    this.#taskTimeoutMs = nonNegativeInteger(
      'taskTimeoutMs',
      definition.taskTimeoutMs ?? DEFAULT_TASK_TIMEOUT_MS,
    );
    this.#inputTimeouts = { ...DEFAULT_INPUT_TIMEOUTS };
    for (const [name, value] of Object.entries(definition.input ?? {})) {
      if (value === undefined) continue;
      this.#inputTimeouts[name as keyof InputTimeouts] = positiveInteger(`input.${name}`, value);
    }
    this.#limits = resolveLimits(definition.limits);
    this.#address = resolveAddress(env, definition);
    const concurrency = resolveConcurrency(env, definition.concurrency);
    this.#gate = new WorkGate(
      concurrency,
      nonNegativeInteger('maxQueued', definition.maxQueued ?? concurrency),
    );
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...definition.retry };
    this.#heartbeatIntervalMs = positiveInteger(
      'heartbeatIntervalMs',
      definition.heartbeatIntervalMs ?? 1_000,
    );
    this.#drainTimeoutMs = nonNegativeInteger('drainTimeoutMs', definition.drainTimeoutMs ?? 30_000);
    this.#validateOutput = definition.validateOutput ?? env.NODE_ENV !== 'production';
    this.#server = createServer(
      {
        headersTimeout: this.#limits.headersTimeoutMs,
        requestTimeout: this.#limits.requestTimeoutMs,
        // Node checks both timeouts on this interval (30 s by default): keep it below the header timeout.
        connectionsCheckingInterval: Math.max(
          50,
          Math.min(1_000, Math.floor(this.#limits.headersTimeoutMs / 4)),
        ),
        keepAliveTimeout: 5_000,
      },
      (request, response) => void this.#route(request, response),
    );
    this.#server.on('clientError', (error, socket) =>
      answerClientError(error as NodeJS.ErrnoException, socket as Socket),
    );
  }

  get state(): EngineState {
    return this.#state;
  }

  get inFlight(): number {
    return this.#gate.admitted;
  }

  async listen(): Promise<ListenInfo> {
    if (this.#state !== 'idle')
      throw new EngineError('invalid_option', 'listen() can be called once per engine.');
    this.#state = 'starting';
    const { host, port, readyPath, processPath } = this.#address;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    void this.#becomeReady();
    const bound = (this.#server.address() as AddressInfo).port;
    const urlHost =
      host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    const url = `http://${urlHost}:${bound}`;
    this.#log.info('engine listening', { url, readyPath, processPath, concurrency: this.#gate.concurrency });
    return { url, host, port: bound, readyUrl: `${url}${readyPath}`, processUrl: `${url}${processPath}` };
  }

  async #becomeReady(): Promise<void> {
    try {
      await this.#definition.ready?.();
      if (this.#state === 'starting') this.#state = 'ready';
    } catch (error) {
      this.#readyError = describeError(error);
      if (this.#state === 'starting') this.#state = 'failed';
      this.#log.error('ready failed', { error: this.#readyError });
    }
  }

  close(options: { timeoutMs?: number } = {}): Promise<CloseResult> {
    this.#closing ??= this.#drain(options.timeoutMs ?? this.#drainTimeoutMs);
    return this.#closing;
  }

  async #drain(timeoutMs: number): Promise<CloseResult> {
    this.#state = 'draining';
    this.#log.info('draining', { inFlight: this.#gate.admitted, timeoutMs });
    let drained = await settlesWithin(this.#whenQuiet(), timeoutMs);
    if (!drained) {
      this.#log.warn('drain timeout: aborting remaining work', { inFlight: this.#gate.admitted });
      // Work that never started is answered 503 by its own request (its start() rejects).
      this.#gate.refuseWaiting(
        new EngineError('shutting_down', 'the engine shut down before this request was started', {
          status: 503,
          failureReason: 'system_error',
        }),
      );
      this.#abort.abort(
        new EngineError('shutting_down', 'the engine is shutting down', { failureReason: 'system_error' }),
      );
      await settlesWithin(this.#gate.whenIdle(), ABORT_GRACE_MS);
      const shutdown = new EngineError('shutting_down', 'the engine shut down before the task finished', {
        failureReason: 'system_error',
      });
      await Promise.all([...this.#tasks].map((task) => task.finish({ error: shutdown })));
      await this.#answerAbandoned();
      drained = false;
    }
    await this.#closeServer();
    // Closing the connections ends every upload still arriving: wait until their partial chunks are removed.
    await settlesWithin(
      Promise.all(this.#requests).then(() => undefined),
      ABORT_GRACE_MS,
    );
    this.#state = 'closed';
    this.#log.info('closed', { drained });
    return { drained };
  }

  /** No admitted work and no `/process` call still going on. */
  async #whenQuiet(): Promise<void> {
    await this.#gate.whenIdle();
    while (this.#requests.size > 0) {
      await Promise.all(this.#requests);
      await this.#gate.whenIdle();
    }
  }

  /** Handlers that ignored the abort: their requests get 503 `shutting_down` and their chunks are removed. */
  async #answerAbandoned(): Promise<void> {
    const abandoned = [...this.#pending];
    this.#pending.clear();
    for (const { response } of abandoned) {
      refuse(response, 503, 'shutting_down', 'the engine shut down before this request finished', {
        connection: 'close',
      });
    }
    await Promise.all(abandoned.map(({ chunk }) => removeChunk(chunk)));
  }

  #closeServer(): Promise<void> {
    if (!this.#server.listening) return Promise.resolve();
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeIdleConnections();
      setTimeout(() => this.#server.closeAllConnections(), 500).unref();
    });
  }

  async #route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    try {
      if (path === this.#address.readyPath) return this.#answerReady(request, response);
      if (path === this.#address.processPath) {
        if (request.method !== 'POST') {
          refuse(response, 405, 'method_not_allowed', 'use POST', { allow: 'POST' });
          return discardRestOf(request);
        }
        return await this.#process(request, response);
      }
      refuse(response, 404, 'not_found', `no webhook at ${path}`);
    } catch (error) {
      this.#log.error('unexpected error while answering', { path, error: describeError(error) });
      refuse(response, 500, 'handler_failed', describeError(error));
    }
  }

  #answerReady(request: IncomingMessage, response: ServerResponse): void {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      refuse(response, 405, 'method_not_allowed', 'use GET', { allow: 'GET, HEAD' });
      return;
    }
    const [status, text] = readyAnswer(this.#state, this.#readyError);
    sendText(response, status, text, status === 503 ? { 'retry-after': '1' } : {});
  }

  async #process(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (this.#state === 'draining' || this.#state === 'closed') {
      refuse(response, 503, 'shutting_down', 'the engine is draining and takes no new work');
      return discardRestOf(request);
    }
    if (this.#state !== 'ready') {
      refuse(response, 503, 'not_ready', `the engine is ${this.#state}`, { 'retry-after': '1' });
      return discardRestOf(request);
    }
    const receiving = this.#requests.size - this.#gate.admitted;
    if (receiving >= this.#limits.uploads) {
      refuse(response, 503, 'busy', `${receiving} request bodies are being received; try again`, {
        'retry-after': '1',
      });
      return discardRestOf(request);
    }
    // Until it ends, this request counts for the drain: its chunk is removed before the process may exit.
    let done!: () => void;
    const handled = new Promise<void>((resolve) => {
      done = resolve;
    });
    this.#requests.add(handled);
    let chunk: ChunkFile | undefined;
    let reply: (() => void) | undefined;
    let ticket: Ticket | undefined;
    let pending: PendingRequest | undefined;
    // The body is received before the request is admitted: a slow upload never holds a work slot or a queue place.
    const upload = readProcessForm(request, { limits: this.#limits, tmpRoot: this.#definition.tmpDir });
    try {
      const form = await upload.form;
      chunk = form.chunk;
      // A body that was arriving when the drain began is in-flight work: it runs, unless the drain already gave up.
      if (this.#abort.signal.aborted) {
        throw new EngineError('shutting_down', 'the engine shut down before this request was started', {
          status: 503,
        });
      }
      const fields: Array<[string, string]> = chunk ? [...form.fields, ['chunk', chunk.path]] : form.fields;
      const parsed = parseProcessRequest(fields, { strict: this.#definition.strictRequests ?? false });
      if (!parsed.success) {
        const reasons = parsed.issues.map((issue) => `${issue.path || '/'}: ${issue.message}`).join('; ');
        const shown = redactText(reasons, requestSecretsOf(fields));
        reply = () => refuse(response, 400, 'invalid_request', shown);
        return;
      }
      const confined = await confineDirectories(parsed.data);
      ticket = this.#gate.tryAdmit();
      if (!ticket) {
        const admitted = this.#gate.admitted;
        reply = () =>
          refuse(response, 503, 'busy', `${admitted} requests in flight; try again`, { 'retry-after': '1' });
        return;
      }
      pending = { response, chunk };
      this.#pending.add(pending);
      await ticket.start();
      const warnings = parsed.warnings.map((warning) => `${warning.path || '/'}: ${warning.message}`);
      reply = await this.#work(confined, warnings, response, ticket);
    } catch (error) {
      if (!(error instanceof EngineError) || (error.status >= 500 && error.status !== 503)) throw error;
      this.#log.warn('request refused', { code: error.code, error: error.message });
      reply = () => {
        // A stalled client will not finish its body: close instead of waiting for it.
        refuse(
          response,
          error.status,
          error.code,
          error.message,
          error.status === 408 ? { connection: 'close' } : error.status === 503 ? { 'retry-after': '1' } : {},
        );
        if (error.status !== 408) discardRestOf(request);
      };
    } finally {
      // The chunk is gone before the answer leaves, so the caller may clean up the task folder at once.
      await upload.settled;
      await removeChunk(chunk);
      ticket?.release();
      if (pending) this.#pending.delete(pending);
      this.#requests.delete(handled);
      done();
      reply?.();
    }
  }

  /**
   * Runs the handler for one parsed request and answers (sync) or reports (acknowledged). The handler is
   * bounded by `maxTTL` (else `taskTimeoutMs`): past it, the task fails with `chunk_timeout` and its slot is
   * freed even if the handler never returns (its signal aborts).
   */
  async #work(
    request: ProcessRequest,
    warnings: readonly string[],
    response: ServerResponse,
    ticket: Ticket,
  ): Promise<(() => void) | undefined> {
    const secrets = requestSecrets(request);
    const log = redactingLogger(this.#log, secrets);
    if (warnings.length > 0) {
      log.warn('request accepted with warnings', { internalTaskId: request.internalTaskId, warnings });
    }
    const timeout = new AbortController();
    const context = new RequestContext({
      request,
      signal: AbortSignal.any([this.#abort.signal, timeout.signal]),
      log,
      warnings,
      secrets,
      inputTimeouts: this.#inputTimeouts,
      heartbeatIntervalMs: this.#heartbeatIntervalMs,
      retry: this.#retry,
      defaultEstimateSeconds: this.#definition.defaultEstimateSeconds ?? 3_600,
      checkOutput: (output) => this.#checkOutput(output, request),
      sendAcknowledgement: (estimatedProcessingTimeInSeconds) => {
        this.#tasks.add(context);
        return sendJson(response, 200, { estimatedProcessingTimeInSeconds });
      },
    });
    let output: unknown;
    let error: unknown;
    const limit = taskLimit(request.maxTTL, this.#taskTimeoutMs);
    let timer: NodeJS.Timeout | undefined;
    try {
      const handler = this.#handlerFor(request);
      if (handler.async || this.#definition.mode === 'stream' || this.#definition.mode === 'batch') {
        await context.acknowledge();
      }
      const running = Promise.resolve().then(() => handler.run(context));
      output = await (limit === undefined
        ? running
        : Promise.race([
            running,
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => {
                const expired = new EngineError(
                  'chunk_timeout',
                  `the task did not finish within ${limit.ms} ms (${limit.from}); its work was aborted`,
                  { status: 504, failureReason: 'internal_error' },
                );
                timeout.abort(expired);
                // The slot is free for other work now, whether or not the handler ever returns.
                ticket.release();
                reject(expired);
              }, limit.ms);
            }),
          ]));
    } catch (thrown) {
      error = thrown;
    } finally {
      clearTimeout(timer);
    }
    if (context.acknowledged) {
      await context.finish({ output, error });
      this.#tasks.delete(context);
      return undefined;
    }
    if (error !== undefined) return () => this.#answerFailure(response, error, request);
    return () => this.#answerOutput(response, output, request);
  }

  #handlerFor(request: ProcessRequest): { async: boolean; run: (context: ProcessContext) => unknown } {
    const { train, run } = this.#definition;
    const mode = (request.payload as { mode?: unknown }).mode;
    if (mode === 'library-train') {
      if (!train) {
        throw new EngineError(
          'unsupported_mode',
          'this engine has no train handler for payload.mode library-train',
          {
            status: 400,
            failureReason: 'invalid_data',
          },
        );
      }
      return { async: true, run: (context) => this.#train(request, context) };
    }
    if (mode === 'library-run' && run) {
      return {
        async: false,
        run: async (context) => {
          const model = await this.#models.load(request, libraryClientFromProcessRequest(request), {
            signal: context.signal,
          });
          return run({ request, model, context });
        },
      };
    }
    return { async: false, run: (context) => this.#definition.process(request, context) };
  }

  async #train(request: ProcessRequest, context: ProcessContext): Promise<undefined> {
    const train = this.#definition.train!;
    const libraryEngineModelId = requireLibraryEngineModelId(request);
    const { libraryId } = libraryIdsOf(request);
    if (!libraryId) {
      throw new EngineError('invalid_request', 'libraryId is missing from the request and its payload', {
        status: 400,
        failureReason: 'invalid_data',
      });
    }
    const payloadType = (request.payload as { identifierTypeId?: unknown }).identifierTypeId;
    const identifierTypeId =
      this.#definition.identifierTypeId ?? (typeof payloadType === 'string' ? payloadType : undefined);
    const client = libraryClientFromProcessRequest(request);
    context.setInfo(`training library engine model ${libraryEngineModelId}`);
    await runTraining(client, {
      libraryEngineModelId,
      ...(request.token ? { secrets: [request.token] } : {}),
      train: async ({ model }) =>
        train({
          request,
          client,
          model,
          context,
          entities: client.iterateEntities({
            libraryId,
            ...(identifierTypeId ? { identifierTypeId } : {}),
            signal: context.signal,
          }),
        }),
    });
    return undefined;
  }

  #checkOutput(output: unknown, request: ProcessRequest): void {
    if (!this.#validateOutput || isNonVtnOutput(output)) return;
    const version = resolveVtnVersion(output, this.#definition.vtnVersion);
    const result = validate(output, { version });
    if (!result.success) {
      this.#log.warn('output is not valid VTN', {
        internalTaskId: request.internalTaskId,
        vtnVersion: version,
        issues: result.issues.slice(0, 20),
      });
    }
  }

  #answerOutput(response: ServerResponse, output: unknown, request: ProcessRequest): void {
    if (output === undefined || output === null || isIgnored(output)) {
      response.writeHead(204).end();
      return;
    }
    if (isNonVtnOutput(output)) {
      response.writeHead(200, { 'content-type': output.contentType }).end(output.body);
      return;
    }
    this.#checkOutput(output, request);
    void sendJson(response, 200, output);
  }

  #answerFailure(response: ServerResponse, error: unknown, request: ProcessRequest): void {
    const status = statusOf(error);
    const failureReason = reasonOf(error);
    const message = describeError(error, requestSecrets(request));
    this.#log.error('process failed', {
      internalTaskId: request.internalTaskId,
      status,
      failureReason,
      error: message,
    });
    // A timeout is reported by its task failure reason (the GraphQL `chunk_timeout`), not a heartbeat one.
    const prefix =
      error instanceof EngineError && error.code === 'chunk_timeout' ? error.code : failureReason;
    sendText(response, status, `${prefix}: ${message}`);
  }
}

/** The request's secrets from its raw fields, for refusals written before the request is parsed. */
function requestSecretsOf(fields: ReadonlyArray<readonly [string, string]>): string[] {
  return requestSecrets({
    token: fields.find(([name]) => name === 'token')?.[1],
    controllerToken: fields.find(([name]) => name === 'controllerToken')?.[1],
  });
}

/**
 * `taskTmpDir` and `libraryModelDirectory` are trusted only as far as this: absolute, without `..`, and
 * an existing directory; the request goes on with their normalised form.
 * @throws {EngineError} 400 `invalid_request` with a reason that never repeats the path.
 */
async function confineDirectories(request: ProcessRequest): Promise<ProcessRequest> {
  const confined = { ...request };
  for (const field of ['taskTmpDir', 'libraryModelDirectory'] as const) {
    const value = request[field];
    if (value === undefined) continue;
    const checked = await confinedDirectory(field, value);
    if (!checked.ok) {
      throw new EngineError('invalid_request', checked.reason, {
        status: 400,
        failureReason: 'invalid_data',
      });
    }
    confined[field] = checked.path;
  }
  return confined;
}

/** The bound of one task: `maxTTL` seconds when sent (and not 0), else the option; none when the option is 0. */
function taskLimit(
  maxTTL: number | undefined,
  optionMs: number,
): { ms: number; from: 'maxTTL' | 'taskTimeoutMs' } | undefined {
  // setTimeout fires at once for delays above 2^31 - 1 ms (about 24.8 days).
  const clamp = (ms: number) => Math.min(ms, 2_147_483_647);
  if (maxTTL !== undefined && maxTTL > 0) return { ms: clamp(maxTTL * 1000), from: 'maxTTL' };
  return optionMs > 0 ? { ms: clamp(optionMs), from: 'taskTimeoutMs' } : undefined;
}

/** 503 until ready, 200 when ready, 500 when ready() failed (the toolkit then shuts down), 503 while draining. */
function readyAnswer(state: EngineState, readyError: string | undefined): [number, string] {
  switch (state) {
    case 'ready':
      return [200, 'ready'];
    case 'failed':
      return [500, `ready_failed: ${readyError ?? 'ready() threw'}`];
    case 'draining':
    case 'closed':
      return [503, 'shutting_down: the engine is draining and will exit'];
    default:
      return [503, 'not_ready: the engine is still starting'];
  }
}

function statusOf(error: unknown): number {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599
    ? status
    : 500;
}

const DISCARD_LIMIT_MS = 5_000;

/**
 * After an early refusal the client may still be sending: Node discards the rest of the body so the
 * client can read the answer (closing at once makes it fail with EPIPE), but only for a while.
 */
function discardRestOf(request: IncomingMessage): void {
  if (request.complete) return;
  request.resume();
  const timer = setTimeout(() => request.socket.destroy(), DISCARD_LIMIT_MS).unref();
  request.once('end', () => clearTimeout(timer));
  request.once('close', () => clearTimeout(timer));
}

function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(`${text}\n`);
}

function refuse(
  response: ServerResponse,
  status: number,
  code: EngineErrorCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendText(response, status, `${code}: ${message}`, headers);
}

function sendJson(response: ServerResponse, status: number, body: unknown): Promise<void> {
  return new Promise((resolve) => {
    if (response.headersSent) return resolve();
    response
      .writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify(body), () => resolve());
  });
}

/** Errors Node's HTTP parser raises before a request exists: answer them in plain text too. */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || pending?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, statusText, body] = clientErrorResponse(error);
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${body}\n`,
  );
}

function clientErrorResponse(error: NodeJS.ErrnoException): [number, string, string] {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return [408, 'Request Timeout', 'request_timeout: the request headers or body did not arrive in time'];
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return [431, 'Request Header Fields Too Large', 'invalid_http: the request headers are too large'];
  }
  return [400, 'Bad Request', `invalid_http: ${error.message}`];
}
