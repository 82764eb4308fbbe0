import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import {
  type DocumentNode,
  execute,
  GraphQLError,
  type GraphQLSchema,
  parse,
  Source,
  validate,
} from 'graphql';
import { seededRandom } from './common/random.ts';
import { CoreEmulatorError } from './errors.ts';
import {
  checkQueryText,
  DEFAULT_QUERY_LIMITS,
  estimateQuery,
  type ListBound,
  type QueryLimits,
} from './query-limits.ts';
import { createRootValue, emulatorSchema, type RequestContext, type UploadedFilePart } from './resolvers.ts';
import { applySeed, type Seed } from './seed.ts';
import { EmulatorStore, type StoredJob } from './store.ts';

export interface CoreEmulatorOptions {
  /** Port on 127.0.0.1 (or `host`); 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** A seed object, a seed JSON file, or a folder (`seed.json`, or `<entity>/<media>` sub-folders). */
  seed?: Seed | string;
  /** identifierTypeId given to seeded identifiers that name none (default `face`). */
  identifierTypeId?: string;
  /** Give every seeded library without models a `pending` library engine model of this engine. */
  engineId?: string;
  /** Persist the store in this folder (state.json + blobs/); in memory when omitted. */
  dataDir?: string;
  /** When set, GraphQL requests need `Authorization: Bearer <token>`. */
  token?: string;
  /** Delay added to every GraphQL request. */
  latencyMs?: number;
  /** Share (0..1) of GraphQL requests answered with a random 502, 503 or 504. */
  faultRate?: number;
  /** Share (0..1) of GraphQL requests answered 429 with `Retry-After`. */
  throttleRate?: number;
  /** At most `requests` GraphQL requests per `windowMs`; the rest get 429 with `Retry-After`. */
  rateLimit?: { requests: number; windowMs: number };
  /** `Retry-After` seconds of injected 429s (default 1; rate-limit 429s say when the window ends). */
  retryAfterSeconds?: number;
  /** Seed of the fault/throttle RNG (default 1), so injected failures are reproducible. */
  randomSeed?: number;
  /** Called for every job created with `createJob` or by `publishLibrary`. */
  onJob?: (job: StoredJob) => void;
  /**
   * Publishing a library starts a `library-train` job for each of its library engine models and marks
   * them `queued`, as the platform does (default true).
   */
  trainOnPublish?: boolean;
  /**
   * Origin put into media URLs (`dataUrl`, identifier `url`), e.g. `http://core.example:4000` when the
   * emulator is reached through another name. Default: the address it is bound to. The request's
   * `Host` header is never used: a client controls it.
   */
  publicUrl?: string;
  /** Deepest field nesting of a query (default 12). */
  maxQueryDepth?: number;
  /** Most objects a query may resolve, estimated before execution (default 250,000). */
  maxQueryCost?: number;
  /** Largest `limit` argument (default 1,000). */
  maxListLimit?: number;
  /** Largest JSON body, and largest multipart text field (default 16 MiB). */
  maxBodyBytes?: number;
  /** Largest uploaded `file` part, streamed to disk (default 1 GiB). */
  maxUploadBytes?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;
/** Text fields a multipart request may carry (`query`, `variables`, `operationName` and a few more). */
const MAX_MULTIPART_FIELDS = 16;

export interface CoreEmulatorStats {
  /** GraphQL HTTP requests received (including faulted, throttled and unauthorized ones). */
  requests: number;
  /** Requests answered by executing GraphQL. */
  executed: number;
  faults: number;
  throttled: number;
  unauthorized: number;
  inFlight: number;
  /** Most GraphQL requests in progress at once, measured on the server. */
  peakConcurrency: number;
  /** Executed requests per GraphQL operation name. */
  operations: Record<string, number>;
  /** GET requests for media (identifier images and model files), served or not. */
  mediaGets: number;
}

export interface CoreEmulator {
  /** Origin, e.g. `http://127.0.0.1:4123`. */
  readonly url: string;
  /** `<url>/v3/graphql`. */
  readonly graphqlUrl: string;
  readonly store: EmulatorStore;
  /** Jobs created with `createJob`, oldest first. */
  readonly jobs: StoredJob[];
  stats(): CoreEmulatorStats;
  resetStats(): void;
  close(): Promise<void>;
}

const FAULT_STATUSES = [502, 503, 504] as const;

/** Starts the emulated aiWARE core (GraphQL at `/v3/graphql`, media at `/media/...`). */
export async function startCoreEmulator(options: CoreEmulatorOptions = {}): Promise<CoreEmulator> {
  checkOptions(options);
  const store = new EmulatorStore(options.dataDir);
  if (options.seed !== undefined && store.isEmpty) {
    applySeed(store, options.seed, {
      ...(options.identifierTypeId ? { identifierTypeId: options.identifierTypeId } : {}),
      ...(options.engineId ? { engineId: options.engineId } : {}),
    });
  }
  const jobs: StoredJob[] = [...store.jobs.values()];
  const rootValue = createRootValue(store, {
    onJob: (job) => {
      jobs.push(job);
      options.onJob?.(job);
    },
    trainOnPublish: options.trainOnPublish,
  });
  const schema = emulatorSchema();
  const limits: QueryLimits = {
    ...DEFAULT_QUERY_LIMITS,
    ...(options.maxQueryDepth !== undefined ? { maxDepth: options.maxQueryDepth } : {}),
    ...(options.maxQueryCost !== undefined ? { maxCost: options.maxQueryCost } : {}),
    ...(options.maxListLimit !== undefined ? { maxListLimit: options.maxListLimit } : {}),
  };
  const bodyLimits: BodyLimits = {
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
  };
  const documents = new DocumentCache(schema, limits);
  const listBound = storeListBound(store);
  let baseUrl = '';
  const random = seededRandom(options.randomSeed ?? 1);
  const stats = emptyStats();
  const rateWindow = { start: Date.now(), count: 0 };

  /** Answers 401 and returns false when a token is configured and the request does not carry it. */
  function authorized(req: IncomingMessage, res: ServerResponse): boolean {
    if (options.token === undefined || req.headers.authorization === `Bearer ${options.token}`) return true;
    stats.unauthorized += 1;
    sendJson(res, 401, {
      errors: [
        {
          message: req.headers.authorization
            ? 'The token in the Authorization header is not valid for this core emulator: send the token given with --token.'
            : 'Missing "Authorization: Bearer <token>" header: send the token given to the core emulator with --token.',
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    });
    req.resume();
    return false;
  }

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests += 1;
    if (!authorized(req, res)) return;
    if (options.latencyMs) await delay(options.latencyMs);
    const refusal = injectedRefusal();
    if (refusal) {
      req.resume();
      res.writeHead(refusal.status, {
        'content-type': 'application/json',
        ...(refusal.retryAfter !== undefined ? { 'retry-after': String(refusal.retryAfter) } : {}),
      });
      res.end(JSON.stringify({ errors: [{ message: refusal.message }] }));
      return;
    }
    let body: GraphQLRequestBody;
    try {
      body = await readGraphQLBody(req, bodyLimits, store.stagingPath.bind(store));
    } catch (error) {
      const refused = error instanceof BodyError ? error : new BodyError(400, 'BAD_REQUEST', String(error));
      res.setHeader('connection', 'close');
      sendJson(res, refused.status, {
        errors: [{ message: refused.message, extensions: { code: refused.code } }],
      });
      return;
    }
    let answer: { status: number; payload: unknown };
    try {
      answer = await run(body);
    } finally {
      // An upload no resolver adopted (renamed into the blob folder) goes with its request, before the answer.
      if (body.file) await rm(body.file.path, { force: true });
    }
    sendJson(res, answer.status, answer.payload);
  }

  async function run(body: GraphQLRequestBody): Promise<{ status: number; payload: unknown }> {
    const document = documents.get(body.query);
    if ('refusal' in document) return { status: 400, payload: { errors: [document.refusal] } };
    if ('errors' in document) return { status: 200, payload: { errors: document.errors } };
    try {
      estimateQuery(
        document.document,
        body.operationName,
        { query: schema.getQueryType(), mutation: schema.getMutationType() },
        body.variables,
        limits,
        listBound,
      );
    } catch (error) {
      return { status: 400, payload: { errors: [asGraphQLError(error)] } };
    }
    const context: RequestContext = { baseUrl, file: body.file };
    const result = await execute({
      schema,
      document: document.document,
      rootValue,
      contextValue: context,
      variableValues: body.variables,
      operationName: body.operationName,
    });
    stats.executed += 1;
    const name = body.operationName ?? operationNameOf(body.query);
    stats.operations[name] = (stats.operations[name] ?? 0) + 1;
    return { status: 200, payload: result };
  }

  function injectedRefusal(): { status: number; message: string; retryAfter?: number } | undefined {
    const limit = options.rateLimit;
    if (limit) {
      const now = Date.now();
      if (now - rateWindow.start >= limit.windowMs) {
        rateWindow.start = now;
        rateWindow.count = 0;
      }
      rateWindow.count += 1;
      if (rateWindow.count > limit.requests) {
        stats.throttled += 1;
        const retryAfter = Math.max(0, Math.ceil((rateWindow.start + limit.windowMs - now) / 1000));
        return {
          status: 429,
          message: 'Rate limit exceeded; retry after the Retry-After delay.',
          retryAfter,
        };
      }
    }
    if (options.throttleRate && random() < options.throttleRate) {
      stats.throttled += 1;
      return {
        status: 429,
        message: 'Too many requests (injected); retry after the Retry-After delay.',
        retryAfter: options.retryAfterSeconds ?? 1,
      };
    }
    if (options.faultRate && random() < options.faultRate) {
      stats.faults += 1;
      const status = FAULT_STATUSES[Math.floor(random() * FAULT_STATUSES.length)] ?? 503;
      return { status, message: `Injected fault (HTTP ${status}).` };
    }
    return undefined;
  }

  function handleMedia(req: IncomingMessage, res: ServerResponse, path: string): void {
    const blobId = safeDecode(path.split('/')[2] ?? '');
    const blob = blobId === undefined ? undefined : store.blobs.get(blobId);
    const file = blob ? store.blobPath(blob.id) : undefined;
    if (!blob || !file) {
      sendJson(res, 404, { error: 'No such media.' });
      return;
    }
    res.writeHead(200, { 'content-type': blob.contentType, 'content-length': String(blob.size) });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // Streamed: a large model file is never read into memory.
    pipeline(createReadStream(file), res).catch(() => res.destroy());
  }

  /** Test and benchmark hooks for an emulator in another process (same data as `stats()` and `jobs`). */
  function handleControl(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (!authorized(req, res)) return;
    if (path === '/_emulator/stats' && req.method === 'GET') {
      sendJson(res, 200, { ...stats, operations: { ...stats.operations } });
    } else if (path === '/_emulator/stats' && req.method === 'DELETE') {
      resetStats();
      sendJson(res, 200, { ...stats });
    } else if (path === '/_emulator/jobs' && req.method === 'GET') {
      sendJson(res, 200, { jobs });
    } else {
      sendJson(res, 404, {
        error: `No route ${req.method} ${path}; try GET /_emulator/stats or GET /_emulator/jobs.`,
      });
    }
  }

  function resetStats(): void {
    Object.assign(stats, emptyStats(), { inFlight: stats.inFlight });
  }

  const server = createServer((req, res) => {
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      sendJson(res, 400, { error: 'The request target is not a valid path.' });
      req.resume();
      return;
    }
    if (path === '/v3/graphql' && req.method === 'POST') {
      stats.inFlight += 1;
      stats.peakConcurrency = Math.max(stats.peakConcurrency, stats.inFlight);
      handleGraphQL(req, res)
        .catch((error: unknown) => {
          if (!res.headersSent)
            sendJson(res, 500, { errors: [{ message: `Emulator error: ${String(error)}` }] });
          else res.destroy();
        })
        .finally(() => {
          stats.inFlight -= 1;
        });
      return;
    }
    if (path.startsWith('/media/') && (req.method === 'GET' || req.method === 'HEAD')) {
      if (req.method === 'GET') stats.mediaGets += 1;
      handleMedia(req, res, path);
      return;
    }
    if (path.startsWith('/_emulator/')) {
      handleControl(req, res, path);
      return;
    }
    if (path === '/v3/graphql') {
      sendJson(res, 405, { errors: [{ message: 'Send GraphQL requests with POST.' }] });
      return;
    }
    sendJson(res, 404, {
      error: `No route ${req.method} ${path}; the GraphQL endpoint is POST /v3/graphql.`,
    });
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new CoreEmulatorError(
          'listen_failed',
          `Cannot listen on ${host}:${options.port ?? 0}: ${error.message}`,
        ),
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  baseUrl = options.publicUrl ? new URL(options.publicUrl).origin : url;

  return {
    url,
    graphqlUrl: `${url}/v3/graphql`,
    store,
    jobs,
    stats: () => ({ ...stats, operations: { ...stats.operations } }),
    resetStats,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          store.close();
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}

const DOCUMENT_CACHE_SIZE = 200;

type CompiledDocument =
  | { document: DocumentNode }
  | { errors: readonly GraphQLError[] }
  | { refusal: GraphQLError };

/** Parsed and validated documents by source text: clients send the same few documents again and again. */
class DocumentCache {
  private readonly entries = new Map<string, CompiledDocument>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly limits: QueryLimits,
  ) {}

  get(query: string): CompiledDocument {
    const cached = this.entries.get(query);
    if (cached) return cached;
    const entry = this.compile(query);
    if (this.entries.size >= DOCUMENT_CACHE_SIZE) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(query, entry);
    return entry;
  }

  private compile(query: string): CompiledDocument {
    const refusal = checkQueryText(query, this.limits);
    if (refusal) return { refusal };
    let document: DocumentNode;
    try {
      document = parse(new Source(query, 'request'), { maxTokens: this.limits.maxTokens });
    } catch (error) {
      return { errors: [asGraphQLError(error)] };
    }
    try {
      const errors = validate(this.schema, document);
      return errors.length > 0 ? { errors } : { document };
    } catch (error) {
      return { errors: [asGraphQLError(error)] };
    }
  }
}

interface GraphQLRequestBody {
  query: string;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
  file: UploadedFilePart | undefined;
}

interface BodyLimits {
  maxBodyBytes: number;
  maxUploadBytes: number;
}

/** A request body the emulator refuses, with its HTTP status and a stable code. */
class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function readGraphQLBody(
  req: IncomingMessage,
  limits: BodyLimits,
  stagingPath: () => string,
): Promise<GraphQLRequestBody> {
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.startsWith('multipart/form-data')) return readMultipart(req, limits, stagingPath);
  const text = (await readCapped(req, limits.maxBodyBytes)).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BodyError(
      400,
      'BAD_REQUEST',
      'The body is not JSON; send {"query": ..., "variables": ...} or multipart/form-data.',
    );
  }
  const record = (isObject(json) ? json : {}) as Record<string, unknown>;
  if (typeof record.query !== 'string')
    throw new BodyError(400, 'BAD_REQUEST', 'The body has no "query" string.');
  return {
    query: record.query,
    variables: isObject(record.variables) ? record.variables : undefined,
    operationName: typeof record.operationName === 'string' ? record.operationName : undefined,
    file: undefined,
  };
}

function tooLarge(what: string, limit: number): BodyError {
  return new BodyError(
    413,
    'PAYLOAD_TOO_LARGE',
    `${what} is larger than ${limit} bytes, the emulator's limit.`,
  );
}

/** Reads a JSON body, refusing it (413) as soon as it passes `limit`: before reading when Content-Length says so. */
async function readCapped(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge('The request body', limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      req.resume();
      throw tooLarge('The request body', limit);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Veritone's multipart convention: fields `query`, optional `variables` (JSON) and one `file` part.
 * The file is streamed to a staging file (never held in memory) and refused past `maxUploadBytes`;
 * a second file part, or too many or too large text fields, is refused rather than ignored.
 */
function readMultipart(
  req: IncomingMessage,
  limits: BodyLimits,
  stagingPath: () => string,
): Promise<GraphQLRequestBody> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let upload: { path: string; done: Promise<number>; contentType: string; filename: string } | undefined;
    let failure: BodyError | undefined;
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: {
          // One byte over the limit tells a file of exactly maxUploadBytes from a longer one.
          fileSize: limits.maxUploadBytes + 1,
          files: 1,
          fields: MAX_MULTIPART_FIELDS,
          fieldSize: limits.maxBodyBytes,
          parts: MAX_MULTIPART_FIELDS + 1,
        },
      });
    } catch (error) {
      req.resume();
      reject(new BodyError(400, 'BAD_REQUEST', `Malformed multipart request: ${(error as Error).message}`));
      return;
    }
    const fail = (error: BodyError) => {
      failure ??= error;
    };
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(tooLarge(`The multipart field "${name}"`, limits.maxBodyBytes));
      else fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume();
        fail(
          new BodyError(
            400,
            'BAD_REQUEST',
            `Unexpected file part "${name}": send the file as the part named "file".`,
          ),
        );
        return;
      }
      const path = stagingPath();
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      const done = pipeline(stream, createWriteStream(path)).then(() => size);
      upload = {
        path,
        done,
        contentType: info.mimeType || 'application/octet-stream',
        filename: info.filename || 'file',
      };
    });
    parser.on('filesLimit', () =>
      fail(new BodyError(400, 'BAD_REQUEST', 'Send one file part per request (Veritone convention).')),
    );
    parser.on('fieldsLimit', () =>
      fail(new BodyError(400, 'BAD_REQUEST', `Send at most ${MAX_MULTIPART_FIELDS} multipart fields.`)),
    );
    parser.on('partsLimit', () =>
      fail(new BodyError(400, 'BAD_REQUEST', `Send at most ${MAX_MULTIPART_FIELDS + 1} multipart parts.`)),
    );
    const finish = async (parseError?: Error) => {
      const size = upload ? await upload.done.catch(() => -1) : 0;
      const problem =
        failure ??
        (size > limits.maxUploadBytes ? tooLarge('The uploaded file', limits.maxUploadBytes) : undefined) ??
        (parseError
          ? new BodyError(400, 'BAD_REQUEST', `Malformed multipart request: ${parseError.message}`)
          : undefined) ??
        (size < 0
          ? new BodyError(400, 'BAD_REQUEST', 'The uploaded file could not be received.')
          : undefined) ??
        multipartFieldsProblem(fields);
      if (problem) {
        if (upload) await rm(upload.path, { force: true });
        reject(problem);
        return;
      }
      const file: UploadedFilePart | undefined = upload
        ? { path: upload.path, size, contentType: upload.contentType, filename: upload.filename }
        : undefined;
      resolve({
        query: fields.query as string,
        variables: fields.variables ? (JSON.parse(fields.variables) as Record<string, unknown>) : undefined,
        operationName: fields.operationName,
        file,
      });
    };
    let finished = false;
    const once = (error?: Error) => {
      if (finished) return;
      finished = true;
      req.unpipe(parser);
      req.resume();
      void finish(error);
    };
    parser.on('error', (error: Error) => once(error));
    parser.on('close', () => once());
    // A client that goes away mid-upload: destroying the parser ends the file stream, so the staging
    // file is removed instead of waiting forever for bytes that will not come.
    const abort = (error: Error) => {
      if (finished) return;
      parser.destroy(error);
      once(error);
    };
    req.on('error', abort);
    req.on('close', () => {
      if (!req.complete) abort(new Error('the client closed the connection before the body ended'));
    });
    req.pipe(parser);
  });
}

