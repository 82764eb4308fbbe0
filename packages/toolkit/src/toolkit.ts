import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chunkMetadataOf, parseMultipartResultFields, parseProcessRequest } from '@engine-kit/contracts';
import { mkdir, mkdtemp, open, rm, stat } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ChunkTask,
  ChunkRun,
  driveChunk,
  type ResolvedTask,
  type RunChunkOptions,
  resolveTaskIds,
} from './chunk-run.ts';
import { ToolkitError } from './common/errors.ts';
import {
  closeServer,
  isJsonContentType,
  listen,
  readBody,
  requestUrl,
  sendError,
  sendJson,
  sendText,
} from './common/http.ts';
import { parseMultipart } from './common/multipart.ts';
import { IMAGE_HEAD_BYTES, readImageSize, readVideoSize } from './image-size.ts';
import { guessMimeType } from './mime.ts';
import { type ChunkContent, createProcessAgents, postProcessForm, readChunkFile } from './process-post.ts';
import { toolkitUserAgent } from './protocol.ts';
import { parseRangeHeader } from './range.ts';
import { handleKeysRequest } from './redis-et/keys-api.ts';
import { type KeyValueStore, MemoryKeyValueStore, RedisKeyValueStore } from './redis-et/store.ts';
import type { ToolkitSummary, ToolkitWarning } from './summary.ts';

export interface StartToolkitOptions {
  /** The engine's process webhook (`VERITONE_WEBHOOK_PROCESS`). */
  processUrl: string;
  host?: string;
  /** Port of the toolkit's own server (webhooks, cacheURI, redisET); 0 = any free port. */
  port?: number;
  /** Root of taskTmpDir, engineDir and libraryModelDirectory; a temp folder (removed on close) by default. */
  workDir?: string;
  /**
   * redisET: `false` (the default: the seed offers `redisETUrl` only when the cluster has Redis)
   * disables it, `{ host, port }` uses that Redis, `'memory'` opts in to an in-memory store with
   * the same behaviour, or any `KeyValueStore`.
   */
  redisEt?: false | 'memory' | { host: string; port: number } | KeyValueStore;
  /** `controllerToken` for chunks that give none (set when `AIWARE_CONTROLLER` is exposed). */
  controllerToken?: string;
  /** The ffprobe used for the `width`/`height` of video chunks; `ffprobe` on the PATH by default. */
  ffprobePath?: string;
}

export interface Toolkit {
  /** Base URL of the toolkit server. */
  readonly url: string;
  /** The `redisETUrl` given to engines, when redisET is enabled. */
  readonly redisEtUrl: string | undefined;
  readonly redisEtStore: 'redis' | 'memory' | undefined;
  readonly workDir: string;
  runChunk(task: ChunkTask, options?: RunChunkOptions): Promise<ToolkitSummary>;
  close(): Promise<void>;
}

/**
 * Starts the emulated Engine Toolkit side: heartbeat, result and callback webhooks, the
 * chunk's cacheURI (with HTTP Range support) and the redisET keys API, all on one server.
 */