function multipartFieldsProblem(fields: Record<string, string>): BodyError | undefined {
  if (typeof fields.query !== 'string')
    return new BodyError(400, 'BAD_REQUEST', 'The multipart request has no "query" field.');
  if (!fields.variables) return undefined;
  try {
    const parsed: unknown = JSON.parse(fields.variables);
    return isObject(parsed)
      ? undefined
      : new BodyError(400, 'BAD_REQUEST', 'The multipart "variables" field is not a JSON object.');
  } catch {
    return new BodyError(400, 'BAD_REQUEST', 'The multipart "variables" field is not JSON.');
  }
}

/** What graphql-js and this module throw, as a GraphQL error with a message (a RangeError would serialise as `{}`). */
function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new GraphQLError(`The query could not be processed: ${message}`, {
    extensions: { code: 'BAD_REQUEST' },
  });
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** The most records each paged list can hold in this store, for the cost estimate. */
function storeListBound(store: EmulatorStore): ListBound {
  let cached = { revision: -1, perLibrary: 0, perEntity: 0, modelsPerLibrary: 0, tasksPerJob: 0 };
  const refresh = () => {
    if (cached.revision === store.revision) return cached;
    const countBy = <T>(items: Iterable<T>, key: (item: T) => string) => {
      const counts = new Map<string, number>();
      for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
      return Math.max(0, ...counts.values());
    };
    cached = {
      revision: store.revision,
      perLibrary: countBy(store.entities.values(), (entity) => entity.libraryId),
      perEntity: countBy(store.identifiers.values(), (identifier) => identifier.entityId),
      modelsPerLibrary: countBy(store.models.values(), (model) => model.libraryId),
      tasksPerJob: Math.max(0, ...[...store.jobs.values()].map((job) => job.tasks.length)),
    };
    return cached;
  };
  return (listTypeName, parentTypeName) => {
    const bounds = refresh();
    switch (listTypeName) {
      case 'LibraryList':
        return store.libraries.size;
      case 'EntityList':
        return parentTypeName === 'Library' ? bounds.perLibrary : store.entities.size;
      case 'EntityIdentifierList':
        return bounds.perEntity;
      case 'LibraryEngineModelList':
        return bounds.modelsPerLibrary;
      case 'TaskList':
        return bounds.tasksPerJob;
      default:
        return Number.POSITIVE_INFINITY;
    }
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function operationNameOf(query: string): string {
  return /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? 'anonymous';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function emptyStats(): CoreEmulatorStats {
  return {
    requests: 0,
    executed: 0,
    faults: 0,
    throttled: 0,
    unauthorized: 0,
    inFlight: 0,
    peakConcurrency: 0,
    operations: {},
    mediaGets: 0,
  };
}

function checkOptions(options: CoreEmulatorOptions): void {
  const rate = (name: string, value: number | undefined) => {
    if (value !== undefined && !(value >= 0 && value <= 1)) {
      throw new CoreEmulatorError('invalid_options', `${name} must be between 0 and 1 (got ${value}).`);
    }
  };
  rate('faultRate', options.faultRate);
  rate('throttleRate', options.throttleRate);
  if (options.latencyMs !== undefined && !(options.latencyMs >= 0)) {
    throw new CoreEmulatorError('invalid_options', `latencyMs must be >= 0 (got ${options.latencyMs}).`);
  }
  if (options.rateLimit && !(options.rateLimit.requests >= 1 && options.rateLimit.windowMs >= 1)) {
    throw new CoreEmulatorError('invalid_options', 'rateLimit needs requests >= 1 and windowMs >= 1.');
  }
  for (const name of [
    'maxQueryDepth',
    'maxQueryCost',
    'maxListLimit',
    'maxBodyBytes',
    'maxUploadBytes',
  ] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw new CoreEmulatorError('invalid_options', `${name} must be an integer >= 1 (got ${value}).`);
    }
  }
  if (options.publicUrl !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(options.publicUrl);
    } catch {
      parsed = undefined;
    }
    if (
      !parsed ||
      (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') ||
      parsed.username ||
      parsed.password
    ) {
      throw new CoreEmulatorError(
        'invalid_options',
        `publicUrl must be an http(s) origin such as http://core.example:4000 (got ${JSON.stringify(options.publicUrl)}).`,
      );
    }
  }
}