export async function startToolkit(options: StartToolkitOptions): Promise<Toolkit> {
  const host = options.host ?? '127.0.0.1';
  // The store first: it is the step that can fail (Redis down), and then no temp folder is left behind.
  const store = await createStore(options.redisEt ?? false);
  const ownsWorkDir = options.workDir === undefined;
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), 'engine-toolkit-')));
  const active = new Map<string, ChunkRun>();
  const scopes = {
    allows: (scope: 'job' | 'task', id: string) =>
      [...active.values()].some(
        (run) => (scope === 'job' ? run.task.internalJobId : run.task.internalTaskId) === id,
      ),
  };

  const server = createServer((request, response) => {
    // A 4xx with a reason for refused input (413 body too large, 400 bad percent-encoding or an
    // unparsable target), else 500; the URL is parsed inside the chain so nothing throws uncaught.
    Promise.resolve()
      .then(() => route(request, response, requestUrl(request)))
      .catch((error: unknown) => sendError(request, response, error, 'toolkit error'));
  });

  async function route(request: IncomingMessage, response: ServerResponse, url: URL) {
    const [, section, taskId, ...rest] = url.pathname.split('/');
    if (section === 'keys') {
      if (!store) return sendText(response, 404, 'redisET is not enabled');
      return handleKeysRequest(request, response, url, store, scopes);
    }
    const run = active.get(decodeURIComponent(taskId ?? ''));
    if (!run) return sendText(response, 404, `no running task "${taskId ?? ''}"`);
    if (section === 'cache' && rest.join('/') === 'chunk.data') return serveChunk(request, response, run);
    if (request.method !== 'POST') return sendText(response, 405, 'use POST');
    if (section === 'heartbeat') return receiveHeartbeat(request, response, run);
    if (section === 'result') return receiveResult(request, response, run);
    if (section === 'callback') return receiveCallback(request, response, run);
    return sendText(response, 404, 'unknown toolkit endpoint');
  }

  const url = await listen(server, options.port ?? 0, host);
  const redisEtUrl = store ? url : undefined;
  // Keep-alive connections to the engine, as the Go toolkit's http.Client keeps them.
  const agents = createProcessAgents();
  const folders = new Folders(workDir);

  async function runChunk(input: ChunkTask, runOptions: RunChunkOptions = {}): Promise<ToolkitSummary> {
    const task = resolveTaskIds({
      ...input,
      ...(input.controllerToken === undefined && options.controllerToken !== undefined
        ? { controllerToken: options.controllerToken }
        : {}),
    });
    if (active.has(task.internalTaskId)) {
      throw new ToolkitError('invalid_option', `task ${task.internalTaskId} is already running`);
    }
    const startedAt = new Date();
    const run = new ChunkRun(task, runOptions.onEvent);
    // Read once: its size, its image header and (when small) the body of every attempt.
    const content = task.chunk ? readChunkFile(task.chunk.path) : undefined;
    if (task.chunk && !content)
      throw new ToolkitError('chunk_not_found', `chunk file not found: ${task.chunk.path}`);
    const fields = await prepareFields(task, content, {
      url,
      folders,
      redisEtUrl,
      warn: (warning) => run.warn(warning),
      ...(options.ffprobePath ? { ffprobePath: options.ffprobePath } : {}),
    });
    checkProcessRequest(fields);
    // The chunk goes last, as the file `chunk.data` typed `application/octet-stream`, like the Go toolkit's.
    const file =
      task.chunk && content && !task.disableChunkDownload
        ? { path: task.chunk.path, filename: 'chunk.data', contentType: 'application/octet-stream', content }
        : undefined;
    const userAgent = toolkitUserAgent();
    active.set(task.internalTaskId, run);
    try {
      const completion = await driveChunk(
        run,
        (signal) => postProcessForm(options.processUrl, fields, file, { agents, userAgent, signal }),
        runOptions,
      );
      const invalid = run.outputs.filter((output) => output.valid === false).length;
      const strict = task.strict === true;
      const final =
        strict && completion.status === 'complete' && invalid > 0
          ? {
              status: 'failed' as const,
              failureReason: 'invalid_data' as const,
              failureMsg: `${invalid} output(s) are not valid VTN standard; see validationIssues`,
            }
          : completion;
      if (invalid > 0 && !strict) {
        run.warn({
          code: 'invalid_outputs',
          source: 'output',
          message: `${invalid} of ${run.outputs.length} output(s) are NOT valid VTN standard (see validationIssues); --strict fails the chunk for this`,
        });
      }
      if (final.status === 'complete') await run.sendNotifications();
      const summary: ToolkitSummary = {
        status: final.status,
        ...(final.failureReason ? { failureReason: final.failureReason } : {}),
        ...(final.failureMsg ? { failureMsg: final.failureMsg } : {}),
        mode: typeof task.payload?.mode === 'string' ? task.payload.mode : 'chunk',
        internalJobId: task.internalJobId,
        internalTaskId: task.internalTaskId,
        responseKind: completion.responseKind,
        outputs: run.outputs,
        heartbeats: run.heartbeats,
        validationIssues: run.issues,
        invalidOutputs: invalid,
        strict,
        warnings: run.warnings,
        processCalls: run.processCalls,
        notifications: run.notifications,
        fields: redactSecrets(fields),
        ...(redisEtUrl && store ? { redisEt: { url: redisEtUrl, store: store.kind } } : {}),
        timings: { startedAt: startedAt.toISOString(), processMs: run.elapsedMs(), totalMs: run.elapsedMs() },
      };
      run.emit({ type: 'summary', internalTaskId: task.internalTaskId, summary });
      return summary;
    } finally {
      active.delete(task.internalTaskId);
    }
  }

  return {
    url,
    redisEtUrl,
    redisEtStore: store?.kind,
    workDir,
    runChunk,
    async close() {
      agents.destroy();
      await closeServer(server);
      await store?.close();
      if (ownsWorkDir) await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** Summaries get printed and pasted into issues: tokens stay out of them. */
function redactSecrets(fields: Record<string, string>): Record<string, string> {
  const redacted = { ...fields };
  for (const name of ['token', 'controllerToken'])
    if (redacted[name] !== undefined) redacted[name] = '[redacted]';
  return redacted;
}

async function createStore(
  setting: NonNullable<StartToolkitOptions['redisEt']>,
): Promise<KeyValueStore | undefined> {
  if (setting === false) return undefined;
  if (setting === 'memory') return new MemoryKeyValueStore();
  if ('get' in setting) return setting;
  const store = new RedisKeyValueStore(setting);
  try {
    await store.ping();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/**
 * Creates each folder once: `engineDir` and `libraryModelDirectory` are the same for every task, and
 * chunks sharing a `taskFolder` share their `taskTmpDir`. Creating a folder is a journalled metadata
 * write that took 0.3 to 0.9 ms on this project's CI disk, as long as a whole call to a trivial
 * engine. A failed creation is forgotten, so the next task tries again.
 */
class Folders {
  readonly engineDir: string;
  readonly libraryModelDirectory: string;
  readonly #tasksDir: string;
  readonly #created = new Map<string, Promise<void>>();

  constructor(workDir: string) {
    this.engineDir = join(workDir, 'engine');
    this.libraryModelDirectory = join(workDir, 'cache', '0', 'libraries');
    this.#tasksDir = join(workDir, 'tasks');
  }

  /** The task's folder (its name is a checked id), with the shared folders, all existing. */
  async forTask(folder: string): Promise<string> {
    const taskTmpDir = join(this.#tasksDir, folder);
    await Promise.all(
      [this.engineDir, this.libraryModelDirectory, taskTmpDir].map((dir) => this.#ensure(dir)),
    );
    return taskTmpDir;
  }

  #ensure(dir: string): Promise<void> {
    let created = this.#created.get(dir);
    if (created === undefined) {
      // Bounded: a long run of single-chunk tasks must not grow this without end.
      if (this.#created.size >= MAX_REMEMBERED_FOLDERS) this.#created.clear();
      created = mkdir(dir, { recursive: true }).then(
        () => undefined,
        (error: unknown) => {
          this.#created.delete(dir);
          throw error;
        },
      );
      this.#created.set(dir, created);
    }
    return created;
  }
}

const MAX_REMEMBERED_FOLDERS = 10_000;

/** What computing a task's `/process` form fields needs. */
interface FieldContext {
  url: string;
  folders: Folders;
  redisEtUrl: string | undefined;
  warn: (warning: ToolkitWarning) => void;
  ffprobePath?: string;
}

/** Creates the task's folders and computes every `/process` form field except the file. */
async function prepareFields(
  task: ResolvedTask,
  content: ChunkContent | undefined,
  context: FieldContext,
): Promise<Record<string, string>> {
  const taskTmpDir = await context.folders.forTask(task.taskFolder ?? task.internalTaskId);
  const { engineDir, libraryModelDirectory } = context.folders;
  const taskPath = encodeURIComponent(task.internalTaskId);
  const fields: Record<string, string> = {
    internalJobId: task.internalJobId,
    internalTaskId: task.internalTaskId,
    payload: JSON.stringify(task.payload ?? {}),
    taskTmpDir,
    engineDir,
    libraryModelDirectory,
    heartbeatWebhook: `${context.url}/heartbeat/${taskPath}`,
    resultWebhook: `${context.url}/result/${taskPath}`,
    externalCallbackWebhook: `${context.url}/callback/${taskPath}`,
    maxTTL: String(task.maxTtlSeconds ?? 3600),
    chunkContext: task.chunkContext ?? `${task.internalTaskId}:${task.chunkIndex ?? 0}`,
    chunkIndex: String(task.chunkIndex ?? 0),
    chunkUUID: task.chunkUUID ?? randomUUID(),
  };
  if (task.chunk && content) Object.assign(fields, await chunkFields(task.chunk, content, context, taskPath));
  const optional: Record<string, string | number | undefined> = {
    startOffsetMS: task.startOffsetMs ?? (task.chunk ? 0 : undefined),
    endOffsetMS: task.endOffsetMs ?? (task.chunk ? 0 : undefined),
    veritoneApiBaseUrl: task.veritoneApiBaseUrl,
    token: task.token,
    libraryId: task.libraryId,
    libraryEngineModelId: task.libraryEngineModelId,
    inputFolderID: task.inputFolderID,
    controllerToken: task.controllerToken,
    redisETUrl: context.redisEtUrl,
  };
  for (const [name, value] of Object.entries(optional)) if (value !== undefined) fields[name] = String(value);
  for (const [name, value] of Object.entries(task.chunkMetadata ?? {}))
    fields[`chunk-metadata-${name}`] = value;
  return { ...fields, ...task.extraFields };
}

async function chunkFields(
  chunk: NonNullable<ChunkTask['chunk']>,
  content: ChunkContent,
  context: FieldContext,
  taskPath: string,
) {
  const mimeType = chunk.mimeType ?? guessMimeType(chunk.path);
  const fields: Record<string, string> = {
    chunkMimeType: mimeType,
    cacheURI: `${context.url}/cache/${taskPath}/chunk.data`,
  };
  const size =
    chunk.width && chunk.height
      ? { width: chunk.width, height: chunk.height }
      : await chunkSize(chunk.path, content, mimeType, context);
  if (size) Object.assign(fields, { width: String(size.width), height: String(size.height) });
  return fields;
}

/**
 * `width`/`height` of an image (its header: from the bytes already read, else the first
 * `IMAGE_HEAD_BYTES` of a large file) or a video (ffprobe, when installed).
 */
async function chunkSize(path: string, content: ChunkContent, mimeType: string, context: FieldContext) {
  if (mimeType.startsWith('image/'))
    return readImageSize(content.data ?? (await readHead(path, IMAGE_HEAD_BYTES)));
  if (!mimeType.startsWith('video/')) return undefined;
  const video = await readVideoSize(path, context.ffprobePath);
  if (video.kind === 'size') return video.size;
  context.warn({
    code: video.kind === 'ffprobe-missing' ? 'ffprobe_missing' : 'video_size_unknown',
    source: 'chunk',
    message:
      video.kind === 'ffprobe-missing'
        ? 'ffprobe is not installed: width/height are not sent for this video chunk (install ffmpeg to send them)'
        : `width/height are not sent for this video chunk: ${video.reason}`,
  });
  return undefined;
}

async function readHead(path: string, bytes: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Checks the fields with the `/process` contract before the engine sees them; they are sent as they are. */
function checkProcessRequest(fields: Record<string, string>): void {
  const parsed = parseProcessRequest(fields);
  if (parsed.success) return;
  const details = parsed.issues.map((issue) => `${issue.path || '/'}: ${issue.message}`).join('; ');
  throw new ToolkitError('invalid_option', `the /process request would be invalid: ${details}`);
}

async function serveChunk(request: IncomingMessage, response: ServerResponse, run: ChunkRun) {
  const chunk = run.task.chunk;
  if (!chunk) return sendText(response, 404, 'this task has no chunk');
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return sendText(response, 405, 'use GET or HEAD');
  const { size } = await stat(chunk.path);
  const range = parseRangeHeader(request.headers.range, size);
  response.setHeader('accept-ranges', 'bytes');
  response.setHeader('content-type', chunk.mimeType ?? guessMimeType(chunk.path));
  if (range.kind === 'unsatisfiable') {
    response.setHeader('content-range', `bytes */${size}`);
    return sendText(response, 416, 'requested range not satisfiable');
  }
  const start = range.kind === 'partial' ? range.start : 0;
  const end = range.kind === 'partial' ? range.end : size - 1;
  response.statusCode = range.kind === 'partial' ? 206 : 200;
  if (range.kind === 'partial') response.setHeader('content-range', `bytes ${start}-${end}/${size}`);
  response.setHeader('content-length', String(Math.max(0, end - start + 1)));
  if (request.method === 'HEAD' || size === 0) {
    response.end();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    createReadStream(chunk.path, { start, end }).on('error', reject).pipe(response).on('finish', resolve);
  });
}

async function receiveHeartbeat(request: IncomingMessage, response: ServerResponse, run: ChunkRun) {
  const json = parseJsonBody(await readBody(request));
  return answerHeartbeat(response, run.acceptHeartbeat(json));
}

function answerHeartbeat(response: ServerResponse, issues: ReturnType<ChunkRun['acceptHeartbeat']>) {
  if (issues.length === 0) return sendText(response, 204);
  return sendJson(response, 400, { error: 'malformed heartbeat', issues });
}

async function receiveResult(
  request: IncomingMessage,
  response: ServerResponse,
  run: ChunkRun,
  source: ResultSource = 'result-webhook',
) {
  const contentType = request.headers['content-type'] ?? '';
  if (contentType.startsWith('multipart/form-data'))
    return receiveMultipartResult(request, response, run, source);
  const body = await readBody(request);
  const json = isJsonContentType(contentType) || body.length > 0 ? parseJsonBody(body) : undefined;
  return answerResult(response, run.acceptResult(json, source));
}

type ResultSource = 'result-webhook' | 'callback';

function answerResult(response: ServerResponse, issues: ReturnType<ChunkRun['acceptResult']>) {
  if (issues.length === 0) return sendText(response, 204);
  return sendJson(response, 400, { error: 'malformed result', issues });
}

/**
 * `externalCallbackWebhook`: batch engines post their heartbeats and outputs there, and external
 * processors call it back. A JSON object with `output` (or a multipart form) is a result, one with
 * `status` a heartbeat; anything else is answered 400 and recorded as a warning.
 */
async function receiveCallback(request: IncomingMessage, response: ServerResponse, run: ChunkRun) {
  const contentType = request.headers['content-type'] ?? '';
  if (contentType.startsWith('multipart/form-data'))
    return receiveMultipartResult(request, response, run, 'callback');
  const json = parseJsonBody(await readBody(request));
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    if (Object.hasOwn(json, 'output')) return answerResult(response, run.acceptResult(json, 'callback'));
    if (Object.hasOwn(json, 'status'))
      return answerHeartbeat(response, run.acceptHeartbeat(json, 'callback'));
  }
  const message = 'a callback must be a heartbeat (a JSON object with status) or a result (with output)';
  run.warn({ code: 'unrecognised_callback', source: 'callback', message });
  return sendJson(response, 400, { error: 'unrecognised callback', code: 'unrecognised_callback', message });
}

/**
 * The seed's `multipart: true` result: each uploaded file is one (non-VTN) output, with the
 * result's `chunkContext`, offsets, `outputFolderID` and `chunk-metadata-*` kept. A form without
 * `multipart=true`, or with malformed offsets, is accepted with a warning.
 */
async function receiveMultipartResult(
  request: IncomingMessage,
  response: ServerResponse,
  run: ChunkRun,
  source: ResultSource,
) {
  const form = await parseMultipart(request);
  if (form.files.length === 0 && form.fields.output !== undefined) {
    const issues = run.acceptResult(
      { ...form.fields, output: parseJsonBody(Buffer.from(form.fields.output)) },
      source,
    );
    return answerResult(response, issues);
  }
  if (form.files.length === 0)
    return sendJson(response, 400, { error: 'multipart result without files or output' });
  const meta = multipartResultMeta(form.fields);
  if (meta.issues.length > 0) {
    run.warn({
      code: 'multipart_result_off_contract',
      source: 'result',
      message: `multipart result accepted but off the contract: ${meta.issues.join('; ')}`,
    });
  }
  for (const file of form.files) {
    run.addOutput(
      {
        source,
        contentType: file.mimeType,
        body: `${file.filename} (${file.data.length} bytes)`,
        ...meta.fields,
      },
      undefined,
      file.data,
    );
  }
  return sendText(response, 204);
}

function multipartResultMeta(fields: Record<string, string>) {
  const issues: string[] = [];
  if (fields.multipart !== 'true')
    issues.push(
      `multipart is ${fields.multipart === undefined ? 'missing' : `"${fields.multipart}"`}, not "true"`,
    );
  const checked = parseMultipartResultFields({ ...fields, multipart: 'true' });
  if (!checked.success)
    issues.push(...checked.issues.map((issue) => `${issue.path || '/'}: ${issue.message}`));
  const offset = (name: string) => {
    const text = fields[name];
    const value = text === undefined ? Number.NaN : Number(text);
    return Number.isSafeInteger(value) && value >= 0 && /^\d+$/.test(text ?? '') ? { [name]: value } : {};
  };
  const chunkMetadata = chunkMetadataOf(fields);
  return {
    issues,
    fields: {
      ...(fields.chunkContext !== undefined ? { chunkContext: fields.chunkContext } : {}),
      ...offset('startOffsetMs'),
      ...offset('endOffsetMs'),
      ...(fields.outputFolderID !== undefined ? { outputFolderID: fields.outputFolderID } : {}),
      ...(Object.keys(chunkMetadata).length > 0 ? { chunkMetadata } : {}),
    },
  };
}

/** Malformed JSON is kept as the raw text so the parser reports it as an issue. */
function parseJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
